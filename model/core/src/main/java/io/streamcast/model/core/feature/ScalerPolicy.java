package io.streamcast.model.core.feature;

import java.util.Objects;

/**
 * How {@link OnlineScaler} turns a key's values into the model's units, stored in the model artifact so training and
 * streaming scale identically: a {@link Transform} of the value, then Welford standardisation of the transformed
 * values with a floored standard deviation.
 *
 * <p>{@code std = max(sqrt(m2 / count), relativeStdFloor · |mean|, absoluteStdFloor)} (of the transformed values).
 * The floor matters for the first values of a series (variance 0 after one value) and for flat series:
 * without it the scaled value would be ±∞ or NaN. The relative part keeps the floor meaningful for
 * series with large levels (a change of 0.1% of the level is "one standard deviation" at most); the
 * absolute part covers series near zero.
 *
 * @param relativeStdFloor fraction of |mean| below which std is not allowed to fall, ≥ 0
 * @param absoluteStdFloor absolute lower bound of std, > 0
 * @param transform        what is standardised: the value itself, or its signed logarithm
 */
public record ScalerPolicy(double relativeStdFloor, double absoluteStdFloor, Transform transform) {

    /** std ≥ max(1e-3·|mean|, 1e-6), values standardised as they are. */
    public static final ScalerPolicy DEFAULT = new ScalerPolicy(1e-3, 1e-6);

    /** {@link #DEFAULT}'s floors, on the signed logarithm of the values ({@link Transform#SIGNED_LOG1P}). */
    public static final ScalerPolicy SIGNED_LOG = DEFAULT.withTransform(Transform.SIGNED_LOG1P);

    /**
     * What the scaler standardises. The model sees, and forecasts, standardised transformed values; a forecast is
     * brought back with the inverse transform.
     */
    public enum Transform {
        /** The value as it is: the scaling is affine. */
        IDENTITY("none"),
        /**
         * {@code sign(v)·ln(1 + |v|)}: defined for every value (zero and negative ones too), close to {@code ln v}
         * for values much larger than 1, so a series' changes are learnt relative to its level (a daily swing of
         * 20% looks the same at level 100 and at level 10,000). Its inverse is {@code sign(u)·(e^|u| − 1)}.
         */
        SIGNED_LOG1P("signed-log1p");

        /** The largest |u| {@link #invert} exponentiates (e^700 ≈ 1e304, below {@link Double#MAX_VALUE}). */
        public static final double MAX_LOG = 700;

        private final String headerName;

        Transform(String headerName) {
            this.headerName = headerName;
        }

        /** The name in a model artifact's header and on the command line. */
        public String headerName() {
            return headerName;
        }

        /** The transform named {@code name} ({@link #headerName}). */
        public static Transform ofHeaderName(String name) {
            for (Transform t : values()) {
                if (t.headerName.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown transform '" + name + "' (known: none, signed-log1p)");
        }

        /** The transformed value. */
        public double apply(double v) {
            return this == IDENTITY ? v : Math.copySign(Math.log1p(Math.abs(v)), v);
        }

        /** The slope of {@link #invert} at {@code u}: 1, or {@code e^|u|} for the signed logarithm. */
        public double inverseSlope(double u) {
            return this == IDENTITY ? 1.0 : Math.exp(Math.min(Math.abs(u), MAX_LOG));
        }

        /**
         * The inverse of {@link #apply}; for {@link #SIGNED_LOG1P}, |u| is capped at {@value #MAX_LOG} so that an
         * extreme model output gives a huge but finite value, never infinity.
         */
        public double invert(double u) {
            return this == IDENTITY ? u : Math.copySign(Math.expm1(Math.min(Math.abs(u), MAX_LOG)), u);
        }
    }

    /** A policy on the untransformed values. */
    public ScalerPolicy(double relativeStdFloor, double absoluteStdFloor) {
        this(relativeStdFloor, absoluteStdFloor, Transform.IDENTITY);
    }

    public ScalerPolicy {
        if (!(relativeStdFloor >= 0) || Double.isInfinite(relativeStdFloor)) {
            throw new IllegalArgumentException("relativeStdFloor must be finite and >= 0, got " + relativeStdFloor);
        }
        if (!(absoluteStdFloor > 0) || Double.isInfinite(absoluteStdFloor)) {
            throw new IllegalArgumentException("absoluteStdFloor must be finite and > 0, got " + absoluteStdFloor);
        }
        Objects.requireNonNull(transform, "transform");
    }

    /** This policy with another transform. */
    public ScalerPolicy withTransform(Transform t) {
        return new ScalerPolicy(relativeStdFloor, absoluteStdFloor, t);
    }

    /** True when scaling is affine in the value (no transform). */
    public boolean affine() {
        return transform == Transform.IDENTITY;
    }
}
