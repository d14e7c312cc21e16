package io.streamcast.model.core;

import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.anomaly.TrackedHorizons;

/**
 * Per-key, per-horizon combination of the model's forecast with the simple baselines, persistence (the last
 * value), seasonal naive (the value one season before the target) and, for a key whose season is a day of at most
 * {@value #MAX_WEEKLY_PERIOD} events, weekly naive (the value one week before the target), for a key whose series
 * has a season of {@code P} events. Each horizon is served the candidates weighted by their recent absolute errors <em>at that
 * horizon</em>, so a horizon where the model is worse than a baseline is served mostly the baseline, and a baseline
 * that is exact at a horizon is served exactly there. A key without a season keeps the one-weight
 * {@link PersistenceBlend} alone (and its state size: the per-horizon statistics below would not fit the 400-byte
 * budget of the K = 8 model); this class is the extension for keys with one.
 *
 * <h2>Definition</h2>
 * At an event t (after its value {@code y_t} is observed) the candidates for the value k steps ahead are
 * <pre>
 *   model          f_k                          (the model's forecast, value units)
 *   persistence    y_t                          (or, where the serving model has a week model whose window is
 *                                               the key's ring: the week model's f_k, {@link WeekModel}, once the
 *                                               ring is full; its errors then restart from its first judged forecast)
 *   seasonal naive y_{t + k − P·ceil(k/P)}      (available once a whole season is in the key's ring buffer)
 *   weekly naive   y_{t + k − W·ceil(k/W)}      (W = 7P, a key with a daily season: once a whole week is in the ring)
 * </pre>
 * and the served forecast is {@code c_k = Σ_c w_{k,c} · x_{k,c}} with
 * <pre>
 *   w_{k,c} = E_{k,c}^(−γ) / Σ_d E_{k,d}^(−γ)         (γ = {@code sharpness})
 * </pre>
 * where {@code E_{k,c}} is an exponentially weighted mean of candidate c's absolute horizon-k errors (half-life
 * {@code halfLifeSeasons · P} events; the first observations are averaged plainly). γ = 2 on absolute errors is the
 * classical inverse-MSE weighting for Gaussian errors; the larger default 4 leans further to the best candidate
 * (the error averages of a few dozen observations are noisy, and a weak candidate with a small weight still costs).
 * If some candidates' E is exactly 0 (they were exact at every observation so far), they share the weight equally
 * and the others get none: a baseline that is exact is served exactly. The weekly candidate joins a horizon's weights
 * once it has been observed there (a key's first week has none), and only while it leads seasonal naive at horizon 1
 * ({@code weeklyLeads}, where every event judges both): hourly and half-hourly series with a weekly rhythm
 * (traffic, demand) are served it where it is better, the others lose nothing.
 *
 * <p>Horizon-k errors are observed on a schedule like that of {@link PredictionIntervals}: the tracked horizons
 * {@code h_i = 1, 2, 4, …, K} each keep one pending forecast per candidate, refreshed every {@code q_i} events and
 * judged h_i events later, where q_i is the smallest number ≥ h_i sharing no factor with P ({@link #periods}), so the
 * forecasts judged at a horizon are made at every phase of the season alike (with powers of two and P = 24, horizon
 * 8 would be judged only on forecasts made at three hours of the day, and on M4 Hourly that cost 5% at h = 8).
 * Horizon 1's pending forecasts are the model's one-step forecast ({@link PersistenceBlend}'s), the last value (or
 * the week model's one-step forecast, recomputed from the ring at the next event: {@link #secondPending}) and the
 * ring's oldest value, so it has no slots. For a horizon between two tracked ones each candidate's E is
 * interpolated linearly between the two (the weights are then computed from those: interpolating weights instead
 * would give persistence weight at horizon 33 because it is exact at 48 = 2P on a periodic series). A tracked horizon
 * uses its own errors once every available candidate has been observed there; until then those of the largest
 * shorter tracked horizon that has them (long horizons are observed late: horizon 48 first about P + 2·49 events
 * after the season started); before any, the {@link PersistenceBlend} forecast is served as for a key without one.
 *
 * <h2>State</h2>
 * A block of {@link #blockSize(int, int)} floats at the end of the key's statistics: {@code R + 8n − 1} for a ring of
 * one season, {@code R + 8n + 1} for a week's (n tracked horizons, R the ring's length: P, or W = 7P for a daily
 * season of at most {@value #MAX_WEEKLY_PERIOD} events; K = 48 and P = 24 give a block of 225 floats with a week's
 * ring, 79 with a ring of one season), laid out so that the period and the ring are found from the end:
 * <pre>
 *  +0 .. +4n−1        ERRORS     E of tracked horizon i, candidates model, persistence, seasonal, weekly (NaN = none yet)
 *  +4n .. +8n−5       PENDING    pending forecasts of tracked horizons 2 … n, the same four candidates (NaN = none)
 *  +8n−4              COUNT      values written into the ring (below 2^23; then stepped back by a multiple of R)
 *  +8n−3 .. +8n+R−4   RING       the last R values, value units
 *  (a week's ring only)
 *  +8n+R−3            ORIGIN     o, the origin of the older days' codes (NaN while the ring has none)
 *  +8n+R−2            EXPONENT   e, the codes' step is 2^e value units
 *  then               LENGTH     R
 *  last               PERIOD     P
 * </pre>
 * <b>The older days of a week's ring are fixed point</b> (series state layout 9), so that a state serializer writes
 * them in 2 bytes each and reads back exactly what the step computes with: a value is rounded here, once, when it
 * becomes older than a season (the newest season, which seasonal naive reads, stays a float), to the nearest
 * {@code o + q·2^e}, q an integer in [−{@value #MAX_CODE}, {@value #MAX_CODE}]. The step 2^e is a power of two set from
 * the spread of the older days' values, half of it coding to between 2^13 and 2^14 (a resolution of about 1/16,000 of
 * the spread; integer values whose spread is below 16,384 stay exact), and o a multiple of the step near their
 * middle. The codes are fitted afresh once a season and whenever an ageing value falls outside their range, every
 * older value then rounded to the new step (on a finer step nothing changes; a value rounded again to a coarser
 * one is within a step of what it was). Weekly naive, which reads those days, forecasts at that resolution, and its
 * pending forecasts (copies of those days' values) are codes of the same grid. For H = 32 and K = 48 that makes an hourly key 994 bytes a record with an LSTM and 930
 * with a GRU, where floats took 1,285 and 1,221.
 * Series state layout 8 kept the whole ring in floats and had no ORIGIN or EXPONENT; layouts up to 7 had no weekly
 * candidate: a block of {@code P + 6n − 1} floats, three candidates and a ring of one season ({@link #resizeBlock}).
 * Instances are not thread-safe (they hold the error averages of the current event); one per serving model.
 */
