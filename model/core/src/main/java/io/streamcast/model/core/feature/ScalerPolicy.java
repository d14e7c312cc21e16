package io.streamcast.model.core.feature;

/**
 * How {@link OnlineScaler} bounds the standard deviation it divides by, stored in the model artifact so
 * training and streaming scale identically.
 *
 * <p>{@code std = max(sqrt(m2 / count), relativeStdFloor · |mean|, absoluteStdFloor)}.
 * The floor matters for the first values of a series (variance 0 after one value) and for flat series:
 * without it the scaled value would be ±∞ or NaN. The relative part keeps the floor meaningful for
 * series with large levels (a change of 0.1% of the level is "one standard deviation" at most); the
 * absolute part covers series near zero.
 *
 * @param relativeStdFloor fraction of |mean| below which std is not allowed to fall, ≥ 0
 * @param absoluteStdFloor absolute lower bound of std, > 0
 */
public record ScalerPolicy(double relativeStdFloor, double absoluteStdFloor) {

    /** std ≥ max(1e-3·|mean|, 1e-6). */
    public static final ScalerPolicy DEFAULT = new ScalerPolicy(1e-3, 1e-6);

    public ScalerPolicy {
        if (!(relativeStdFloor >= 0) || Double.isInfinite(relativeStdFloor)) {
            throw new IllegalArgumentException("relativeStdFloor must be finite and >= 0, got " + relativeStdFloor);
        }
        if (!(absoluteStdFloor > 0) || Double.isInfinite(absoluteStdFloor)) {
            throw new IllegalArgumentException("absoluteStdFloor must be finite and > 0, got " + absoluteStdFloor);
        }
    }
}
