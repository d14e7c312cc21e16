package io.streamcast.model.core.anomaly;

import io.streamcast.model.core.StateRegions;

/**
 * Per-key anomaly scoring from forecast residuals, with all per-key state in a small slice of a
 * {@code float[]} so that a state serializer writes it as plain numbers.
 *
 * <h2>Inputs per event</h2>
 * The raw value {@code v_t} and the one-step-ahead residual in model (standardised) units
 * {@code r_t = z_t − ẑ_t}, where {@code ẑ_t} was forecast from events up to {@code t−1}. The
 * residual may be NaN (no forecast yet): the event then counts, updates the value range and gets
 * raw score 0. So does the key's first residual: there is no centre or scale yet to judge it by (it was
 * scored against {@code minResidualScale} alone before, which gave every key the maximum raw score 1 at its
 * second event). "First" is read from the state: centre and scale both exactly 0.
 *
 * <h2>Definitions</h2>
 * <dl>
 * <dt>Standardised residual {@code u_t}</dt>
 * <dd>{@code u_t = (r_t − c) / σ}, where {@code c} is an exponentially weighted mean of past
 *     residuals and {@code σ = max(√(π/2)·d, minResidualScale)}, {@code d} an exponentially
 *     weighted mean absolute deviation of past residuals from {@code c} (half-life
 *     {@code residualHalfLife}; each deviation clipped at {@code residualClip·σ} before it enters,
 *     so a spike does not inflate the scale it is judged by). For Gaussian residuals σ estimates
 *     the standard deviation. Both are updated after the event is scored.</dd>
 * <dt>Anomaly score (raw) {@code s_t ∈ [0, 1]}</dt>
 * <dd>The surprise of the residual in decades of probability:
 *     {@code s_t = min(1, −log10 p_t / surpriseDecades)}, where
 *     {@code p_t = P(|Z| ≥ |u_t|)} is the two-sided Gaussian tail probability. With the default
 *     10 decades: a 1-in-10 residual scores 0.1, a 1-in-10⁵ residual (|u| ≈ 4.4) scores 0.5,
 *     and a 1-in-10¹⁰ residual (|u| ≈ 6.5) or worse scores 1. A surprise scale rather than
 *     {@code 1 − p} keeps ordinary residuals near 0, so that averaging raw scores (below) does
 *     not drown a single large residual.</dd>
 * <dt>Anomaly likelihood {@code L_t ∈ [0, 1]}</dt>
 * <dd>How unusual the recent run of raw scores is for this key. The averaged score
 *     {@code a_t} is an exponentially weighted average of raw scores with smoothing factor
 *     {@code 2/(W+1)}, {@code W = averagingWindow}. Its long-run distribution is kept as an
 *     exponentially weighted mean {@code μ} and variance {@code v} (half-life
 *     {@code likelihoodHalfLife}), fed only after the first {@code learningPeriod} events, and
 *     floored at {@code minMean} and {@code minVariance}. Then
 *     {@code L_t = 1 − Q((a_t − μ)/√v)}, Q the upper Gaussian tail probability, with μ and v as
 *     they were before this event. {@code L_t = 0.5} for the first
 *     {@code learningPeriod + estimationSamples} events. Only the onset of a run is sharp: an
 *     event whose tail probability {@code Q} is at or below {@code redTail} ("red") within
 *     {@code redRefractory} events of the previous red event reports {@code Q = yellowTail}
 *     instead (HTM's filter is {@code redRefractory = 1}; a longer refractory keeps a slowly
 *     flickering anomaly from being reported again and again).</dd>
 * <dt>Log-likelihood</dt>
 * <dd>NAB's log form {@code log(1.0000000001 − L_t) / log(1e-10)} ∈ [0, 1]; a tail probability
 *     of 1e-5 ("five nines") is 0.5 on this scale.</dd>
 * <dt>Spatial anomaly</dt>
 * <dd>{@code v_t} lies outside {@code [min − tol, max + tol]}, {@code tol = spatialTolerance ·
 *     (max − min)}, over the values seen before this event (checked only once max &gt; min).</dd>
 * <dt>What the defaults favour</dt>
 * <dd>The defaults (tuned on NAB) average raw scores over a long window (W = 80), so the
 *     likelihood reacts to sustained runs of surprising residuals, not to one isolated residual
 *     spike; an isolated spike outside the seen range is caught by the spatial check. Set a short
 *     {@code averagingWindow} (e.g. 10, as HTM) to let single residual spikes through.</dd>
 * <dt>Detection</dt>
 * <dd>{@code detectionScore} is 0 for the first {@code warmUpEvents} events of a key, else 1 for
 *     a spatial anomaly, else the log-likelihood; {@code isAnomaly} is
 *     {@code detectionScore ≥ threshold}.</dd>
 * </dl>
 *
 * <h2>State layout</h2>
 * {@link #STATE_SIZE} = 8 floats (32 bytes) from the caller's offset; {@link #init} writes the
 * initial values:
 * <pre>
 *  +0 RESIDUAL_CENTRE    c, EW mean of residuals
 *  +1 RESIDUAL_SCALE     d, EW mean absolute deviation from c (0 = none seen yet)
 *  +2 AVERAGED_SCORE     a, EW short average of raw scores
 *  +3 LONG_RUN_MEAN      μ of the averaged score
 *  +4 LONG_RUN_VARIANCE  v of the averaged score
 *  +5 EVENTS_SINCE_RED   events since the last red tail probability (saturating; 2^24 = none)
 *  +6 MIN_VALUE          smallest value seen (NaN before the first)
 *  +7 MAX_VALUE          largest value seen (NaN before the first)
 * </pre>
 * The key's event count, which the warm-up and learning periods are measured in, is not kept here: the
 * caller passes each event's position in the key's history (a key's online scaler counts its events
 * already). Earlier layouts of this state are converted by {@code io.streamcast.model.core.series.StateLayouts}.
 *
 * <p>Instances are immutable and thread-safe (all mutable state is in the caller's arrays).
 */
