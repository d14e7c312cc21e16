package io.streamcast.model.core.anomaly;

/**
 * Immutable settings of {@link AnomalyScorer}. Build with {@link #builder()}; every setting has a
 * default (how each was chosen, on which NAB development categories, is in docs/evaluation.md), and
 * {@link Builder#build()} rejects bad values with a message naming the setting and the value.
 *
 * <p>Half-lives are counted in events of one key: a half-life of h means an observation's weight
 * halves every h events (smoothing factor {@code 1 - 2^(-1/h)}).
 */
public final class AnomalyConfig {

    /** Events per key before {@link AnomalyResult#isAnomaly()} can be true. */
    public static final int DEFAULT_WARM_UP_EVENTS = 150;
    /** Half-life of the running centre and scale of the standardised residual. */
    public static final double DEFAULT_RESIDUAL_HALF_LIFE = 1000;
    /** Residual deviations are clipped at this many scales before updating the scale. */
    public static final double DEFAULT_RESIDUAL_CLIP = 4.0;
    /** Floor of the residual scale, in model (standardised) units. */
    public static final double DEFAULT_MIN_RESIDUAL_SCALE = 1e-3;
    /** A residual whose two-sided tail probability is 10^-d or less gets raw score 1. */
    public static final double DEFAULT_SURPRISE_DECADES = 10.0;
    /** Span of the exponentially weighted short average of raw scores. */
    public static final int DEFAULT_AVERAGING_WINDOW = 80;
    /** Events whose averaged score is not used for the long-run distribution. */
    public static final int DEFAULT_LEARNING_PERIOD = 150;
    /** Averaged scores collected after the learning period before the likelihood leaves 0.5. */
    public static final int DEFAULT_ESTIMATION_SAMPLES = 100;
    /** Half-life of the long-run mean and variance of the averaged score. */
    public static final double DEFAULT_LIKELIHOOD_HALF_LIFE = 3000;
    /** Floor of the long-run mean of the averaged score. */
    public static final double DEFAULT_MIN_MEAN = 0.03;
    /** Floor of the long-run variance of the averaged score. */
    public static final double DEFAULT_MIN_VARIANCE = 0.0003;
    /** Tail probability at or below which the likelihood is "red". */
    public static final double DEFAULT_RED_TAIL = 1e-5;
    /** Tail probability reported for a red value that follows a red value. */
    public static final double DEFAULT_YELLOW_TAIL = 1e-3;
    /**
     * An anomaly episode (opened by a red value; later red values in it are reported as yellow) ends when the
     * combined tail probability rises above this.
     */
    public static final double DEFAULT_EPISODE_END_TAIL = 0.1;
    /** Weight of a value in its time-of-day slot's running mean (the key's daily profile), per visit of the slot. */
    public static final double DEFAULT_PROFILE_ADAPTATION = 0.05;
    /** Detection threshold on the log-likelihood scale (0.5 = a tail probability of 1e-5). */
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** The seen value range is widened by this fraction of itself on both sides. */
    public static final double DEFAULT_SPATIAL_TOLERANCE = 0.05;

    private final int warmUpEvents;
    private final double residualHalfLife;
    private final double residualClip;
    private final double minResidualScale;
    private final double surpriseDecades;
    private final int averagingWindow;
    private final int learningPeriod;
    private final int estimationSamples;
    private final double likelihoodHalfLife;
    private final double minMean;
    private final double minVariance;
    private final double redTail;
    private final double yellowTail;
    private final double episodeEndTail;
    private final double profileAdaptation;
    private final double threshold;
    private final boolean spatialCheck;
    private final double spatialTolerance;

