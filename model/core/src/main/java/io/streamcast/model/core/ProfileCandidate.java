package io.streamcast.model.core;

import io.streamcast.model.core.anomaly.AnomalyScorer;

/**
 * The daily-profile candidate of a key without a season block (five-minute data, irregular spacing): persistence
 * moved by the change the key's daily profile expects between now and the target time,
 * <pre>
 *   p_k = y_t + m(slot(t_k)) − m(slot(t))
 * </pre>
 * where {@code m} is the anomaly scorer's daily profile (the mean of each half hour of the day,
 * {@link AnomalyScorer#profileMean}), {@code t_k} the target's time ({@code t} plus k times the key's latest gap) and
 * {@code y_t} the latest value. The profile is the scorer's, so the candidate costs no values of its own: on a series
 * with a daily shape (a step pattern by time of day, a daily sine) it carries the shape into the forecast where
 * persistence and a one-step model cannot. It takes part once the profile has seen every half hour of the day (the
 * caller checks: {@link AnomalyScorer#profileComplete}), as seasonal naive once a whole season is known.
 *
 * <p><b>Serving.</b> The candidate takes part only while it leads: while {@code E_p}, the exponentially weighted
 * mean absolute one-step error of the candidate, is below {@code E_b}, that of the forecast served without it (the
 * model combined with persistence, {@link PersistenceBlend}). Both are judged at every event, as the weekly
 * candidate's rule in {@link HorizonCombination} judges weekly and seasonal naive at horizon 1; on a series whose
 * profile explains less than the served forecast (most real series: random walks, spikes) the rule keeps it out
 * and the key is served exactly as without it. While it leads, every horizon is served
 * <pre>
 *   c_k = b_k + w · (p_k − b_k),      w = E_p^(−γ) / (E_p^(−γ) + E_b^(−γ)) = 1 / (1 + (E_p/E_b)^γ)
 * </pre>
 * with {@code b_k} the forecast without it, γ the sharpness of {@link HorizonCombination} ({@value
 * HorizonCombination#DEFAULT_SHARPNESS}) and the half-life of {@link PersistenceBlend}'s sums ({@value
 * PersistenceBlend#DEFAULT_HALF_LIFE} events): no parameter of its own. A candidate exact so far ({@code E_p = 0})
 * takes all the weight. The weight is one for all horizons (only horizon 1 is judged: two floats of state is what
 * the 400-byte budget of a K = 8 key leaves).
 *
 * <h2>State layout</h2>
 * {@link #STATE_SIZE} = 2 floats from the caller's offset:
 * <pre>
 *  +0 BASE_ERROR     E_b (value units; NaN before the first observation, then both start at the mean of the first
 *                    two errors)
 *  +1 PROFILE_ERROR  E_p (value units; NaN before the first observation)
 * </pre>
 * Instances are immutable and thread-safe (all mutable state is in the caller's arrays).
 */
public final class ProfileCandidate {

    /** Floats of per-key state. */
    public static final int STATE_SIZE = 2;

    static final int BASE_ERROR = 0;
    static final int PROFILE_ERROR = 1;

    private final double alpha;
    private final double sharpness;

    /** With {@link PersistenceBlend}'s half-life and {@link HorizonCombination}'s sharpness. */
    public ProfileCandidate() {
        this(PersistenceBlend.DEFAULT_HALF_LIFE, HorizonCombination.DEFAULT_SHARPNESS);
    }