public final class AnomalyScorer {

    /** Floats of per-key state. */
    public static final int STATE_SIZE = 8;
    /** Largest count of events since the last red one kept (it saturates here; exact in a float). */
    public static final int MAX_COUNT = 1 << 24;

    static final int RESIDUAL_CENTRE = 0;
    static final int RESIDUAL_SCALE = 1;
    static final int AVERAGED_SCORE = 2;
    static final int LONG_RUN_MEAN = 3;
    static final int LONG_RUN_VARIANCE = 4;
    static final int EVENTS_SINCE_RED = 5;
    static final int MIN_VALUE = 6;
    static final int MAX_VALUE = 7;

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
        state[offset + EVENTS_SINCE_RED] = MAX_COUNT;
        state[offset + MIN_VALUE] = Float.NaN;
        state[offset + MAX_VALUE] = Float.NaN;
    }

    /**
     * Scores one event, advances the key's state in place and fills {@code out}.
     *
     * @param state    the key's state array
     * @param offset   start of this scorer's {@link #STATE_SIZE} floats
     * @param event    this event's position in the key's history: 1 for its first event, then 2, 3, …
     *                 (the warm-up and learning periods are counted in it)
     * @param value    the raw value v_t (NaN: no spatial check, range unchanged)
     * @param residual the one-step residual in model units r_t (NaN: no forecast, raw score 0)
     * @param out      receives the result; every field is overwritten
     */
    public void score(float[] state, int offset, long event, double value, double residual, AnomalyResult out) {
        checkRegion(state, offset);
        if (event < 1) {
            throw new IllegalArgumentException("event is the 1-based position of the event in the key's history, got "
                    + event);
        }
        long n = event;

        out.spatialAnomaly = updateRange(state, offset, value);

        // raw score from the residual, judged by the centre and scale as they were before it
        double score = 0.0;
        double u = Double.NaN;
        if (Double.isFinite(residual)) {
            double centre = state[offset + RESIDUAL_CENTRE];
            double scale = state[offset + RESIDUAL_SCALE];
            double sigma = Math.max(scale * SQRT_HALF_PI, config.minResidualScale());
            double deviation = residual - centre;
            u = deviation / sigma;
            // the key's first residual has no centre and scale to be judged by (only the floor minResidualScale,
            // against which any real residual is maximally surprising): it is not scored, only learnt from
            boolean firstResidual = centre == 0.0 && scale == 0.0;
            score = firstResidual ? 0.0 : Math.min(1.0, -Gaussian.log10TwoSidedTail(u) / config.surpriseDecades());
            // a spike must not widen the scale it is judged by: clip once a scale exists
            double bound = scale > 0 ? config.residualClip() * sigma : Double.POSITIVE_INFINITY;
            double clipped = Math.max(-bound, Math.min(bound, deviation));
            double a = Math.max(residualAlpha, 1.0 / n);
            state[offset + RESIDUAL_CENTRE] = (float) (centre + a * clipped);
            state[offset + RESIDUAL_SCALE] = (float) (scale + a * (Math.abs(clipped) - scale));
        }
        out.standardisedResidual = u;
        out.anomalyScore = score;

        double averaged = state[offset + AVERAGED_SCORE];
        averaged += averagingAlpha * (score - averaged);
        state[offset + AVERAGED_SCORE] = (float) averaged;
        out.averagedScore = averaged;

        // likelihood against the long-run distribution as it was before this event
        double tail = 0.5;
        boolean red = false;
        long learning = config.learningPeriod();
        double mean = state[offset + LONG_RUN_MEAN];
        double variance = state[offset + LONG_RUN_VARIANCE];
        if (n > learning + config.estimationSamples()) {
            double mu = Math.max(mean, config.minMean());
            double sd = Math.sqrt(Math.max(variance, config.minVariance()));
            tail = Gaussian.upperTail((averaged - mu) / sd);
            red = tail <= config.redTail();
        }
        long sinceRed = Math.min((long) state[offset + EVENTS_SINCE_RED] + 1, MAX_COUNT);
        if (red) {
            if (sinceRed <= config.redRefractory()) {
                tail = config.yellowTail();
            }
            sinceRed = 0;
        }
        state[offset + EVENTS_SINCE_RED] = sinceRed;
        if (n > learning) {
            long m = n - learning;
            double a = Math.max(longRunAlpha, 1.0 / m);
            double delta = averaged - mean;
            mean += a * delta;
            variance = (1.0 - a) * (variance + a * delta * delta);
            state[offset + LONG_RUN_MEAN] = (float) mean;
            state[offset + LONG_RUN_VARIANCE] = (float) variance;
        }
        out.tailProbability = tail;
        out.anomalyLikelihood = 1.0 - tail;
        out.logLikelihood = Math.max(0.0, Math.min(1.0, Math.log(tail + 1e-10) / LOG_1E_10));

        out.warmedUp = n > config.warmUpEvents();
        if (!out.warmedUp) {
            out.detectionScore = 0.0;
        } else if (out.spatialAnomaly) {
            out.detectionScore = 1.0;
        } else {
            out.detectionScore = out.logLikelihood;
        }
        out.anomaly = out.warmedUp && out.detectionScore >= config.threshold();
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
