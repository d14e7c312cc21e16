package io.streamcast.model.core.feature;

import java.util.Objects;

/**
 * Per-series online standardisation with Welford's algorithm, of the values or of their transform
 * ({@link ScalerPolicy#transform()}: the statistics, {@link #mean()} and {@link #std()} are those of the transformed
 * values; {@link #scale} and {@link #unscale} take and give values in the series' own units).
 *
 * <p>The whole state is three numbers ({@link #count()}, {@link #mean()}, {@link #m2()}), so a key's
 * scaler can be stored in Flink state and restored with {@link #OnlineScaler(ScalerPolicy, long, double, double)}.
 * Variance is the population variance {@code m2 / count}; the standard deviation is floored as described
 * in {@link ScalerPolicy}. Before the first observation mean is 0 and std is 1 (identity scaling).
 *
 * <p>Convention shared by training and streaming: at time t, {@code observe(v_t)} first, then
 * {@code scale(v_t)} is the model input and {@code unscale(out[j-1])} the forecast for t+j.
 *
 * <p>Mutable and not thread-safe; one instance per key.
 */
public final class OnlineScaler {

    private final ScalerPolicy policy;
    private long count;
    private double mean;
    private double m2;

    /** An empty scaler with {@link ScalerPolicy#DEFAULT}. */
    public OnlineScaler() {
        this(ScalerPolicy.DEFAULT);
    }

    /** An empty scaler. */
    public OnlineScaler(ScalerPolicy policy) {
        this(policy, 0, 0.0, 0.0);
    }

    /** Restores a scaler from its three state numbers. */
    public OnlineScaler(ScalerPolicy policy, long count, double mean, double m2) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (!Double.isFinite(mean) || !Double.isFinite(m2) || m2 < 0) {
            throw new IllegalArgumentException("mean must be finite and m2 finite and >= 0, got mean=" + mean
                    + " m2=" + m2);
        }
        if (count == 0 && (mean != 0.0 || m2 != 0.0)) {
            throw new IllegalArgumentException("an empty scaler must have mean=0 and m2=0, got mean=" + mean
                    + " m2=" + m2);
        }
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    /**
     * Adds one value.
     *
     * @throws IllegalArgumentException if {@code v} is NaN or infinite (it would poison the statistics forever)
     */
    public void observe(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value must be finite, got " + v);
        }
        double u = policy.transform().apply(v);
        count++;
        double delta = u - mean;
        mean += delta / count;
        m2 += delta * (u - mean);
    }

    /** (T(v) − mean) / std, T the policy's transform. */
    public double scale(double v) {
        return (policy.transform().apply(v) - mean) / std();
    }

    /** T⁻¹(z · std + mean), the inverse of {@link #scale(double)} for the current statistics. */
    public double unscale(double z) {
        return policy.transform().invert(z * std() + mean);
    }

    /** Mean of the observed (transformed) values (0 before the first). */
    public double mean() {
        return mean;
    }

    /** Floored standard deviation, see {@link ScalerPolicy}; 1 before the first value. */
    public double std() {
        if (count == 0) {
            return 1.0;
        }
        double raw = Math.sqrt(m2 / count);
        return Math.max(raw, Math.max(policy.relativeStdFloor() * Math.abs(mean), policy.absoluteStdFloor()));
    }

    /**
     * The floored standard deviation in the series' own units: {@link #std()} when the scaling is affine; with a
     * transform, {@link #std()} times the slope of its inverse at the mean, a local linearisation (for the signed
     * logarithm about the level times the relative spread). The unit the anomaly scorer and the prediction
     * intervals measure errors in.
     */
    public double valueStd() {
        double sd = std();
        return policy.affine() ? sd : sd * policy.transform().inverseSlope(mean);
    }

    /** Population variance m2 / count of the transformed values without the floor (0 before the first value). */
    public double variance() {
        return count == 0 ? 0.0 : m2 / count;
    }

    /** Number of observed values. */
    public long count() {
        return count;
    }

    /** Sum of squared deviations from the mean (Welford's M2). */
    public double m2() {
        return m2;
    }

    public ScalerPolicy policy() {
        return policy;
    }

    /** An independent copy with the same statistics. */
    public OnlineScaler copy() {
        return new OnlineScaler(policy, count, mean, m2);
    }

    @Override
    public String toString() {
        return "OnlineScaler[count=" + count + ", mean=" + mean + ", std=" + std() + "]";
    }
}
