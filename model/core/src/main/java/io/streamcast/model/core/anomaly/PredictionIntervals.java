package io.streamcast.model.core.anomaly;

import io.streamcast.model.core.StateRegions;

/**
 * Per-key prediction intervals for horizons k = 1..K from running residual quantiles, with all
 * per-key state in {@code 2n + 1} floats of a caller's {@code float[]}, where n is the number of
 * <em>tracked</em> horizons (1, 2, 4, … below K, and K itself, with K/2 in place of the largest power of two
 * when K/2 is not one: {@link #trackedHorizons}; n = 4 for K = 8: 1, 2, 4, 8; n = 7 for K = 48: 1, 2, 4, 8, 16, 24, 48).
 *
 * <h2>Definition</h2>
 * For a forecast {@code f_k} of the value k steps ahead, made now, the interval is
 * <pre>
 *   [ f_k + q_lo · w_k · scale ,  f_k + q_hi · w_k · scale ]
 * </pre>
 * where {@code scale} is the caller's current unit of the model (e.g. the series scaler's standard
 * deviation; 1 for raw units), {@code w_k} is the typical size of a horizon-k error, and
 * {@code q_lo}, {@code q_hi} are running quantiles, at levels (1 ∓ coverage)/2, of the scale-free
 * error {@code e / w_k}, pooled over the tracked horizons. For a tracked horizon, {@code w_k} is an
 * exponentially weighted mean of its past absolute errors {@code |e| = |v − f| / scale} (half-life
 * {@code scaleHalfLife} observations); for a horizon between two tracked ones a &lt; k &lt; b it is
 * interpolated linearly, {@code w_k = w_a + (w_b − w_a)(k − a)/(b − a)} (errors grow smoothly with
 * the horizon; for a random walk, whose errors grow like √k, the interpolated width is within 1.5%
 * of the true one). So the width of each horizon's interval follows the error size at that horizon,
 * while the shape (skew, tail weight) is learned from the tracked horizons' errors together. The
 * quantiles are tracked by stochastic approximation ({@code q += step · (level − 1[x < q])}),
 * started at the Gaussian values. A horizon's interval is NaN until it (or, if untracked, each of
 * its two neighbours) has {@code minObservations} observations (5). Until it has {@code settledObservations} (30) its
 * width is multiplied by {@code t_{N−1}/z}, the ratio of Student's t quantile with N − 1 degrees of freedom to the
 * Gaussian one at the upper level (N its observations, the fewer of the two neighbours' for an untracked horizon):
 * the allowance for a scale estimated from N errors, as a t interval makes it for a standard deviation estimated
 * from N values (N = 5: 1.30; 10: 1.12; 29: 1.03). Long horizons are observed seldom (horizon 48 every 64
 * events), so without this they would have no interval for their first 1,900 events. Because the shape is shared,
 * coverage is nominal over the tracked horizons' observations together; a horizon whose error shape
 * differs from the pooled one (e.g. strongly skewed one-step errors that become more symmetric as k
 * grows) can sit a few points above or below nominal. This is the price of n + 2 floats for the
 * scales and shape instead of 2K per-horizon quantiles.
 *
 * <h2>What the caller passes</h2>
 * Two things the caller knows already are not stored here: the event's position {@code t} (0, 1, 2, …)
 * since this key's interval statistics started ({@link #init}), which drives the schedule below and
 * counts the observations; and the one-step forecast made at the previous event for this one.
 *
 * <h2>How horizon-k errors are observed without storing past forecast vectors</h2>
 * Tracked horizon i (horizon {@code h_i}) keeps one pending forecast in a slot. Its period
 * {@code P_i} is the smallest power of two ≥ {@code h_i}. At every event t with
 * {@code t mod P_i = 0} the slot takes the new horizon-{@code h_i} forecast (target t + h_i); at
 * event t + h_i (≤ t + P_i) the slot's forecast meets its actual and the error is observed. Horizon
 * 1 is therefore observed at every event, a tracked horizon h at least once every {@code 2h − 1}
 * events. Horizon 1 has no slot: its pending forecast is the previous event's one-step forecast,
 * which the caller passes.
 *
 * <h2>State layout</h2>
 * {@link #stateSize()} = 2n + 1 floats (K = 8: n = 4, 9 floats, 36 bytes) from the caller's offset:
 * <pre>
 *  +0              Q_LOWER    q_lo, pooled lower quantile of e / w_k
 *  +1              Q_UPPER    q_hi, pooled upper quantile of e / w_k
 *  +2 .. +1+n      SLOTS      pending forecast of tracked horizons 2 … n, value units (NaN = none)
 *  +1+n .. +1+2n   SCALES     w of tracked horizon i = 1 … n, EW mean absolute error in model units (0 = none yet)
 * </pre>
 * Earlier layouts of this state are converted by {@code io.streamcast.model.core.series.StateLayouts}.
 *
 * <p>Instances are immutable and thread-safe (all mutable state is in the caller's arrays).
 */