public final class HorizonCombination {

    /** The largest season a key's state may hold (96: quarter-hourly data with a daily cycle). */
    public static final int MAX_PERIOD = 96;
    /**
     * The largest daily season whose key keeps a week of values for the weekly candidate (48: half-hourly data, a
     * ring of 336 values; quarter-hourly data would need 672, 2.7 KB a key).
     */
    public static final int MAX_WEEKLY_PERIOD = 48;
    /** Seasons in a week. */
    public static final int DAYS_PER_WEEK = 7;
    /** Default half-life of the error averages, in seasons (chosen on the M4 Hourly validation split). */
    public static final double DEFAULT_HALF_LIFE_SEASONS = 14;
    /** Default exponent of the inverse errors (chosen on the M4 Hourly validation split). */
    public static final double DEFAULT_SHARPNESS = 4;
    /** JVM property overriding {@link #DEFAULT_HALF_LIFE_SEASONS}, for evaluations that tune it. */
    public static final String HALF_LIFE_PROPERTY = "streamcast.combination.half-life-seasons";
    /** JVM property overriding {@link #DEFAULT_SHARPNESS}, for evaluations that tune it. */
    public static final String SHARPNESS_PROPERTY = "streamcast.combination.sharpness";

    /** Largest magnitude of an older day's code in a week's ring (a 16-bit signed integer; its most negative value is left for NaN). */
    public static final int MAX_CODE = Short.MAX_VALUE;
    /** Floats of a block after a week's ring: the codes' origin and exponent, the ring's length and the season. */
    public static final int WEEK_RING_TAIL = 4;

    public static final int MODEL = 0;
    public static final int PERSISTENCE = 1;
    public static final int SEASONAL = 2;
    public static final int WEEKLY = 3;
    static final int CANDIDATES = 4;
    /** Candidates of the blocks of series state layouts up to 7 (no weekly). */
    static final int CANDIDATES_BEFORE_WEEKLY = 3;

    private static final long DAY_MILLIS = 86_400_000L;
    private static final long WEEK_MILLIS = 7 * DAY_MILLIS;

    private final int horizon;
    private final int[] tracked;
    /** The refresh periods of the tracked horizons' slots, by season (computed once per season). */
    private final int[][] periodsBySeason = new int[MAX_PERIOD + 1][];
    private final int n;
    /** For horizon k = j + 1: the tracked index a at or below k. */
    private final int[] below;
    /** For horizon k = j + 1: (k − a)/(b − a), 0 for a tracked horizon. */
    private final double[] fraction;
    private final double halfLifeSeasons;
    private final double sharpness;
    /** The error averages of the current event per tracked horizon (NaN in [0]: use the fallback). */
    private final double[][] errors;
    /** Scratch: the weights of one horizon. */
    private final double[] weights = new double[CANDIDATES];
    /** The serving model's week model, null if it has none. */
    private final WeekModel week;
    private final WeekModel.Scratch weekScratch;
    /** Scratch: the week model's forecasts of the current event, horizons 1..K. */
    private final float[] weekOut;

    /** With the defaults, or the values of the JVM properties {@link #HALF_LIFE_PROPERTY} and {@link #SHARPNESS_PROPERTY}. */
    public HorizonCombination(int horizon) {
        this(horizon, property(HALF_LIFE_PROPERTY, DEFAULT_HALF_LIFE_SEASONS), property(SHARPNESS_PROPERTY, DEFAULT_SHARPNESS));
    }

    private static double property(String name, double fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : Double.parseDouble(v.strip());
    }

    /**
     * @param horizon         K, the number of forecast steps
     * @param halfLifeSeasons half-life of the error averages in seasons (finite, &gt; 0)
     * @param sharpness       γ, the exponent of the inverse errors (finite, &gt; 0)
     */
    public HorizonCombination(int horizon, double halfLifeSeasons, double sharpness) {
        this(horizon, halfLifeSeasons, sharpness, null);
    }

    /** With the defaults (or the JVM properties' values) and the serving model's week model (null: none). */
    public HorizonCombination(int horizon, WeekModel week) {
        this(horizon, property(HALF_LIFE_PROPERTY, DEFAULT_HALF_LIFE_SEASONS), property(SHARPNESS_PROPERTY, DEFAULT_SHARPNESS),
                week);
    }

