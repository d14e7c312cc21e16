package io.streamcast.model.core.anomaly;

import io.streamcast.model.core.StateRegions;

/**
 * Per-key anomaly scoring built on the forecasts and on the key's daily pattern, with all per-key state in a small
 * slice of a {@code float[]} so that a state serializer writes it as plain numbers.
 *
 * <h2>Inputs per event</h2>
 * The event time and raw value {@code v_t}, the key's value scale {@code σ_v} (its online scaler's standard
 * deviation), and the one-step-ahead residual of the served forecast in units of that scale,
 * {@code r_t = (v_t − v̂_t)/σ_v}, where {@code v̂_t} was forecast from events up to {@code t−1}. The residual may be
 * NaN (no forecast yet): the event then counts, updates the value range and the profile, and its residual evidence
 * is 0. So is the key's first residual: there is no centre or scale yet to judge it by ("first" is read from the
 * state: centre and scale both exactly 0).
 *
 * <h2>Evidence (two detectors, each a surprise in [0, 1])</h2>
 * <dl>
 * <dt>Residual surprise {@code s_t}</dt>
 * <dd>{@code u_t = (r_t − c) / σ}, where {@code c} is an exponentially weighted mean of past residuals and
 *     {@code σ = max(√(π/2)·d, minResidualScale)}, {@code d} an exponentially weighted mean absolute deviation of
 *     past residuals from {@code c} (half-life {@code residualHalfLife}; each deviation clipped at
 *     {@code residualClip·σ} before it enters, so a spike does not inflate the scale it is judged by). Then
 *     {@code s_t = min(1, −log10 p_t / surpriseDecades)}, {@code p_t = P(|Z| ≥ |u_t|)} the two-sided Gaussian tail:
 *     with the default 10 decades a 1-in-10 residual scores 0.1, a 1-in-10⁵ residual 0.5, 1-in-10¹⁰ or worse 1.
 *     Catches what the forecast did not expect: spikes, dips, sudden changes of level or slope.</dd>
 * <dt>Profile surprise {@code q_t}</dt>
 * <dd>The key's daily profile is the running mean {@code m_b} of its values in each of {@value #PROFILE_SLOTS}
 *     time-of-day slots ({@code b} = the UTC half hour of the day of the event; a value moves its slot's mean by
 *     {@code profileAdaptation} of its clipped deviation). {@code e_t = (v_t − m_b)/σ_v} is judged like the residual,
 *     by a running mean absolute deviation of {@code e} from 0 (same half-life and clip) floored at
 *     {@code minResidualScale}, into the same surprise scale. Catches what breaks the key's daily pattern while
 *     every value stays inside the range seen so far and the one-step forecast follows it: a missing daily peak, a
 *     peak that goes down instead of up, a level that stays flat through the night, a level shift. A slot not yet
 *     visited, and any event within the key's first {@code learningPeriod}, scores 0.</dd>
 * </dl>
 *
 * <h2>From evidence to one score</h2>
 * <dl>
 * <dt>Likelihood of each detector</dt>
 * <dd>HTM's anomaly likelihood, per detector: the averaged surprise {@code a_t} is an exponentially weighted average
 *     with smoothing factor {@code 2/(W+1)}, {@code W = averagingWindow}; its long-run distribution is kept as an
 *     exponentially weighted mean {@code μ} and variance {@code v} (half-life {@code likelihoodHalfLife}), fed only
 *     after the first {@code learningPeriod} events and floored at {@code minMean} and {@code minVariance}; the
 *     detector's tail probability is {@code Q((a_t − μ)/√v)}, Q the upper Gaussian tail, with μ and v as they were
 *     before this event. A key whose residuals or profile deviations are always noisy thus learns that this is its
 *     normal, and only a run of evidence unusual <i>for this key</i> counts.</dd>
 * <dt>Combined tail and episodes</dt>
 * <dd>The combined tail probability is the smaller of the two (0.5 for the first {@code learningPeriod +
 *     estimationSamples} events). A combined tail at or below {@code redTail} is "red" and opens an anomaly
 *     episode; further red values in the same episode are reported at {@code yellowTail}, so only the onset is
 *     sharp. The episode ends when the combined tail rises above {@code episodeEndTail} again (the evidence is back
 *     to the key's normal).</dd>
 * <dt>Log-likelihood</dt>
 * <dd>NAB's log form {@code log(1.0000000001 − L_t) / log(1e-10)} ∈ [0, 1] of the likelihood {@code L_t = 1 − tail};
 *     a tail probability of 1e-5 ("five nines") is 0.5 on this scale.</dd>
 * <dt>Spatial anomaly</dt>
 * <dd>{@code v_t} lies outside {@code [min − tol, max + tol]}, {@code tol = spatialTolerance · (max − min)}, over the
 *     values seen before this event (checked only once max &gt; min).</dd>
 * <dt>Detection</dt>
 * <dd>The anomaly score ({@link AnomalyResult#anomalyScore()}, the one number the threshold is applied to) is 0 for
 *     the first {@code warmUpEvents} events of a key, else 1 for a value outside the seen range, else the
 *     log-likelihood; {@code isAnomaly} is {@code anomalyScore ≥ threshold}. The default threshold 0.5 is
 *     the red level: an event is flagged when it opens an episode or lies outside the seen range.</dd>
 * </dl>
 *
 * <h2>State layout</h2>
 * {@link #STATE_SIZE} = {@value #STATE_SIZE} floats ({@value #STATE_BYTES} bytes) from the caller's offset;
 * {@link #init} writes the initial values:
 * <pre>
 *  +0 RESIDUAL_CENTRE           c, EW mean of residuals
 *  +1 RESIDUAL_SCALE            d, EW mean absolute deviation from c (0 = none seen yet)
 *  +2 AVERAGED_SCORE            a, EW short average of residual surprises
 *  +3 LONG_RUN_MEAN             μ of the averaged residual surprise
 *  +4 LONG_RUN_VARIANCE         v of the averaged residual surprise
 *  +5 IN_EPISODE                1 while an anomaly episode is open, else 0
 *  +6 MIN_VALUE                 smallest value seen (NaN before the first)
 *  +7 MAX_VALUE                 largest value seen (NaN before the first)
 *  +8 PROFILE_AVERAGED          EW short average of profile surprises
 *  +9 PROFILE_LONG_RUN_MEAN     μ of the averaged profile surprise
 * +10 PROFILE_LONG_RUN_VARIANCE v of the averaged profile surprise
 * +11 PROFILE_SCALE             EW mean absolute deviation of values from their slot's mean, in value units
 * +12 PROFILE_EVENTS            events since the profile detector started (saturating at {@link #MAX_COUNT})
 * +13 PROFILE_ORIGIN            o, the origin of the profile's fixed-point codes, in value units (NaN before the first)
 * +14 PROFILE_EXPONENT          e, the codes' step is 2^e value units (NaN while every code is 0)
 * +15 … +62 PROFILE             the mean of each half hour of the day as a code q, an integer in
 *                               [−{@value #MAX_PROFILE_CODE}, {@value #MAX_PROFILE_CODE}]: the mean is o + q·2^e
 *                               (NaN = slot not seen yet)
 * </pre>
 * The profile is fixed point so that a state serializer writes each slot in 2 bytes and reads back exactly what the
 * scorer computes with (series state layout 7): a slot's new mean is rounded to the nearest code (ties to even)
 * here, not in the serializer. The step is a power of two set from the largest deviation from the origin a slot has
 * needed: when a mean would fall outside the codes' range, the step grows to fit it (the largest deviation then
 * codes to between 2^14 and 2^15) and every code is rounded to the new step, so the resolution is about 1/16,000 of
 * the profile's spread around its origin (the first value the profile saw). Layout 6 kept the means as floats
 * ({@link #LAYOUT_6_STATE_SIZE} floats, the means at +13 … +60; {@link #profileFromLayout6}).
 * The first eight are layout 5's (whose +5 counted events since the last red value). The key's event count, which
 * the warm-up and the residual detector's learning period are measured in, is not kept here: the caller passes each
 * event's position in the key's history. The profile detector counts its own events ({@code PROFILE_EVENTS}; for a
 * key that started in this layout the same count), so that a key converted from an earlier layout learns its profile,
 * its scale and the long-run distribution of its surprise as a new key does, not at the slow rates of its long
 * history. Earlier layouts of this state are converted by
 * {@code io.streamcast.model.core.series.StateLayouts}.
 *
 * <p>Per event the scorer does a fixed amount of arithmetic and allocates nothing. Instances are immutable and
 * thread-safe (all mutable state is in the caller's arrays).
 */
