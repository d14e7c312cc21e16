package io.streamcast.model.core.anomaly;

/**
 * Per-key prediction intervals for horizons k = 1..K from running residual quantiles, with all
 * per-key state in {@code 2K + 3} floats of a caller's {@code float[]}.
 *
 * <h2>Definition</h2>
 * For a forecast {@code f_k} of the value k steps ahead, made now, the interval is
 * <pre>
 *   [ f_k + q_lo · w_k · scale ,  f_k + q_hi · w_k · scale ]
 * </pre>
 * where {@code scale} is the caller's current unit of the model (e.g. the series scaler's standard
 * deviation; 1 for raw units), {@code w_k} is an exponentially weighted mean of past horizon-k
 * absolute errors {@code |e| = |v − f| / scale} (half-life {@code scaleHalfLife} observations),
 * and {@code q_lo}, {@code q_hi} are running quantiles, at levels (1 ∓ coverage)/2, of the
 * scale-free error {@code e / w_k}, pooled over all horizons. So the width of each horizon's
 * interval follows that horizon's own error size, while the shape (skew, tail weight) is learned
 * from every horizon's errors together. The quantiles are tracked by stochastic approximation
 * ({@code q += step · (level − 1[x < q])}), started at the Gaussian values. A horizon's interval
 * is NaN until it has {@code minObservations} observations. Because the shape is shared, coverage
 * is nominal over all horizons' observations together; a horizon whose error shape differs from
 * the pooled one (e.g. strongly skewed one-step errors that become more symmetric as k grows)
 * can sit a few points above or below nominal. This is the price of K + 2 floats for the scales
 * and shape instead of 2K per-horizon quantiles.
 *
 * <h2>How horizon-k errors are observed without storing K past forecast vectors</h2>
 * Slot j (horizon k = j + 1) keeps one pending forecast. Its period {@code P_k} is the smallest
 * power of two ≥ k. At every event t with {@code t mod P_k = 0} the slot takes the new horizon-k
 * forecast (target t + k); at event t + k (≤ t + P_k) the slot's forecast meets its actual and
 * the error is observed. Horizon 1 is therefore observed at every event, horizon k at least once
 * every {@code 2k − 1} events; K pending forecasts suffice. Slot 0 is always the forecast made at
 * the previous event for the current one ({@link #pendingOneStepForecast}), so the caller needs no
 * separate "last forecast" state.
 *
 * <h2>State layout</h2>
 * {@link #stateSize()} = 2K + 3 floats (K = 8: 19 floats, 76 bytes) from the caller's offset:
 * <pre>
 *  +0           COUNTER    events seen (wraps from 2^23 to 2^22, preserving its phase)
 *  +1           Q_LOWER    q_lo, pooled lower quantile of e / w_k
 *  +2           Q_UPPER    q_hi, pooled upper quantile of e / w_k
 *  +3 .. +3+K   SLOTS      pending forecast of horizon j+1, value units (NaN = none)
 *  +3+K .. +3+2K SCALES    w_k, EW mean absolute error of horizon k in model units (0 = none yet)
 * </pre>
 *
 * <p>Instances are immutable and thread-safe (all mutable state is in the caller's arrays).
 */
public final class PredictionIntervals {

    static final int COUNTER = 0;
    static final int Q_LOWER = 1;
    static final int Q_UPPER = 2;
    static final int SLOTS = 3;