    private AnomalyConfig(Builder b) {
        this.warmUpEvents = b.warmUpEvents;
        this.residualHalfLife = b.residualHalfLife;
        this.residualClip = b.residualClip;
        this.minResidualScale = b.minResidualScale;
        this.surpriseDecades = b.surpriseDecades;
        this.averagingWindow = b.averagingWindow;
        this.learningPeriod = b.learningPeriod;
        this.estimationSamples = b.estimationSamples;
        this.likelihoodHalfLife = b.likelihoodHalfLife;
        this.minMean = b.minMean;
        this.minVariance = b.minVariance;
        this.redTail = b.redTail;
        this.yellowTail = b.yellowTail;
        this.episodeEndTail = b.episodeEndTail;
        this.profileAdaptation = b.profileAdaptation;
        this.threshold = b.threshold;
        this.spatialCheck = b.spatialCheck;
        this.spatialTolerance = b.spatialTolerance;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every default. */
    public static AnomalyConfig defaults() {
        return builder().build();
    }

    /** A builder initialised with this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.warmUpEvents = warmUpEvents;
        b.residualHalfLife = residualHalfLife;
        b.residualClip = residualClip;
        b.minResidualScale = minResidualScale;
        b.surpriseDecades = surpriseDecades;
        b.averagingWindow = averagingWindow;
        b.learningPeriod = learningPeriod;
        b.estimationSamples = estimationSamples;
        b.likelihoodHalfLife = likelihoodHalfLife;
        b.minMean = minMean;
        b.minVariance = minVariance;
        b.redTail = redTail;
        b.yellowTail = yellowTail;
        b.episodeEndTail = episodeEndTail;
        b.profileAdaptation = profileAdaptation;
        b.threshold = threshold;
        b.spatialCheck = spatialCheck;
        b.spatialTolerance = spatialTolerance;
        return b;
    }

    public int warmUpEvents() { return warmUpEvents; }
    public double residualHalfLife() { return residualHalfLife; }
    public double residualClip() { return residualClip; }
    public double minResidualScale() { return minResidualScale; }
    public double surpriseDecades() { return surpriseDecades; }
    public int averagingWindow() { return averagingWindow; }
    public int learningPeriod() { return learningPeriod; }
    public int estimationSamples() { return estimationSamples; }
    public double likelihoodHalfLife() { return likelihoodHalfLife; }
    public double minMean() { return minMean; }
    public double minVariance() { return minVariance; }
    public double redTail() { return redTail; }
    public double yellowTail() { return yellowTail; }
    public double episodeEndTail() { return episodeEndTail; }
    public double profileAdaptation() { return profileAdaptation; }
    public double threshold() { return threshold; }
    public boolean spatialCheck() { return spatialCheck; }
    public double spatialTolerance() { return spatialTolerance; }

    /** Smoothing factor of an exponentially weighted average with the given half-life in events. */
    static double alphaForHalfLife(double halfLife) {
        return 1.0 - Math.pow(2.0, -1.0 / halfLife);
    }

    @Override
    public String toString() {
        return "AnomalyConfig{warmUpEvents=" + warmUpEvents
                + ", residualHalfLife=" + residualHalfLife
                + ", residualClip=" + residualClip
                + ", minResidualScale=" + minResidualScale
                + ", surpriseDecades=" + surpriseDecades
                + ", averagingWindow=" + averagingWindow
                + ", learningPeriod=" + learningPeriod
                + ", estimationSamples=" + estimationSamples
                + ", likelihoodHalfLife=" + likelihoodHalfLife
                + ", minMean=" + minMean
                + ", minVariance=" + minVariance
                + ", redTail=" + redTail
                + ", yellowTail=" + yellowTail
                + ", episodeEndTail=" + episodeEndTail
                + ", profileAdaptation=" + profileAdaptation
                + ", threshold=" + threshold
                + ", spatialCheck=" + spatialCheck
                + ", spatialTolerance=" + spatialTolerance + '}';
    }

    /** Mutable builder; {@link #build()} validates every field and the cross-field rules. */
    public static final class Builder {
        private int warmUpEvents = DEFAULT_WARM_UP_EVENTS;
        private double residualHalfLife = DEFAULT_RESIDUAL_HALF_LIFE;
        private double residualClip = DEFAULT_RESIDUAL_CLIP;
        private double minResidualScale = DEFAULT_MIN_RESIDUAL_SCALE;
        private double surpriseDecades = DEFAULT_SURPRISE_DECADES;
        private int averagingWindow = DEFAULT_AVERAGING_WINDOW;
        private int learningPeriod = DEFAULT_LEARNING_PERIOD;
        private int estimationSamples = DEFAULT_ESTIMATION_SAMPLES;
        private double likelihoodHalfLife = DEFAULT_LIKELIHOOD_HALF_LIFE;
        private double minMean = DEFAULT_MIN_MEAN;
        private double minVariance = DEFAULT_MIN_VARIANCE;
        private double redTail = DEFAULT_RED_TAIL;
        private double yellowTail = DEFAULT_YELLOW_TAIL;
        private double episodeEndTail = DEFAULT_EPISODE_END_TAIL;
        private double profileAdaptation = DEFAULT_PROFILE_ADAPTATION;
        private double threshold = DEFAULT_THRESHOLD;
        private boolean spatialCheck = true;
        private double spatialTolerance = DEFAULT_SPATIAL_TOLERANCE;

        private Builder() {}

        /** Events per key before anything is flagged (the first N events are never anomalies). */
        public Builder warmUpEvents(int v) { this.warmUpEvents = v; return this; }
        /** Half-life (events) of the running centre and scale of the residual. */
        public Builder residualHalfLife(double v) { this.residualHalfLife = v; return this; }
        /** Clip (in scales, ≥ 1) applied to a deviation before it updates the scale. */
        public Builder residualClip(double v) { this.residualClip = v; return this; }
        /** Floor of the residual scale in model units (&gt; 0). */
        public Builder minResidualScale(double v) { this.minResidualScale = v; return this; }
        /** Decades of tail probability mapped onto the raw score range [0, 1]. */
        public Builder surpriseDecades(double v) { this.surpriseDecades = v; return this; }
        /** Span W of the short average of raw scores (smoothing factor 2/(W+1)). */
        public Builder averagingWindow(int v) { this.averagingWindow = v; return this; }
        /** Events whose averaged score is left out of the long-run distribution. */
        public Builder learningPeriod(int v) { this.learningPeriod = v; return this; }
        /** Averaged scores to collect after the learning period before reporting a likelihood. */
        public Builder estimationSamples(int v) { this.estimationSamples = v; return this; }
        /** Half-life (events) of the long-run mean and variance of the averaged score. */
        public Builder likelihoodHalfLife(double v) { this.likelihoodHalfLife = v; return this; }
        /** Floor of the long-run mean of the averaged score. */
        public Builder minMean(double v) { this.minMean = v; return this; }
        /** Floor of the long-run variance of the averaged score (&gt; 0). */
        public Builder minVariance(double v) { this.minVariance = v; return this; }
        /** Tail probability at or below which a likelihood is red. */
        public Builder redTail(double v) { this.redTail = v; return this; }
        /** Tail probability reported for consecutive red values (≥ redTail). */
        public Builder yellowTail(double v) { this.yellowTail = v; return this; }
        /**
         * Tail probability above which an anomaly episode ends, in (yellowTail, 0.5]: within an episode further red
         * values are reported at the yellow level, so only its onset is flagged.
         */
        public Builder episodeEndTail(double v) { this.episodeEndTail = v; return this; }
        /** Weight (0, 1] of a value in its time-of-day slot's running mean, per visit of the slot. */
        public Builder profileAdaptation(double v) { this.profileAdaptation = v; return this; }
        /** Detection threshold on the log-likelihood scale, in (0, 1]. */
        public Builder threshold(double v) { this.threshold = v; return this; }
        /** Whether a value outside the widened seen range is flagged. */
        public Builder spatialCheck(boolean v) { this.spatialCheck = v; return this; }
        /** Fraction of the seen range added on each side before a value counts as outside. */
        public Builder spatialTolerance(double v) { this.spatialTolerance = v; return this; }

        /** Validates and returns the immutable configuration. */
        public AnomalyConfig build() {
            requireAtLeast("warmUpEvents", warmUpEvents, 0);
            requirePositive("residualHalfLife", residualHalfLife);
            if (!(residualClip >= 1.0) || Double.isInfinite(residualClip)) {
                throw new IllegalArgumentException("residualClip must be a finite number >= 1, got " + residualClip);
            }
            requirePositive("minResidualScale", minResidualScale);
            requirePositive("surpriseDecades", surpriseDecades);
            requireAtLeast("averagingWindow", averagingWindow, 1);
            requireAtLeast("learningPeriod", learningPeriod, 0);
            requireAtLeast("estimationSamples", estimationSamples, 1);
            requirePositive("likelihoodHalfLife", likelihoodHalfLife);
            if (!(minMean >= 0.0) || !(minMean < 1.0)) {
                throw new IllegalArgumentException("minMean must be in [0, 1), got " + minMean);
            }
            requirePositive("minVariance", minVariance);
            if (!(redTail > 0.0) || !(redTail < 0.5)) {
                throw new IllegalArgumentException("redTail must be in (0, 0.5), got " + redTail);
            }
            if (!(yellowTail >= redTail) || !(yellowTail < 0.5)) {
                throw new IllegalArgumentException("yellowTail must be in [redTail, 0.5) = [" + redTail
                        + ", 0.5), got " + yellowTail);
            }
            if (!(episodeEndTail > yellowTail) || !(episodeEndTail <= 0.5)) {
                throw new IllegalArgumentException("episodeEndTail must be in (yellowTail, 0.5] = (" + yellowTail
                        + ", 0.5], got " + episodeEndTail);
            }
            if (!(profileAdaptation > 0.0) || !(profileAdaptation <= 1.0)) {
                throw new IllegalArgumentException("profileAdaptation must be in (0, 1], got " + profileAdaptation);
            }
            if (!(threshold > 0.0) || !(threshold <= 1.0)) {
                throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
            }
            if (!(spatialTolerance >= 0.0) || Double.isInfinite(spatialTolerance)) {
                throw new IllegalArgumentException("spatialTolerance must be a finite number >= 0, got "
                        + spatialTolerance);
            }
            if ((long) learningPeriod + estimationSamples > AnomalyScorer.MAX_COUNT
                    || warmUpEvents > AnomalyScorer.MAX_COUNT) {
                throw new IllegalArgumentException("warmUpEvents and learningPeriod + estimationSamples must be <= "
                        + AnomalyScorer.MAX_COUNT + ", got " + warmUpEvents + " and "
                        + ((long) learningPeriod + estimationSamples));
            }
            return new AnomalyConfig(this);
        }

        private static void requireAtLeast(String name, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
            }
        }

        private static void requirePositive(String name, double v) {
            if (!(v > 0.0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
            }
        }
    }
}