public final class AnomalyScorer {

    /** Time-of-day slots of the key's daily profile (half hours). */
    public static final int PROFILE_SLOTS = 48;
    /** Floats of per-key state. */
    public static final int STATE_SIZE = 15 + PROFILE_SLOTS;
    /** Floats of the scorer's state in layout 6 (the profile's means as floats at +13 … +60). */
    public static final int LAYOUT_6_STATE_SIZE = 13 + PROFILE_SLOTS;
    /** Largest magnitude of a profile code (a 16-bit signed integer; its most negative value is left for "unseen"). */
    public static final int MAX_PROFILE_CODE = Short.MAX_VALUE;
    /**
     * Bytes of per-key state as floats ({@link #STATE_SIZE} floats); a record of series state layout 7 writes the
     * {@value #PROFILE_SLOTS} profile codes in 2 bytes each, {@value #PROFILE_SLOTS} × 2 bytes fewer.
     */
    public static final int STATE_BYTES = 4 * STATE_SIZE;
    /** Floats of the scorer's state in layouts 4 and 5 (the residual detector and the value range). */
    public static final int LAYOUT_5_STATE_SIZE = 8;
    /** Index, in layouts 4 and 5, of the count of events since the last red value (layout 6: the episode flag). */
    public static final int LAYOUT_5_EVENTS_SINCE_RED = 5;
    /** Largest event count the warm-up and learning periods may span (exact in a float). */
    public static final int MAX_COUNT = 1 << 24;

