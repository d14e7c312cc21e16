package io.streamcast.model.core.anomaly;

/**
 * Immutable settings of {@link PredictionIntervals}. Build with {@link #builder()};
 * {@link Builder#build()} rejects bad values with a message naming the setting and the value.
 */
public final class IntervalConfig {

    /** Largest supported horizon. */
    public static final int MAX_HORIZON = 1024;
    /** Default forecast horizon K (steps ahead). */
    public static final int DEFAULT_HORIZON = 8;
    /** Default nominal coverage of the central interval. */
    public static final double DEFAULT_COVERAGE = 0.9;
    /** Default half-life, in observations of one horizon, of the per-horizon residual scale. */
    public static final double DEFAULT_SCALE_HALF_LIFE = 200;
    /** Default step of the shared quantile trackers, in scale units. */
    public static final double DEFAULT_QUANTILE_STEP = 0.01;
    /** Default observations of a horizon before its interval is reported. */
    public static final int DEFAULT_MIN_OBSERVATIONS = 5;
    /**
     * Default observations of a horizon from which its error scale counts as settled; below, its interval is widened
     * for the uncertainty of a scale estimated from so few ({@link PredictionIntervals}).
     */
    public static final int DEFAULT_SETTLED_OBSERVATIONS = 30;

    private final int horizon;
    private final double coverage;
    private final double scaleHalfLife;
    private final double quantileStep;
    private final int minObservations;
    private final int settledObservations;

    private IntervalConfig(Builder b) {
        this.horizon = b.horizon;
        this.coverage = b.coverage;
        this.scaleHalfLife = b.scaleHalfLife;
        this.quantileStep = b.quantileStep;
        this.minObservations = b.minObservations;
        this.settledObservations = b.settledObservations;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static IntervalConfig defaults() {
        return builder().build();
    }

    /** Forecast horizon K: intervals are kept for k = 1..K. */
    public int horizon() { return horizon; }
    /** Nominal coverage of the central interval, e.g. 0.9 for the 5%..95% quantiles. */
    public double coverage() { return coverage; }
    /** Half-life, in observations of one horizon, of the per-horizon residual scale. */
    public double scaleHalfLife() { return scaleHalfLife; }
    /** Step of the stochastic quantile trackers, in units of the per-horizon scale. */
    public double quantileStep() { return quantileStep; }
    /** Observations of a horizon before its interval is reported (NaN before). */
    public int minObservations() { return minObservations; }
    /** Observations of a horizon from which its interval is not widened for the uncertainty of its error scale. */
    public int settledObservations() { return settledObservations; }
    /** Lower quantile level, (1 − coverage) / 2. */
    public double lowerLevel() { return (1.0 - coverage) / 2.0; }
    /** Upper quantile level, (1 + coverage) / 2. */
    public double upperLevel() { return (1.0 + coverage) / 2.0; }

    @Override
    public String toString() {
        return "IntervalConfig{horizon=" + horizon + ", coverage=" + coverage + ", scaleHalfLife="
                + scaleHalfLife + ", quantileStep=" + quantileStep + ", minObservations=" + minObservations
                + ", settledObservations=" + settledObservations + '}';
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int horizon = DEFAULT_HORIZON;
        private double coverage = DEFAULT_COVERAGE;
        private double scaleHalfLife = DEFAULT_SCALE_HALF_LIFE;
        private double quantileStep = DEFAULT_QUANTILE_STEP;
        private int minObservations = DEFAULT_MIN_OBSERVATIONS;
        private int settledObservations = DEFAULT_SETTLED_OBSERVATIONS;

        private Builder() {}

        public Builder horizon(int v) { this.horizon = v; return this; }
        public Builder coverage(double v) { this.coverage = v; return this; }
        public Builder scaleHalfLife(double v) { this.scaleHalfLife = v; return this; }
        public Builder quantileStep(double v) { this.quantileStep = v; return this; }
        public Builder minObservations(int v) { this.minObservations = v; return this; }
        public Builder settledObservations(int v) { this.settledObservations = v; return this; }

        public IntervalConfig build() {
            if (horizon < 1 || horizon > MAX_HORIZON) {
                throw new IllegalArgumentException("horizon must be in [1, " + MAX_HORIZON + "], got " + horizon);
            }
            if (!(coverage > 0.0) || !(coverage < 1.0)) {
                throw new IllegalArgumentException("coverage must be in (0, 1), got " + coverage);
            }
            if (!(scaleHalfLife > 0.0) || Double.isInfinite(scaleHalfLife)) {
                throw new IllegalArgumentException("scaleHalfLife must be a finite number > 0, got " + scaleHalfLife);
            }
            if (!(quantileStep > 0.0) || !(quantileStep <= 1.0)) {
                throw new IllegalArgumentException("quantileStep must be in (0, 1], got " + quantileStep);
            }
            if (minObservations < 1) {
                throw new IllegalArgumentException("minObservations must be >= 1, got " + minObservations);
            }
            if (settledObservations < minObservations) {
                throw new IllegalArgumentException("settledObservations must be >= minObservations ("
                        + minObservations + "), got " + settledObservations);
            }
            return new IntervalConfig(this);
        }
    }
}