    /**
     * @param halfLife  half-life, in events, of the two error averages; finite and &gt; 0
     * @param sharpness γ, the exponent of the inverse errors; finite and &gt; 0
     */
    public ProfileCandidate(double halfLife, double sharpness) {
        if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
            throw new IllegalArgumentException("halfLife must be a finite number > 0, got " + halfLife);
        }
        if (!(sharpness > 0) || Double.isInfinite(sharpness)) {
            throw new IllegalArgumentException("sharpness must be a finite number > 0, got " + sharpness);
        }
        this.alpha = 1.0 - Math.pow(0.5, 1.0 / halfLife);
        this.sharpness = sharpness;
    }

    /** Writes a fresh key's state: no errors observed (the candidate does not take part). */
    public void init(float[] state, int offset) {
        StateRegions.check(state, offset, STATE_SIZE);
        state[offset + BASE_ERROR] = Float.NaN;
        state[offset + PROFILE_ERROR] = Float.NaN;
    }

    /**
     * The candidate's forecast for the time {@code to} made at the time {@code from}, whose value is {@code last}:
     * {@code last} plus the change of the daily profile in the scorer's state at {@code scorer[scorerOffset..]}
     * between the two times' slots; {@code last} itself while either slot is unseen.
     */
    public static double forecast(float[] scorer, int scorerOffset, double last, long from, long to) {
        double now = AnomalyScorer.profileMean(scorer, scorerOffset, AnomalyScorer.profileSlot(from));
        return moved(last, now, AnomalyScorer.profileMean(scorer, scorerOffset, AnomalyScorer.profileSlot(to)));
    }

    /** {@code last} moved by the profile's change from the mean {@code now} to {@code then}; {@code last} if either is unseen. */
    private static double moved(double last, double now, double then) {
        return Double.isNaN(now) || Double.isNaN(then) ? last : last + (then - now);
    }

    /**
     * Serves the candidate in {@code forecast[0..horizon)} (the forecasts without it, horizon k at k − 1), with the
     * weight of the state at {@code state[offset..]}: each becomes {@code b_k + w·(p_k − b_k)} for the target time
     * {@code from + k·gap}, the profile in the scorer's state at {@code scorer[scorerOffset..]} and the latest value
     * {@code last}. Nothing changes while the candidate does not lead.
     */
    public void serve(float[] state, int offset, float[] scorer, int scorerOffset, double last, long from, long gap,
                      float[] forecast, int horizon) {
        double w = weight(state, offset);
        if (w == 0.0) {
            return;
        }
        double now = AnomalyScorer.profileMean(scorer, scorerOffset, AnomalyScorer.profileSlot(from));
        for (int j = 0; j < horizon; j++) {
            double then = AnomalyScorer.profileMean(scorer, scorerOffset, AnomalyScorer.profileSlot(from + (j + 1) * gap));
            forecast[j] = (float) combine(w, forecast[j], moved(last, now, then));
        }
    }

    /** The candidate's weight now, in [0, 1]: 0 unless it leads ({@code E_p < E_b}). */
    public double weight(float[] state, int offset) {
        StateRegions.check(state, offset, STATE_SIZE);
        float base = state[offset + BASE_ERROR];
        float profile = state[offset + PROFILE_ERROR];
        if (!(profile < base)) { // false while either is NaN
            return 0.0;
        }
        if (profile == 0f) {
            return 1.0;
        }
        return 1.0 / (1.0 + Math.pow(profile / (double) base, sharpness));
    }

    /** {@code base + w·(profile − base)}: the forecast served with weight {@code w} ({@link #weight}). */
    public static double combine(double w, double base, double profile) {
        if (w == 0.0) {
            return base;
        }
        return w == 1.0 ? profile : base + w * (profile - base);
    }

    /**
     * Observes the key's next value against the two one-step forecasts made at its previous event: {@code base}, the
     * forecast served without the candidate, and {@code profile}, the candidate's. Nothing changes unless all three
     * are finite.
     */
    public void observe(float[] state, int offset, double value, double base, double profile) {
        StateRegions.check(state, offset, STATE_SIZE);
        if (!Double.isFinite(value) || !Double.isFinite(base) || !Double.isFinite(profile)) {
            return;
        }
        double eb = Math.abs(value - base);
        double ep = Math.abs(value - profile);
        if (Float.isNaN(state[offset + BASE_ERROR]) || Float.isNaN(state[offset + PROFILE_ERROR])) {
            // both start level, at the mean of the first errors: which one leads is then decided by the difference
            // of the errors the averages accumulate, not by the luck of a first sample that a half-life of a thousand
            // events would keep for hundreds
            float start = (float) ((eb + ep) / 2);
            state[offset + BASE_ERROR] = start;
            state[offset + PROFILE_ERROR] = start;
            return;
        }
        state[offset + BASE_ERROR] = (float) (state[offset + BASE_ERROR] + alpha * (eb - state[offset + BASE_ERROR]));
        state[offset + PROFILE_ERROR] = (float) (state[offset + PROFILE_ERROR]
                + alpha * (ep - state[offset + PROFILE_ERROR]));
    }
}