    static final int RESIDUAL_CENTRE = 0;
    static final int RESIDUAL_SCALE = 1;
    static final int AVERAGED_SCORE = 2;
    static final int LONG_RUN_MEAN = 3;
    static final int LONG_RUN_VARIANCE = 4;
    static final int IN_EPISODE = 5;
    static final int MIN_VALUE = 6;
    static final int MAX_VALUE = 7;
    static final int PROFILE_AVERAGED = 8;
    static final int PROFILE_SCALE = 11;
    static final int PROFILE_EVENTS = 12;
    static final int PROFILE_ORIGIN = 13;
    static final int PROFILE_EXPONENT = 14;
    /** Offset of the first of the {@value #PROFILE_SLOTS} profile codes in the scorer's state. */
    public static final int PROFILE = 15;
    private static final int LAYOUT_6_PROFILE = 13;
    private static final long SLOT_MILLIS = 86_400_000L / PROFILE_SLOTS;

    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2.0);
    private static final double LOG_1E_10 = Math.log(1e-10);

    private final AnomalyConfig config;
    private final double residualAlpha;
    private final double averagingAlpha;
    private final double longRunAlpha;

    public AnomalyScorer(AnomalyConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.residualAlpha = AnomalyConfig.alphaForHalfLife(config.residualHalfLife());
        this.averagingAlpha = 2.0 / (config.averagingWindow() + 1.0);
        this.longRunAlpha = AnomalyConfig.alphaForHalfLife(config.likelihoodHalfLife());
    }

    public AnomalyConfig config() {
        return config;
    }

    /** Writes a fresh key's state into {@code state[offset, offset + STATE_SIZE)}. */
    public void init(float[] state, int offset) {
        checkRegion(state, offset);
        for (int i = 0; i < STATE_SIZE; i++) {
            state[offset + i] = 0f;
        }
        state[offset + MIN_VALUE] = Float.NaN;
        state[offset + MAX_VALUE] = Float.NaN;
        initProfile(state, offset);
    }

    /**
     * Multiplies the residual detector's centre and scale in {@code state[offset..]} by {@code factor}: for residual
     * statistics kept in other units (layouts up to 5 kept the model's residual in units of the key's value scale;
     * this one keeps the served forecast's in value units).
     */
    public static void rescaleResidual(float[] state, int offset, double factor) {
        StateRegions.check(state, offset, LAYOUT_5_STATE_SIZE);
        state[offset + RESIDUAL_CENTRE] = (float) (state[offset + RESIDUAL_CENTRE] * factor);
        state[offset + RESIDUAL_SCALE] = (float) (state[offset + RESIDUAL_SCALE] * factor);
    }

    /**
     * Starts the daily-profile detector afresh in {@code state[offset + 8, offset + STATE_SIZE)}, leaving the first
     * eight floats (layout 5's) as they are: what a key converted from layout 5 starts with.
     */
    public static void initProfile(float[] state, int offset) {
        checkRegion(state, offset);
        for (int i = LAYOUT_5_STATE_SIZE; i < PROFILE_ORIGIN; i++) {
            state[offset + i] = 0f;
        }
        state[offset + PROFILE_ORIGIN] = Float.NaN;
        state[offset + PROFILE_EXPONENT] = Float.NaN;
        for (int i = 0; i < PROFILE_SLOTS; i++) {
            state[offset + PROFILE + i] = Float.NaN;
        }
    }

    /**
     * Scores one event, advances the key's state in place and fills {@code out}.
     *
     * @param state     the key's state array
     * @param offset    start of this scorer's {@link #STATE_SIZE} floats
     * @param event     this event's position in the key's history: 1 for its first event, then 2, 3, …
     *                  (the warm-up and learning periods are counted in it)
     * @param timestamp the event time in epoch milliseconds (its UTC time of day picks the profile slot)
     * @param value     the raw value v_t (NaN: no spatial check, range and profile unchanged)
     * @param residual  the one-step residual {@code v_t − v̂_t}, in value units (NaN: no forecast, evidence 0)
     * @param unit      the key's value scale σ_v: the scales of both detectors are floored at
     *                  {@code minResidualScale · σ_v} (1 if σ_v is not a positive number)
     * @param out       receives the result; every field is overwritten
     */
    public void score(float[] state, int offset, long event, long timestamp, double value, double residual,
                      double unit, AnomalyResult out) {
        checkRegion(state, offset);
        if (event < 1) {
            throw new IllegalArgumentException("event is the 1-based position of the event in the key's history, got "
                    + event);
        }
        long n = event;

        out.outsideSeenRange = updateRange(state, offset, value);

        // residual evidence, judged by the centre and scale as they were before it
        double score = 0.0;
        double u = Double.NaN;
        double floor = config.minResidualScale() * (unit > 0 && Double.isFinite(unit) ? unit : 1.0);
        if (Double.isFinite(residual)) {
            double centre = state[offset + RESIDUAL_CENTRE];
            double scale = state[offset + RESIDUAL_SCALE];
            double sigma = Math.max(scale * SQRT_HALF_PI, floor);
            double deviation = residual - centre;
            u = deviation / sigma;
            // the key's first residual has no centre and scale to be judged by (only the floor minResidualScale,
            // against which any real residual is maximally surprising): it is not scored, only learnt from
            boolean firstResidual = centre == 0.0 && scale == 0.0;
            score = firstResidual ? 0.0 : surprise(u);
            // a spike must not widen the scale it is judged by: clip once a scale exists
            double bound = scale > 0 ? config.residualClip() * sigma : Double.POSITIVE_INFINITY;
            double clipped = Math.max(-bound, Math.min(bound, deviation));
            double a = Math.max(residualAlpha, 1.0 / n);
            state[offset + RESIDUAL_CENTRE] = (float) (centre + a * clipped);
            state[offset + RESIDUAL_SCALE] = (float) (scale + a * (Math.abs(clipped) - scale));
        }
        out.standardisedResidual = u;
        out.residualSurprise = score;

        long profileEvents = Math.min((long) state[offset + PROFILE_EVENTS] + 1, MAX_COUNT);
        state[offset + PROFILE_EVENTS] = profileEvents;
        double profileScore = profileEvidence(state, offset, profileEvents, timestamp, value, floor);
        out.profileSurprise = profileScore;

        double residualTail = likelihoodTail(state, offset + AVERAGED_SCORE, n, score);
        out.averagedScore = state[offset + AVERAGED_SCORE];
        double profileTail = likelihoodTail(state, offset + PROFILE_AVERAGED, profileEvents, profileScore);
        double tail = Math.min(residualTail, profileTail);

        // only the onset of an episode is red
        boolean inEpisode = state[offset + IN_EPISODE] != 0f;
        if (tail <= config.redTail()) {
            if (inEpisode) {
                tail = config.yellowTail();
            }
            inEpisode = true;
        } else if (tail > config.episodeEndTail()) {
            inEpisode = false;
        }
        state[offset + IN_EPISODE] = inEpisode ? 1f : 0f;
        out.tailProbability = tail;
        out.anomalyLikelihood = 1.0 - tail;
        out.logLikelihood = Math.max(0.0, Math.min(1.0, Math.log(tail + 1e-10) / LOG_1E_10));

        out.warmedUp = n > config.warmUpEvents();
        if (!out.warmedUp) {
            out.anomalyScore = 0.0;
        } else if (out.outsideSeenRange) {
            out.anomalyScore = 1.0;
        } else {
            out.anomalyScore = out.logLikelihood;
        }
        out.anomaly = out.warmedUp && out.anomalyScore >= config.threshold();
    }

    /** {@code min(1, −log10 P(|Z| ≥ |u|) / surpriseDecades)}. */
    private double surprise(double u) {
        return Math.min(1.0, -Gaussian.log10TwoSidedTail(u) / config.surpriseDecades());
    }

    /**
     * The profile surprise of the value against its time-of-day slot's mean (0 while the slot is new or the detector
     * learning; {@code n} is the detector's own event count), then the slot's mean and the profile scale learn from
     * it.
     */
    private double profileEvidence(float[] state, int offset, long n, long timestamp, double value, double floor) {
        if (!Double.isFinite(value)) {
            return 0.0;
        }
        int slot = profileSlot(timestamp);
        double mean = profileMean(state, offset, slot);
        if (Double.isNaN(mean)) {
            if (Float.isNaN(state[offset + PROFILE_ORIGIN])) {
                state[offset + PROFILE_ORIGIN] = (float) value;
            }
            setProfileMean(state, offset, slot, value);
            return 0.0;
        }
        double scale = state[offset + PROFILE_SCALE];
        double sigma = Math.max(scale * SQRT_HALF_PI, floor);
        double deviation = value - mean;
        double score = scale > 0 && n > config.learningPeriod() ? surprise(deviation / sigma) : 0.0;
        double bound = scale > 0 ? config.residualClip() * sigma : Double.POSITIVE_INFINITY;
        double clipped = Math.max(-bound, Math.min(bound, deviation));
        setProfileMean(state, offset, slot, mean + config.profileAdaptation() * clipped);
        double a = Math.max(residualAlpha, 1.0 / n);
        state[offset + PROFILE_SCALE] = (float) (scale + a * (Math.abs(clipped) - scale));
        return score;
    }

    /** Whether the daily profile in the scorer's state at {@code state[offset..]} has seen every half hour of the day. */
    public static boolean profileComplete(float[] state, int offset) {
        for (int i = 0; i < PROFILE_SLOTS; i++) {
            if (Float.isNaN(state[offset + PROFILE + i])) {
                return false;
            }
        }
        return true;
    }

    /** The daily profile's slot of the event time {@code timestamp} (epoch milliseconds): its UTC half hour of the day. */
    public static int profileSlot(long timestamp) {
        return (int) (Math.floorMod(timestamp, 86_400_000L) / SLOT_MILLIS);
    }

    /**
     * The daily profile's mean of time-of-day {@code slot} (0 … {@value #PROFILE_SLOTS} − 1) in the scorer's state at
     * {@code state[offset..]}, in value units: NaN if the slot has not been seen.
     */
    public static double profileMean(float[] state, int offset, int slot) {
        float code = state[offset + PROFILE + slot];
        if (Float.isNaN(code)) {
            return Double.NaN;
        }
        double origin = state[offset + PROFILE_ORIGIN];
        float exponent = state[offset + PROFILE_EXPONENT];
        return code == 0f ? origin : origin + Math.scalb((double) code, (int) exponent);
    }

    /**
     * Sets the slot's mean to the nearest code of {@code mean} (ties to even), first growing the codes' step if the
     * mean is outside their range (every other slot's code is then rounded to the new step).
     */
    private static void setProfileMean(float[] state, int offset, int slot, double mean) {
        double deviation = mean - state[offset + PROFILE_ORIGIN];
        if (deviation == 0.0 || !Double.isFinite(deviation)) {
            state[offset + PROFILE + slot] = deviation == 0.0 ? 0f : Float.NaN;
            return;
        }
        float exponent = state[offset + PROFILE_EXPONENT];
        double code = Float.isNaN(exponent) ? Double.POSITIVE_INFINITY : Math.rint(Math.scalb(deviation, -(int) exponent));
        if (Math.abs(code) > MAX_PROFILE_CODE) {
            int grown = Math.getExponent(deviation) - 14; // the deviation codes to [2^14, 2^15)
            code = Math.rint(Math.scalb(deviation, -grown));
            if (Math.abs(code) > MAX_PROFILE_CODE) {
                grown++;
                code = Math.rint(Math.scalb(deviation, -grown));
            }
            if (!Float.isNaN(exponent)) {
                int shift = grown - (int) exponent;
                for (int i = 0; i < PROFILE_SLOTS; i++) {
                    int at = offset + PROFILE + i;
                    if (!Float.isNaN(state[at])) {
                        state[at] = (float) Math.rint(Math.scalb((double) state[at], -shift)) + 0f; // never -0
                    }
                }
            } // else every code so far is 0 (no deviation from the origin yet), at any step
            state[offset + PROFILE_EXPONENT] = grown;
        }
        state[offset + PROFILE + slot] = (float) code + 0f; // a code is an integer, never -0 (a record has no -0)
    }

    /**
     * Converts the scorer's state from layout 6 ({@value #LAYOUT_6_STATE_SIZE} floats at {@code from[fromOffset..]},
     * the profile's means as floats) into this layout at {@code to[toOffset..]}: everything but the profile carries
     * over; the origin is the middle of the seen means and every mean is rounded to the nearest code of the step that
     * fits the one farthest from it (so the conversion loses no more than the layout's resolution).
     */
    public static void profileFromLayout6(float[] from, int fromOffset, float[] to, int toOffset) {
        StateRegions.check(from, fromOffset, LAYOUT_6_STATE_SIZE);
        checkRegion(to, toOffset);
        System.arraycopy(from, fromOffset, to, toOffset, LAYOUT_6_PROFILE);
        initProfile(to, toOffset);
        System.arraycopy(from, fromOffset + LAYOUT_5_STATE_SIZE, to, toOffset + LAYOUT_5_STATE_SIZE,
                LAYOUT_6_PROFILE - LAYOUT_5_STATE_SIZE);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < PROFILE_SLOTS; i++) {
            float m = from[fromOffset + LAYOUT_6_PROFILE + i];
            if (Float.isFinite(m)) {
                lo = Math.min(lo, m);
                hi = Math.max(hi, m);
            }
        }
        if (lo > hi) {
            return; // no slot seen
        }
        float origin = (float) ((lo + hi) / 2);
        to[toOffset + PROFILE_ORIGIN] = origin;
        // the farthest mean first, so that the step is set once and no code is rounded twice
        int farthest = -1;
        double far = -1;
        for (int i = 0; i < PROFILE_SLOTS; i++) {
            float m = from[fromOffset + LAYOUT_6_PROFILE + i];
            if (Float.isFinite(m) && Math.abs(m - (double) origin) > far) {
                far = Math.abs(m - (double) origin);
                farthest = i;
            }
        }
        setProfileMean(to, toOffset, farthest, from[fromOffset + LAYOUT_6_PROFILE + farthest]);
        for (int i = 0; i < PROFILE_SLOTS; i++) {
            float m = from[fromOffset + LAYOUT_6_PROFILE + i];
            if (Float.isFinite(m)) {
                setProfileMean(to, toOffset, i, m);
            }
        }
    }

    /**
     * HTM's likelihood of one detector: averages its surprise into {@code state[at]}, returns the upper tail
     * probability of that average under the long-run distribution in {@code state[at + 1]} (mean) and
     * {@code state[at + 2]} (variance) as it was before this event (0.5 while learning), then updates it.
     */
    private double likelihoodTail(float[] state, int at, long n, double surprise) {
        double averaged = state[at];
        averaged += averagingAlpha * (surprise - averaged);
        state[at] = (float) averaged;
        double tail = 0.5;
        long learning = config.learningPeriod();
        double mean = state[at + 1];
        double variance = state[at + 2];
        if (n > learning + config.estimationSamples()) {
            double mu = Math.max(mean, config.minMean());
            double sd = Math.sqrt(Math.max(variance, config.minVariance()));
            tail = Gaussian.upperTail((averaged - mu) / sd);
        }
        if (n > learning) {
            long m = n - learning;
            double a = Math.max(longRunAlpha, 1.0 / m);
            double delta = averaged - mean;
            mean += a * delta;
            variance = (1.0 - a) * (variance + a * delta * delta);
            state[at + 1] = (float) mean;
            state[at + 2] = (float) variance;
        }
        return tail;
    }

    private boolean updateRange(float[] state, int offset, double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        float min = state[offset + MIN_VALUE];
        float max = state[offset + MAX_VALUE];
        boolean spatial = false;
        if (Float.isNaN(min)) {
            min = (float) value;
            max = (float) value;
        } else {
            if (config.spatialCheck() && max > min) {
                double tolerance = (max - (double) min) * config.spatialTolerance();
                spatial = value > max + tolerance || value < min - tolerance;
            }
            min = (float) Math.min(min, value);
            max = (float) Math.max(max, value);
        }
        state[offset + MIN_VALUE] = min;
        state[offset + MAX_VALUE] = max;
        return spatial;
    }

    private static void checkRegion(float[] state, int offset) {
        StateRegions.check(state, offset, STATE_SIZE);
    }
}