    private static final long WRAP_AT = 1L << 23;
    private static final long WRAP_BY = 1L << 22;
    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2.0);

    private final IntervalConfig config;
    private final int horizon;
    private final int[] periods;
    private final double scaleAlpha;
    private final double lowerLevel;
    private final double upperLevel;
    private final float initialLower;
    private final float initialUpper;

    public PredictionIntervals(IntervalConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.horizon = config.horizon();
        this.periods = new int[horizon];
        for (int j = 0; j < horizon; j++) {
            periods[j] = Integer.highestOneBit(j + 1) == j + 1 ? j + 1 : Integer.highestOneBit(j + 1) << 1;
        }
        this.scaleAlpha = AnomalyConfig.alphaForHalfLife(config.scaleHalfLife());
        this.lowerLevel = config.lowerLevel();
        this.upperLevel = config.upperLevel();
        // Gaussian errors: e / E|e| has quantiles z · sqrt(pi/2)
        this.initialLower = (float) (-upperQuantile(lowerLevel) * SQRT_HALF_PI);
        this.initialUpper = (float) (upperQuantile(lowerLevel) * SQRT_HALF_PI);
    }

    public IntervalConfig config() {
        return config;
    }

    /** Floats of per-key state: 2K + 3. */
    public int stateSize() {
        return stateSize(horizon);
    }

    /** Floats of per-key state for horizon K: 2K + 3. */
    public static int stateSize(int horizon) {
        return 2 * horizon + 3;
    }

    /** Writes a fresh key's state into {@code state[offset, offset + stateSize())}. */
    public void init(float[] state, int offset) {
        checkRegion(state, offset);
        state[offset + COUNTER] = 0f;
        state[offset + Q_LOWER] = initialLower;
        state[offset + Q_UPPER] = initialUpper;
        for (int j = 0; j < horizon; j++) {
            state[offset + SLOTS + j] = Float.NaN;
            state[offset + SLOTS + horizon + j] = 0f;
        }
    }

    /**
     * Observes this event's value against the pending forecasts that target it, then stores the
     * new forecasts the schedule asks for.
     *
     * @param value    the actual value now, in value units (NaN: nothing observed)
     * @param scale    the model unit now (&gt; 0; e.g. the scaler's standard deviation); errors are
     *                 divided by it (non-positive or NaN: nothing observed)
     * @param forecast the forecast made now for the next K events, value units, at least K long
     *                 (null: no forecast now; slots due for refresh become empty)
     */
    public void observe(float[] state, int offset, double value, double scale, float[] forecast) {
        checkRegion(state, offset);
        if (forecast != null && forecast.length < horizon) {
            throw new IllegalArgumentException("forecast has " + forecast.length + " values, expected at least "
                    + horizon);
        }
        long t = (long) state[offset + COUNTER];
        int scales = offset + SLOTS + horizon;
        if (Double.isFinite(value) && scale > 0 && Double.isFinite(scale)) {
            double qLower = state[offset + Q_LOWER];
            double qUpper = state[offset + Q_UPPER];
            for (int j = 0; j < horizon; j++) {
                long filledAt = t - (j + 1);
                if (filledAt < 0 || filledAt % periods[j] != 0) {
                    continue;
                }
                float pending = state[offset + SLOTS + j];
                if (Float.isNaN(pending)) {
                    continue;
                }
                double error = (value - pending) / scale;
                double w = state[scales + j];
                if (w > 0) {
                    double x = error / w;
                    double step = config.quantileStep();
                    qLower += step * (lowerLevel - (x < qLower ? 1.0 : 0.0));
                    qUpper += step * (upperLevel - (x < qUpper ? 1.0 : 0.0));
                }
                long seen = filledAt / periods[j] + 1;
                double a = Math.max(scaleAlpha, 1.0 / seen);
                state[scales + j] = (float) (w + a * (Math.abs(error) - w));
            }
            state[offset + Q_LOWER] = (float) qLower;
            state[offset + Q_UPPER] = (float) Math.max(qUpper, qLower);
        }
        for (int j = 0; j < horizon; j++) {
            if (t % periods[j] == 0) {
                state[offset + SLOTS + j] = forecast == null ? Float.NaN : forecast[j];
            }
        }
        long next = t + 1;
        if (next >= WRAP_AT) {
            next -= WRAP_BY;
        }
        state[offset + COUNTER] = next;
    }

    /**
     * Writes the interval of each horizon for a forecast made now.
     *
     * @param forecast forecast for the next K events, value units
     * @param scale    the model unit now (as passed to {@link #observe})
     * @param lower    receives K lower bounds (NaN where the horizon has too few observations)
     * @param upper    receives K upper bounds (NaN likewise)
     * @return the number of horizons with an interval
     */
    public int bounds(float[] state, int offset, float[] forecast, double scale, float[] lower, float[] upper) {
        checkRegion(state, offset);
        if (forecast.length < horizon || lower.length < horizon || upper.length < horizon) {
            throw new IllegalArgumentException("forecast, lower and upper need at least " + horizon
                    + " values, got " + forecast.length + ", " + lower.length + ", " + upper.length);
        }
        double qLower = state[offset + Q_LOWER];
        double qUpper = state[offset + Q_UPPER];
        int ready = 0;
        for (int j = 0; j < horizon; j++) {
            if (observations(state, offset, j + 1) < config.minObservations()) {
                lower[j] = Float.NaN;
                upper[j] = Float.NaN;
                continue;
            }
            double width = state[offset + SLOTS + horizon + j] * scale;
            lower[j] = (float) (forecast[j] + qLower * width);
            upper[j] = (float) (forecast[j] + qUpper * width);
            ready++;
        }
        return ready;
    }

    /**
     * Number of horizon-k errors the schedule has offered so far (an upper bound on those observed:
     * events without a value or forecast are counted too); large after the counter wraps.
     */
    public long observations(float[] state, int offset, int k) {
        if (k < 1 || k > horizon) {
            throw new IllegalArgumentException("k must be in [1, " + horizon + "], got " + k);
        }
        long lastEvent = (long) state[offset + COUNTER] - 1;
        long lastFill = lastEvent - k;
        return lastFill < 0 ? 0 : lastFill / periods[k - 1] + 1;
    }

    /** The forecast made at the previous event for the current one (value units; NaN if none). */
    public static float pendingOneStepForecast(float[] state, int offset) {
        return state[offset + SLOTS];
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
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        if (offset < 0 || offset > state.length - stateSize()) {
            throw new IllegalArgumentException("state region [" + offset + ", " + (offset + stateSize())
                    + ") does not fit in an array of length " + state.length);
        }
    }
}