public final class PredictionIntervals {

    /** Offset of the pooled lower quantile in a key's intervals state. */
    public static final int Q_LOWER = 0;
    /** Offset of the pooled upper quantile. */
    public static final int Q_UPPER = 1;
    /** Slots of tracked horizons 2 … n; tracked horizon i ≥ 1 has slot SLOTS + i − 1. */
    public static final int SLOTS = 2;

    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2.0);

    private final IntervalConfig config;
    private final int horizon;
    /** The tracked horizons h_i, increasing: 1, 2, 4, …, K. */
    private final int[] tracked;
    /** Period P_i of each tracked horizon. */
    private final int[] periods;
    /** For horizon k = j + 1: its tracked index, or -1 when interpolated. */
    private final int[] trackedIndex;
    /** For an interpolated horizon k = j + 1: the tracked index of a (below k); b is the next one. */
    private final int[] below;
    /** For an interpolated horizon k = j + 1: (k − a) / (b − a). */
    private final double[] fraction;
    private final double scaleAlpha;
    private final double lowerLevel;
    private final double upperLevel;
    private final float initialLower;
    private final float initialUpper;
    /** For N observations below {@code settledObservations}: the width's factor t_{N−1}/z. */
    private final double[] widening;
    private final int stateSize;

    public PredictionIntervals(IntervalConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.horizon = config.horizon();
        TrackedHorizons grid = TrackedHorizons.of(trackedHorizons(horizon));
        this.tracked = grid.tracked();
        this.stateSize = 2 * tracked.length + 1;
        this.periods = new int[tracked.length];
        for (int i = 0; i < tracked.length; i++) {
            periods[i] = periodOf(tracked[i]);
        }
        this.trackedIndex = grid.trackedIndex();
        this.below = grid.below();
        this.fraction = grid.fraction();
        this.scaleAlpha = AnomalyConfig.alphaForHalfLife(config.scaleHalfLife());
        this.lowerLevel = config.lowerLevel();
        this.upperLevel = config.upperLevel();
        // Gaussian errors: e / E|e| has quantiles z · sqrt(pi/2)
        this.initialLower = (float) (-upperQuantile(lowerLevel) * SQRT_HALF_PI);
        this.initialUpper = (float) (upperQuantile(lowerLevel) * SQRT_HALF_PI);
        this.widening = new double[config.settledObservations()];
        double z = upperQuantile(lowerLevel);
        for (int n = config.minObservations(); n < widening.length; n++) {
            widening[n] = studentT(z, n - 1) / z;
        }
    }

    /**
     * Student's t quantile with {@code v} degrees of freedom at the level of the Gaussian quantile {@code z}, by the
     * Cornish-Fisher expansion to the third order in 1/v (within 0.3% of the exact value for v ≥ 3 at z = 1.645).
     */
    static double studentT(double z, int v) {
        if (v < 1) {
            return Double.POSITIVE_INFINITY;
        }
        double z2 = z * z;
        double z3 = z2 * z;
        double z5 = z3 * z2;
        double z7 = z5 * z2;
        return z + (z3 + z) / (4.0 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * v * v)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * v * v * v);
    }

    /**
     * The tracked horizons for horizon K: the powers of two below K, then K ({@link TrackedHorizons#powersOfTwo}),
     * except that for an even K whose half is not a power of two the largest power below K (which lies between K/2
     * and K) gives way to K/2 itself (K = 48: 1, 2, 4, 8, 16, 24, 48). K/2 is one of the horizons the product reports
     * beside 1 and K, so its width is measured and not interpolated: on a series with a daily season of K/2 events
     * the errors change in kind past it (seasonal naive, and a model correcting it, look back two days instead of
     * one), and a width interpolated between 16 and 32 across that step is too wide at 24. The count, and so the
     * state's size, is the same as with the powers of two, and a key whose state was written by a release that tracked
     * the power of two (K = 48: 32) continues with that slot as K/2's: its first error there is judged against a
     * forecast made for the power's horizon, and its scale starts at that horizon's and moves to K/2's as K/2's errors
     * are observed (by the scale's half-life).
     */
    public static int[] trackedHorizons(int horizon) {
        int[] t = TrackedHorizons.powersOfTwo(horizon);
        int half = horizon / 2;
        if (horizon % 2 == 0 && half > 1 && Integer.bitCount(half) != 1) {
            t[t.length - 2] = half;
        }
        return t;
    }

    private static int periodOf(int h) {
        return Integer.highestOneBit(h) == h ? h : Integer.highestOneBit(h) << 1;
    }

    public IntervalConfig config() {
        return config;
    }

    /** Floats of per-key state: 2n + 1, n the number of tracked horizons. */
    public int stateSize() {
        return stateSize;
    }

    /** Floats of per-key state for horizon K: 2n + 1, n the number of tracked horizons (K = 8: 9). */
    public static int stateSize(int horizon) {
        return 2 * TrackedHorizons.powersOfTwo(horizon).length + 1; // as many as the powers of two (trackedHorizons)
    }

    /** Writes a fresh key's state into {@code state[offset, offset + stateSize())}. */
    public void init(float[] state, int offset) {
        checkRegion(state, offset);
        state[offset + Q_LOWER] = initialLower;
        state[offset + Q_UPPER] = initialUpper;
        int n = tracked.length;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                state[offset + SLOTS + i - 1] = Float.NaN;
            }
            state[offset + SLOTS + n - 1 + i] = 0f;
        }
    }

    /**
     * Observes this event's value against the pending forecasts that target it, then stores the
     * new forecasts the schedule asks for.
     *
     * @param t        this event's position since the key's interval statistics started: 0 at the first
     *                 event after {@link #init}, then 1, 2, …
     * @param value    the actual value now, in value units (NaN: nothing observed)
     * @param scale    the model unit now (&gt; 0; e.g. the scaler's standard deviation); errors are
     *                 divided by it (non-positive or NaN: nothing observed)
     * @param previousOneStep the one-step forecast made at the previous event (for this one), value units
     *                 (NaN: none; ignored at t = 0)
     * @param forecast the forecast made now for the next K events, value units, at least K long
     *                 (null: no forecast now; slots due for refresh become empty)
     */
    public void observe(float[] state, int offset, long t, double value, double scale, float previousOneStep,
            float[] forecast) {
        checkRegion(state, offset);
        checkPosition(t);
        if (forecast != null && forecast.length < horizon) {
            throw new IllegalArgumentException("forecast has " + forecast.length + " values, expected at least "
                    + horizon);
        }
        int n = tracked.length;
        int scales = offset + SLOTS + n - 1;
        if (Double.isFinite(value) && scale > 0 && Double.isFinite(scale)) {
            double qLower = state[offset + Q_LOWER];
            double qUpper = state[offset + Q_UPPER];
            for (int i = 0; i < n; i++) {
                long filledAt = t - tracked[i];
                if (filledAt < 0 || filledAt % periods[i] != 0) {
                    continue;
                }
                float pending = i == 0 ? previousOneStep : state[offset + SLOTS + i - 1];
                if (Float.isNaN(pending)) {
                    continue;
                }
                double error = (value - pending) / scale;
                double w = state[scales + i];
                if (w > 0) {
                    double x = error / w;
                    double step = config.quantileStep();
                    qLower += step * (lowerLevel - (x < qLower ? 1.0 : 0.0));
                    qUpper += step * (upperLevel - (x < qUpper ? 1.0 : 0.0));
                }
                long seen = filledAt / periods[i] + 1;
                double a = Math.max(scaleAlpha, 1.0 / seen);
                state[scales + i] = (float) (w + a * (Math.abs(error) - w));
            }
            state[offset + Q_LOWER] = (float) qLower;
            state[offset + Q_UPPER] = (float) Math.max(qUpper, qLower);
        }
        for (int i = 1; i < n; i++) {
            if (t % periods[i] == 0) {
                state[offset + SLOTS + i - 1] = forecast == null ? Float.NaN : forecast[tracked[i] - 1];
            }
        }
    }

    private static void checkPosition(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("t is the event's position since the statistics started (>= 0), got " + t);
        }
    }

    /**
     * Writes the interval of each horizon for a forecast made now.
     *
     * @param t        this event's position, as passed to {@link #observe} for it
     * @param forecast forecast for the next K events, value units
     * @param scale    the model unit now (as passed to {@link #observe})
     * @param lower    receives K lower bounds (NaN where the horizon has too few observations)
     * @param upper    receives K upper bounds (NaN likewise)
     * @return the number of horizons with an interval
     */
    public int bounds(float[] state, int offset, long t, float[] forecast, double scale, float[] lower, float[] upper) {
        checkRegion(state, offset);
        checkPosition(t);
        if (forecast.length < horizon || lower.length < horizon || upper.length < horizon) {
            throw new IllegalArgumentException("forecast, lower and upper need at least " + horizon
                    + " values, got " + forecast.length + ", " + lower.length + ", " + upper.length);
        }
        double qLower = state[offset + Q_LOWER];
        double qUpper = state[offset + Q_UPPER];
        int scales = offset + SLOTS + tracked.length - 1;
        long lastEvent = t;
        // a larger tracked horizon has the same or a longer period, so never more observations: the tracked horizons
        // with enough of them are the first `usable`
        int usable = 0;
        while (usable < tracked.length && observationsOfTracked(lastEvent, usable) >= config.minObservations()) {
            usable++;
        }
        // the largest tracked horizon has the fewest observations: once it is settled every horizon is
        boolean settled = observationsOfTracked(lastEvent, tracked.length - 1) >= widening.length;
        int ready = 0;
        for (int j = 0; j < horizon; j++) {
            int i = trackedIndex[j];
            double w;
            if (i >= 0) {
                w = i < usable ? state[scales + i] : Double.NaN;
            } else {
                int a = below[j];
                if (a + 1 < usable) {
                    double wa = state[scales + a];
                    w = wa + (state[scales + a + 1] - wa) * fraction[j];
                } else {
                    w = Double.NaN;
                }
            }
            if (Double.isNaN(w)) {
                lower[j] = Float.NaN;
                upper[j] = Float.NaN;
                continue;
            }
            double width = w * scale;
            if (!settled) {
                long seen = i >= 0 ? observationsOfTracked(lastEvent, i) : Math.min(
                        observationsOfTracked(lastEvent, below[j]), observationsOfTracked(lastEvent, below[j] + 1));
                width *= seen < widening.length ? widening[(int) seen] : 1.0;
            }
            lower[j] = (float) (forecast[j] + qLower * width);
            upper[j] = (float) (forecast[j] + qUpper * width);
            ready++;
        }
        return ready;
    }

    /**
     * Number of horizon-k errors the schedule has offered up to and including the event at position
     * {@code t} (an upper bound on those observed: events without a value or forecast are counted too).
     * For a horizon that is not tracked, the fewer of its two tracked neighbours'.
     */
    public long observations(long t, int k) {
        if (k < 1 || k > horizon) {
            throw new IllegalArgumentException("k must be in [1, " + horizon + "], got " + k);
        }
        checkPosition(t);
        long lastEvent = t;
        int i = trackedIndex[k - 1];
        if (i >= 0) {
            return observationsOfTracked(lastEvent, i);
        }
        int a = below[k - 1];
        return Math.min(observationsOfTracked(lastEvent, a), observationsOfTracked(lastEvent, a + 1));
    }

    private long observationsOfTracked(long lastEvent, int i) {
        long lastFill = lastEvent - tracked[i];
        return lastFill < 0 ? 0 : lastFill / periods[i] + 1;
    }

    /** w of horizon 1: the EW mean absolute one-step error, in model units (0 before any). */
    public float oneStepScale(float[] state, int offset) {
        return state[offset + SLOTS + tracked.length - 1];
    }

    /** The pooled lower quantile q_lo of e / w_k. */
    public static float lowerQuantile(float[] state, int offset) {
        return state[offset + Q_LOWER];
    }

    /** The pooled upper quantile q_hi of e / w_k. */
    public static float upperQuantile(float[] state, int offset) {
        return state[offset + Q_UPPER];
    }

    /** z with P(Z ≥ z) = p for 0 &lt; p ≤ 0.5, by bisection (construction time only). */
    private static double upperQuantile(double p) {
        double lo = 0.0;
        double hi = 40.0;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (Gaussian.upperTail(mid) > p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private void checkRegion(float[] state, int offset) {
        StateRegions.check(state, offset, stateSize());
    }
}