    /**
     * @param horizon         K, the number of forecast steps
     * @param halfLifeSeasons half-life of the error averages in seasons (finite, &gt; 0)
     * @param sharpness       γ, the exponent of the inverse errors (finite, &gt; 0)
     * @param week            the serving model's week model (null: none): the second candidate of keys whose ring is
     *                        its window, in place of persistence
     */
    public HorizonCombination(int horizon, double halfLifeSeasons, double sharpness, WeekModel week) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        }
        if (!(halfLifeSeasons > 0) || Double.isInfinite(halfLifeSeasons)) {
            throw new IllegalArgumentException("halfLifeSeasons must be a finite number > 0, got " + halfLifeSeasons);
        }
        if (!(sharpness > 0) || Double.isInfinite(sharpness)) {
            throw new IllegalArgumentException("sharpness must be a finite number > 0, got " + sharpness);
        }
        this.horizon = horizon;
        TrackedHorizons grid = TrackedHorizons.of(TrackedHorizons.powersOfTwo(horizon));
        this.tracked = grid.tracked();
        this.n = tracked.length;
        this.below = grid.below();
        this.fraction = grid.fraction();
        this.halfLifeSeasons = halfLifeSeasons;
        this.sharpness = sharpness;
        this.errors = new double[n][CANDIDATES];
        if (week != null && week.horizon() != horizon) {
            throw new IllegalArgumentException("the week model forecasts " + week.horizon() + " steps, the model "
                    + horizon + ": train them together");
        }
        this.week = week;
        this.weekScratch = week == null ? null : week.newScratch();
        this.weekOut = new float[horizon];
    }

    /**
     * Whether the second candidate of a key whose ring holds {@code r} values is the week model (the serving model has
     * one whose window is the ring) rather than persistence.
     */
    private boolean weekServes(int r) {
        return week != null && r == week.window();
    }

    /**
     * The week model's forecasts for horizons 1..upto into {@code out}, from the ring of R values holding {@code c}:
     * false while it cannot forecast (no week model for this ring, or the ring not yet full).
     */
    private boolean weekForecast(float[] state, int offset, int r, long c, int upto, float[] out) {
        if (!weekServes(r) || c < r) {
            return false;
        }
        float[] window = weekScratch.window();
        for (int i = 0; i < r; i++) {
            window[i] = state[offset + ring() + (int) ((c - r + i) % r)];
        }
        return week.forecast(weekScratch, upto, out);
    }

    /**
     * The second candidate's one-step forecast made at the previous event, recomputed from the state: the week model's
     * where it serves this key and its ring was full, else {@code last} (persistence's). What {@link #pendingServed} and
     * {@link #observe} take as their {@code last}. Call before {@link #observe}.
     */
    public float secondPending(float[] state, int offset, int period, float last) {
        long c = (long) state[offset + count()];
        return weekForecast(state, offset, ringLength(state), c, 1, weekOut) ? weekOut[0] : last;
    }

    public int horizon() {
        return horizon;
    }

    /**
     * Floats of a key's block for season {@code period} and a ring of {@code ring} values: R + 8n − 1, and two more
     * (the codes' origin and exponent) for a week's ring.
     */
    public int blockSize(int period, int ring) {
        return ring + 8 * n - 1 + (ring > period ? 2 : 0);
    }

    /** Floats of a key's block in series state layout 8 (the whole ring in floats, no codes): R + 8n − 1. */
    public int blockSizeLayout8(int ring) {
        return ring + 8 * n - 1;
    }

    /** Floats of a key's block in series state layouts up to 7 (three candidates, a ring of one season): P + 6n − 1. */
    public int blockSizeBeforeWeekly(int period) {
        return period + 6 * n - 1;
    }

    /**
     * The ring a key with season {@code period} and events {@code gapMillis} apart keeps: a week of values
     * ({@value #DAYS_PER_WEEK}·P) when its season is a day ({@code gapMillis} divides a day) of at most
     * {@value #MAX_WEEKLY_PERIOD} events, else one season.
     */
    public static int ringFor(long gapMillis, int period) {
        boolean daily = gapMillis > 0 && DAY_MILLIS % gapMillis == 0 && DAY_MILLIS / gapMillis == period;
        return daily && period <= MAX_WEEKLY_PERIOD ? DAYS_PER_WEEK * period : period;
    }

    /**
     * Whether weekly naive has been better than seasonal naive at horizon 1, where both are judged at every event:
     * the dense evidence that the key's week explains more than its day. Only then does the weekly candidate take
     * part at any horizon (the longer horizons' errors are judged every few dozen events only, too few to tell two
     * close candidates apart: on a series without a weekly rhythm, weights chasing that noise cost more than the
     * candidate gives).
     */
    private boolean weeklyLeads(float[] state, int offset) {
        float w = state[offset + WEEKLY];
        float s = state[offset + SEASONAL];
        return w < s; // false while either is NaN
    }



    /**
     * The season, in events, of a key whose events are {@code gapMillis} apart: a day's worth of events when the gap
     * divides a day exactly, else a week's when it divides a week (daily data: 7), provided that is 2 to
     * {@link #MAX_PERIOD}; else 0 (no season: the key keeps {@link PersistenceBlend} alone).
     */
    public static int detectPeriod(long gapMillis) {
        if (gapMillis <= 0) {
            return 0;
        }
        if (DAY_MILLIS % gapMillis == 0) {
            long p = DAY_MILLIS / gapMillis;
            if (p >= 2 && p <= MAX_PERIOD) {
                return (int) p;
            }
            if (p > MAX_PERIOD) {
                return 0;
            }
        }
        if (WEEK_MILLIS % gapMillis == 0) {
            long p = WEEK_MILLIS / gapMillis;
            if (p >= 2 && p <= MAX_PERIOD) {
                return (int) p;
            }
        }
        return 0;
    }

    /**
     * The season of a key whose statistics are {@code stats}, of which {@code base} floats are not the block: the
     * block's last float when the length says there is a block of that season, else 0.
     */
    public int periodOf(float[] stats, int base) {
        return periodFromEnd(stats, base, false);
    }

    /** The season of a block of series state layout 8 ({@link #blockSizeLayout8}), 0 if none. */
    public int periodOfLayout8(float[] stats, int base) {
        return periodFromEnd(stats, base, true);
    }

    /** The season the block ending {@code stats} names (PERIOD last, LENGTH before it), if its length matches. */
    private int periodFromEnd(float[] stats, int base, boolean layout8) {
        if (stats.length <= base + 1) {
            return 0;
        }
        float last = stats[stats.length - 1];
        int p = (int) last;
        if (p != last || p < 2 || p > MAX_PERIOD) {
            return 0;
        }
        float r = stats[stats.length - 2];
        if (r != p && r != DAYS_PER_WEEK * p) {
            return 0;
        }
        int size = layout8 ? blockSizeLayout8((int) r) : blockSize(p, (int) r);
        return stats.length == base + size ? p : 0;
    }

    /** The season of a block of series state layouts up to 7 ({@link #blockSizeBeforeWeekly}), 0 if none. */
    public int periodBeforeWeekly(float[] stats, int base) {
        if (stats.length <= base) {
            return 0;
        }
        float last = stats[stats.length - 1];
        int p = (int) last;
        if (p != last || p < 2 || p > MAX_PERIOD || stats.length != base + blockSizeBeforeWeekly(p)) {
            return 0;
        }
        return p;
    }

    /** Writes a fresh block for season {@code period} with a ring of {@code ring} values, ending {@code state}. */
    public void init(float[] state, int offset, int period, int ring) {
        if (ring != period && ring != DAYS_PER_WEEK * period) {
            throw new IllegalArgumentException("a ring holds a season or a week: " + ring + " for season " + period);
        }
        StateRegions.check(state, offset, blockSize(period, ring));
        for (int i = 0; i < count(); i++) {
            state[offset + i] = Float.NaN;
        }
        state[offset + count()] = 0f;
        for (int i = 0; i < ring; i++) {
            state[offset + ring() + i] = Float.NaN;
        }
        if (ring > period) {
            state[offset + ring() + ring] = Float.NaN; // ORIGIN
            state[offset + ring() + ring + 1] = Float.NaN; // EXPONENT
        }
        state[offset + ring() + ring + tail(ring, period) - 2] = ring;
        state[offset + ring() + ring + tail(ring, period) - 1] = period;
    }

    /** Floats after the ring: LENGTH and PERIOD, with ORIGIN and EXPONENT before them for a week's ring. */
    private static int tail(int ring, int period) {
        return ring > period ? WEEK_RING_TAIL : 2;
    }

    /**
     * The key's statistics {@code stats} with its block (which ends them, from {@code offset}) given a ring of
     * {@code toRing} values: a new array, the floats before the block unchanged. The block may be of series state
     * layouts up to 7 ({@code fromLayout} ≤ 7: three candidates, a ring of one season, {@link #blockSizeBeforeWeekly}),
     * of layout 8 (the whole ring in floats, {@link #blockSizeLayout8}), or of this layout (9). The errors and
     * pending forecasts of the candidates it had are kept (a weekly candidate new to it starts empty), and so are the
     * count, and so the schedule, and the newest values of its ring (a ring grown to a week is full a week later); the
     * older days of a week's ring are then rounded to their codes.
     */
    public float[] resizeBlock(float[] stats, int offset, int period, int fromLayout, int toRing) {
        boolean beforeWeekly = fromLayout <= 7;
        int oc = beforeWeekly ? CANDIDATES_BEFORE_WEEKLY : CANDIDATES;
        int oldCount = oc * (2 * n - 1);
        int oldRing = beforeWeekly ? period : ringLength(stats);
        int oldTail = beforeWeekly ? 1 : fromLayout >= 9 ? tail(oldRing, period) : 2; // PERIOD; LENGTH; the codes'
        StateRegions.check(stats, offset, oldCount + 1 + oldRing + oldTail);
        float[] out = java.util.Arrays.copyOf(stats, offset + blockSize(period, toRing));
        init(out, offset, period, toRing);
        for (int i = 0; i < n; i++) {
            System.arraycopy(stats, offset + oc * i, out, offset + CANDIDATES * i, oc);
            if (i > 0) {
                System.arraycopy(stats, offset + oc * n + oc * (i - 1), out, offset + pendingIndex(i, 0), oc);
            }
        }
        long c = (long) stats[offset + oldCount];
        for (long back = 1; back <= Math.min(c, Math.min(oldRing, toRing)); back++) {
            out[offset + ring() + (int) ((c - back) % toRing)] = stats[offset + oldCount + 1 + (int) ((c - back) % oldRing)];
        }
        out[offset + count()] = c;
        if (toRing > period) {
            fitCodes(out, offset, toRing, period, c);
        }
        return out;
    }

    /** The ring length of a block of this layout (or layout 8) that ends {@code stats}. */
    public static int ringLength(float[] stats) {
        return (int) stats[stats.length - 2];
    }

    /**
     * Where the block ending {@code stats} starts (an index into them, {@code base}), for a key with a week's ring,
     * whose older days and weekly naive's pending forecasts are codes; 0 when the key has no block ({@code period} 0,
     * as {@link #periodOf} gives it) or a ring of one season. What a state serializer needs to find the codes
     * ({@link #isCode}).
     */
    public static int weekBlockAt(float[] stats, int base, int period) {
        return period > 0 && ringLength(stats) > period ? base : 0;
    }

    /**
     * Whether the floats of {@code stats} from {@code blockAt} on have the shape of a block with a week's ring, as its
     * last floats say (R = 7P, P of 2 to {@value #MAX_WEEKLY_PERIOD}, R + 8n + 1 floats for some n ≥ 1): what a state
     * serializer checks before it reads codes by {@link #isCode}.
     */
    public static boolean isWeekBlock(float[] stats, int blockAt) {
        int len = stats.length;
        if (blockAt < 0 || len - blockAt < 2) {
            return false;
        }
        float r = stats[len - 2];
        float p = stats[len - 1];
        if (p != (int) p || p < 2 || p > MAX_WEEKLY_PERIOD || r != DAYS_PER_WEEK * p) {
            return false;
        }
        int body = len - blockAt - (int) r - 1;
        return body >= 8 && body % 8 == 0;
    }

    /**
     * Whether {@code stats[index]} is a code in the block with a week's ring that starts at {@code blockAt}
     * ({@link #weekBlockAt}) and ends {@code stats}: one of weekly naive's pending forecasts, or one of the ring's
     * values older than a season. Reads the ring's length and the season (the last two floats) and, for the ring, the
     * block's count (just before it).
     */
    public static boolean isCode(float[] stats, int blockAt, int index) {
        int r = ringLength(stats);
        int p = (int) stats[stats.length - 1];
        int n = (stats.length - blockAt - r - 1) / 8;
        int j = index - blockAt;
        if (j >= CANDIDATES * n && j < 8 * n - 4) {
            return (j - CANDIDATES * n) % CANDIDATES == WEEKLY;
        }
        int ringAt = blockAt + 8 * n - 3;
        long c = (long) stats[ringAt - 1];
        int i = index - ringAt;
        if (i < 0 || i >= r || c == 0) {
            return false;
        }
        long lag = Math.floorMod(c - 1 - i, (long) r); // 0 for the newest value
        return lag >= p;
    }

    /**
     * The code of a value {@code v} of the week's codes in the block ending {@code stats}: an integer in
     * [−{@value #MAX_CODE}, {@value #MAX_CODE}] that {@link #valueOfCode} turns back into {@code v} exactly, for every
     * value the step has rounded; NaN for NaN (a slot not written yet).
     */
    public static float codeOf(float[] stats, float v) {
        if (Float.isNaN(v)) {
            return Float.NaN;
        }
        double q = Math.rint(Math.scalb((double) v - stats[stats.length - WEEK_RING_TAIL],
                -(int) stats[stats.length - WEEK_RING_TAIL + 1]));
        return (float) Math.max(-MAX_CODE, Math.min(MAX_CODE, q)) + 0f;
    }

    /** The value of code {@code q} in the week's ring ending {@code stats}: {@code o + q·2^e}; NaN for NaN. */
    public static float valueOfCode(float[] stats, float q) {
        if (Float.isNaN(q)) {
            return Float.NaN;
        }
        return decode(stats[stats.length - WEEK_RING_TAIL], (int) stats[stats.length - WEEK_RING_TAIL + 1], q);
    }

    private static float decode(double origin, int exponent, double q) {
        return (float) (origin + Math.scalb(q, exponent));
    }

    /**
     * Rounds the value that has just become older than a season (after the value at count {@code c} was written) to
     * its code, first fitting the codes afresh once a season or when it is outside their range.
     */
    private void ageIntoCodes(float[] state, int offset, int r, int period, long c) {
        if (r == period) {
            return;
        }
        if ((c + 1) % period == 0) {
            fitCodes(state, offset, r, period, c + 1);
            return;
        }
        if (c < period) {
            return;
        }
        int at = offset + ring() + (int) ((c - period) % r);
        float v = state[at];
        float origin = state[offset + ring() + r];
        if (Float.isNaN(v)) {
            return;
        }
        if (Float.isNaN(origin)) {
            fitCodes(state, offset, r, period, c + 1);
            return;
        }
        int exponent = (int) state[offset + ring() + r + 1];
        double q = Math.rint(Math.scalb((double) v - origin, -exponent));
        if (Math.abs(q) > MAX_CODE) {
            fitCodes(state, offset, r, period, c + 1);
        } else {
            state[at] = decode(origin, exponent, q);
        }
    }

    /**
     * Fits the codes to the older days' values of a week's ring holding {@code c} values (lag P and beyond from the
     * newest): the step 2^e with half their spread coding to [2^13, 2^14) (the codes of the two extremes then within
     * ±2^14 + 1 of a middle rounded to the step), and rounds every one of them to it.
     */
    private void fitCodes(float[] state, int offset, int r, int period, long c) {
        int from = offset + ring();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int lag = period; lag < Math.min(c, r); lag++) {
            float v = state[from + (int) ((c - 1 - lag) % r)];
            if (!Float.isNaN(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        for (int i = 1; i < n; i++) {
            float v = state[offset + pendingIndex(i, WEEKLY)];
            if (!Float.isNaN(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            state[from + r] = Float.NaN;
            state[from + r + 1] = Float.NaN;
            return;
        }
        double half = (hi - lo) / 2;
        double middle = lo + half;
        // one value (or all equal): the step of its float, so it is held exactly and the next value re-fits the codes
        int exponent = half > 0 ? Math.getExponent(half) - 13 : Math.getExponent((double) Math.ulp((float) middle));
        float origin = (float) Math.scalb(Math.rint(Math.scalb(middle, -exponent)), exponent);
        while (Math.abs(Math.rint(Math.scalb(lo - origin, -exponent))) > MAX_CODE
                || Math.abs(Math.rint(Math.scalb(hi - origin, -exponent))) > MAX_CODE) {
            exponent++; // not reached for finite floats (the extremes code within ±2^14 + 1); a guard
        }
        state[from + r] = origin;
        state[from + r + 1] = exponent;
        for (int lag = period; lag < Math.min(c, r); lag++) {
            roundToCode(state, from + (int) ((c - 1 - lag) % r), origin, exponent);
        }
        for (int i = 1; i < n; i++) {
            roundToCode(state, offset + pendingIndex(i, WEEKLY), origin, exponent);
        }
    }

    private static void roundToCode(float[] state, int at, float origin, int exponent) {
        float v = state[at];
        if (!Float.isNaN(v)) {
            state[at] = decode(origin, exponent, Math.rint(Math.scalb((double) v - origin, -exponent)));
        }
    }

    /**
     * Keeps weekly naive's pending forecast {@code value} of tracked horizon i as a code: a value of the older days
     * already is one; a newer one (a horizon beyond six days of a short season) is rounded, the codes fitted afresh
     * first if it is outside their range.
     */
    private void keepPendingWeekly(float[] state, int offset, int r, int period, long c, int i, float value) {
        int at = offset + pendingIndex(i, WEEKLY);
        state[at] = value;
        if (Float.isNaN(value)) {
            return;
        }
        float origin = state[offset + ring() + r];
        int exponent = (int) state[offset + ring() + r + 1];
        double q = Float.isNaN(origin) ? Double.POSITIVE_INFINITY : Math.rint(Math.scalb((double) value - origin, -exponent));
        if (Math.abs(q) > MAX_CODE) {
            fitCodes(state, offset, r, period, c);
        } else {
            state[at] = decode(origin, exponent, q);
        }
    }

    /** Forgets the errors and pending forecasts (a new model), keeping the season's values. */
    public void resetErrors(float[] state, int offset, int period) {
        StateRegions.check(state, offset, blockSize(period, ringLength(state)));
        for (int i = 0; i < count(); i++) {
            state[offset + i] = Float.NaN;
        }
    }

    private int count() {
        return 8 * n - 4;
    }

    private int ring() {
        return 8 * n - 3;
    }

    private int pendingIndex(int i, int c) {
        return CANDIDATES * n + CANDIDATES * (i - 1) + c;
    }

    /**
     * The refresh period of each tracked horizon's slots for season P: the smallest q ≥ h_i that shares no factor
     * with P, so that over time the forecasts judged at a horizon are made at every phase of the season alike (a
     * period of 8 with P = 24 would judge only forecasts made at three hours of the day).
     */
    int[] periods(int period) {
        int[] q = periodsBySeason[period];
        if (q == null) {
            q = new int[n];
            for (int i = 0; i < n; i++) {
                int p = tracked[i];
                while (gcd(p, period) != 1) {
                    p++;
                }
                q[i] = p;
            }
            periodsBySeason[period] = q;
        }
        return q;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** COUNT stays below 2^23 (exact in a float): it then steps back by a multiple of R (ring positions unchanged). */
    private static final long COUNT_LIMIT = 1L << 23;

    /**
     * The one-step forecast served at the previous event, recomputed from the state bit for bit (horizon 1's errors
     * change only at {@link #observe}, which is after this): what the intervals judge. Call before {@link #observe}.
     *
     * @param fallback    what {@link PersistenceBlend} served (used where this block had no weights)
     * @param modelPending the model's one-step forecast made at the previous event
     * @param last        the value of the previous event (persistence's forecast)
     */
    public float pendingServed(float[] state, int offset, int period, float fallback, float modelPending, float last) {
        long c = (long) state[offset + count()];
        if (c == 0) {
            return fallback;
        }
        int r = ringLength(state);
        boolean full = c >= period;
        float seasonal = full ? back(state, offset, r, c, period) : Float.NaN;
        float weekly = r > period && c >= r ? back(state, offset, r, c, r) : Float.NaN;
        double[] e = errors[0];
        boolean hasM = !Float.isNaN(modelPending);
        boolean hasP = !Float.isNaN(last);
        if (!errorsAt(state, offset, 0, hasM, hasP, full, e)) {
            return fallback;
        }
        weights(e, weeklyLeads(state, offset) ? weekly : Float.NaN, weights);
        return combine(weights, modelPending, last, seasonal, weekly);
    }

    /** The value {@code lag} events before the one about to be written at count {@code c} (NaN if not in the ring). */
    private float back(float[] state, int offset, int r, long c, int lag) {
        return state[offset + ring() + (int) ((c - lag) % r)];
    }

    /**
     * Observes the key's next value: updates the errors of the pending forecasts it is the target of, then writes it
     * into the ring. A non-finite value changes nothing.
     *
     * @param modelPending the model's one-step forecast made at the previous event (NaN if none)
     * @param last         the previous value (NaN if none)
     */
    public void observe(float[] state, int offset, int period, double value, float modelPending, float last) {
        if (!Double.isFinite(value)) {
            return;
        }
        long c = (long) state[offset + count()];
        int r = ringLength(state);
        int[] periods = periods(period);
        double alphaEvent = 1.0 - Math.pow(0.5, 1.0 / (halfLifeSeasons * period));
        for (int i = 0; i < n; i++) {
            long filledAt = c - tracked[i];
            if (filledAt < 0 || filledAt % periods[i] != 0) {
                continue;
            }
            float m;
            float p;
            float s;
            float w;
            if (i == 0) {
                m = modelPending;
                p = last;
                s = c >= period ? back(state, offset, r, c, period) : Float.NaN;
                w = r > period && c >= r ? back(state, offset, r, c, r) : Float.NaN;
            } else {
                m = state[offset + pendingIndex(i, MODEL)];
                p = state[offset + pendingIndex(i, PERSISTENCE)];
                s = state[offset + pendingIndex(i, SEASONAL)];
                w = state[offset + pendingIndex(i, WEEKLY)];
            }
            // observations of horizon i so far (counted from the block's start; the wrap keeps it far above 1/alpha)
            long seen = filledAt / periods[i] + 1;
            double alpha = Math.max(1.0 - Math.pow(1.0 - alphaEvent, periods[i]), 1.0 / seen);
            // forecasts made once the ring held a week (the weekly candidate's, and the week model's)
            long seenWeekly = (filledAt - (r - 1)) / periods[i] + 1;
            update(state, offset + CANDIDATES * i + MODEL, m, value, alpha);
            // the week model's errors are averaged plainly from its first forecast on, as the weekly candidate's: the
            // persistence errors the slot held before are forgotten at once
            boolean weekMade = weekServes(r) && filledAt >= r - 1;
            update(state, offset + CANDIDATES * i + PERSISTENCE, p, value,
                    weekMade ? Math.max(alpha, 1.0 / seenWeekly) : alpha);
            update(state, offset + CANDIDATES * i + SEASONAL, s, value, alpha);
            // the weekly candidate's first forecasts are made once the ring holds a week (count R for a key whose ring
            // was a week from the start): averaged plainly at first, as the others were. A key whose ring grew to a
            // week later (converted from layout 7, COUNT long past R) starts its weekly average from seasonal naive's
            // at the same horizon instead, so that one lucky first error cannot make weekly lead for weeks
            int weeklyAt = offset + CANDIDATES * i + WEEKLY;
            if (seenWeekly > 1 && Float.isNaN(state[weeklyAt]) && !Float.isNaN(w)) {
                state[weeklyAt] = state[offset + CANDIDATES * i + SEASONAL];
            }
            update(state, weeklyAt, w, value, Math.max(alpha, 1.0 / Math.max(seenWeekly, 1)));
        }
        state[offset + ring() + (int) (c % r)] = (float) value;
        ageIntoCodes(state, offset, r, period, c);
        long next = c + 1;
        if (next >= COUNT_LIMIT) {
            // once in 2^22 events: a slot may be judged once against another event than its target (negligible)
            next -= (COUNT_LIMIT / 2) / r * r;
        }
        state[offset + count()] = next;
    }

    private static void update(float[] state, int at, float forecast, double value, double alpha) {
        if (Float.isNaN(forecast)) {
            return;
        }
        double e = Math.abs(value - forecast);
        double old = state[at];
        float next = (float) (Double.isNaN(old) ? e : old + alpha * (e - old));
        if (Float.isFinite(next)) {
            state[at] = next;
        }
    }

    /**
     * Turns the served forecasts into this combination's, in place, for a forecast made at the latest value (after
     * {@link #observe}), and keeps the candidates' forecasts the schedule asks for.
     *
     * @param model    the model's forecasts for the next K events, value units
     * @param last     the latest value (persistence's forecast; NaN if none)
     * @param forecast in: {@link PersistenceBlend}'s served forecasts (the fallback); out: the served forecasts
     */
    public void combine(float[] state, int offset, int period, float[] model, float last, float[] forecast) {
        long c = (long) state[offset + count()]; // values in the ring, this event's included
        long t = c - 1; // this event's position in the block's schedule
        int r = ringLength(state);
        boolean full = c >= period;
        boolean week = r > period && c >= r;
        boolean weekLeads = week && weeklyLeads(state, offset);
        boolean hasM = !Float.isNaN(model[0]);
        // the second candidate: the week model where it serves this key, else persistence
        boolean weekNow = weekForecast(state, offset, r, c, horizon, weekOut);
        boolean hasP = weekNow || !Float.isNaN(last);
        for (int i = 0; i < n; i++) {
            if (c == 0 || !errorsAt(state, offset, i, hasM, hasP, full, errors[i])) {
                errors[i][0] = Double.NaN;
            }
        }
        double[] e = new double[CANDIDATES];
        double[] w = weights;
        for (int j = 0; j < horizon; j++) {
            int a = below[j];
            double f = fraction[j];
            double[] ea = errors[a];
            double[] eb = f == 0 ? ea : errors[a + 1];
            if (Double.isNaN(ea[0]) || Double.isNaN(eb[0])) {
                continue; // the fallback stays
            }
            double[] ej = ea;
            if (f != 0) {
                for (int cand = 0; cand < CANDIDATES; cand++) {
                    // a candidate without errors at either end (infinite) has none in between
                    e[cand] = Double.isInfinite(ea[cand]) || Double.isInfinite(eb[cand]) ? Double.POSITIVE_INFINITY
                            : ea[cand] + (eb[cand] - ea[cand]) * f;
                }
                ej = e;
            }
            float s = full ? seasonal(state, offset, r, period, c, j + 1) : Float.NaN;
            float wk = week ? seasonal(state, offset, r, r, c, j + 1) : Float.NaN;
            weights(ej, weekLeads ? wk : Float.NaN, w);
            forecast[j] = combine(w, model[j], weekNow ? weekOut[j] : last, s, wk);
        }
        if (t >= 0) {
            int[] periods = periods(period);
            for (int i = 1; i < n; i++) {
                if (t % periods[i] == 0) {
                    int k = tracked[i];
                    state[offset + pendingIndex(i, MODEL)] = model[k - 1];
                    state[offset + pendingIndex(i, PERSISTENCE)] = weekNow ? weekOut[k - 1] : last;
                    state[offset + pendingIndex(i, SEASONAL)] = full ? seasonal(state, offset, r, period, c, k) : Float.NaN;
                    float weekly = week ? seasonal(state, offset, r, r, c, k) : Float.NaN;
                    if (r > period) {
                        keepPendingWeekly(state, offset, r, period, c, i, weekly);
                    } else {
                        state[offset + pendingIndex(i, WEEKLY)] = weekly;
                    }
                }
            }
        }
    }

    /**
     * The value one season before the coming one ({@code y_{t−P}} for the value y_t about to be observed), NaN while
     * the ring holds less than a season. Call before {@link #observe}.
     */
    public float seasonBeforeNext(float[] state, int offset, int period) {
        long c = (long) state[offset + count()];
        return c >= period ? back(state, offset, ringLength(state), c, period) : Float.NaN;
    }

    /**
     * Writes the seasonal naive forecasts {@code y_{t + k − P·ceil(k/P)}} for k = 1..K into {@code out} and returns
     * true, once the ring holds a whole season (this event's value included); returns false and leaves {@code out}
     * alone before. Call after {@link #observe}.
     */
    public boolean seasonalNaive(float[] state, int offset, int period, float[] out) {
        long c = (long) state[offset + count()];
        if (c < period) {
            return false;
        }
        int r = ringLength(state);
        for (int k = 1; k <= horizon; k++) {
            out[k - 1] = seasonal(state, offset, r, period, c, k);
        }
        return true;
    }

    /**
     * The naive forecast of season {@code period} (P, or the week R) k steps ahead with c values written into the
     * ring of R (c ≥ period): y_{t + k − period·ceil(k/period)}.
     */
    private float seasonal(float[] state, int offset, int r, int period, long c, int k) {
        int lag = (int) (((long) period * ((k + period - 1) / period)) - k); // 0 .. period − 1 steps back from the latest
        long index = (c - 1 - lag) % r;
        return state[offset + ring() + (int) index];
    }

    /**
     * The error averages to weigh tracked horizon i by, into {@code e}: its own once every candidate with a forecast
     * has been observed there, else those of the largest shorter tracked horizon that has them.
     *
     * @return false when no tracked horizon up to i has them
     */
    private boolean errorsAt(float[] state, int offset, int i, boolean hasM, boolean hasP, boolean hasS, double[] e) {
        if (!hasM && !hasP && !hasS) {
            return false;
        }
        for (int j = i; j >= 0; j--) {
            int at = offset + CANDIDATES * j;
            double em = state[at + MODEL];
            double ep = state[at + PERSISTENCE];
            double es = state[at + SEASONAL];
            if ((hasM && Double.isNaN(em)) || (hasP && Double.isNaN(ep)) || (hasS && Double.isNaN(es))) {
                continue;
            }
            e[MODEL] = hasM ? em : Double.POSITIVE_INFINITY;
            e[PERSISTENCE] = hasP ? ep : Double.POSITIVE_INFINITY;
            e[SEASONAL] = hasS ? es : Double.POSITIVE_INFINITY;
            // the weekly candidate counts where it has been observed at this very horizon, never holding the others up
            double ew = j == i ? state[at + WEEKLY] : Double.NaN;
            e[WEEKLY] = Double.isNaN(ew) ? Double.POSITIVE_INFINITY : ew;
            return true;
        }
        return false;
    }

    /**
     * The weights for error averages {@code e} (infinite: the candidate has no forecast): those exactly 0 share the
     * weight if any, else E^(−γ) normalised.
     */
    private void weights(double[] e, float weekly, double[] w) {
        // no weekly forecast here (the week not yet in the ring at this horizon, or not leading): no weight, whatever its
        // errors
        double ew = Float.isNaN(weekly) ? Double.POSITIVE_INFINITY : e[WEEKLY];
        boolean zero = e[MODEL] == 0 || e[PERSISTENCE] == 0 || e[SEASONAL] == 0 || ew == 0;
        double total = 0;
        for (int c = 0; c < CANDIDATES; c++) {
            double x = c == WEEKLY ? ew : e[c];
            double v = Double.isInfinite(x) ? 0 : zero ? (x == 0 ? 1 : 0) : Math.pow(x, -sharpness);
            w[c] = v;
            total += v;
        }
        if (!(total > 0) || Double.isInfinite(total)) {
            // every average below ~1e-300 or the like: the candidates with the smallest share it
            double min = Math.min(Math.min(e[MODEL], ew), Math.min(e[PERSISTENCE], e[SEASONAL]));
            total = 0;
            for (int c = 0; c < CANDIDATES; c++) {
                w[c] = (c == WEEKLY ? ew : e[c]) == min ? 1 : 0;
                total += w[c];
            }
        }
        for (int c = 0; c < CANDIDATES; c++) {
            w[c] /= total;
        }
    }

    private static float combine(double[] w, float m, float p, float s, float wk) {
        double sum = 0;
        if (w[MODEL] != 0) {
            sum += w[MODEL] * m;
        }
        if (w[PERSISTENCE] != 0) {
            sum += w[PERSISTENCE] * p;
        }
        if (w[SEASONAL] != 0) {
            sum += w[SEASONAL] * s;
        }
        if (w[WEEKLY] != 0) {
            sum += w[WEEKLY] * wk;
        }
        return (float) sum;
    }

}
