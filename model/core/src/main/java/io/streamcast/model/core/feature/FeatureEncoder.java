package io.streamcast.model.core.feature;

import java.util.Objects;

/**
 * Builds one model input vector from a scaled value and a UTC timestamp, in {@link FeatureSpec} order.
 * The calendar encodings are documented on {@link Feature}. Allocation-free and stateless (thread-safe).
 */
public final class FeatureEncoder {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 1970-01-01 was a Thursday: ISO index 3 when Monday is 0. */
    private static final int EPOCH_DAY_OF_WEEK = 3;
    private static final double TWO_PI = 2.0 * Math.PI;

    private final Feature[] features;

    public FeatureEncoder(FeatureSpec spec) {
        this.features = Objects.requireNonNull(spec, "spec").features().toArray(new Feature[0]);
    }

    /** Number of floats {@link #encode} writes. */
    public int size() {
        return features.length;
    }

    /** Writes the features into {@code out[0, size())}. */
    public void encode(double scaledValue, long epochMillis, float[] out) {
        encode(scaledValue, epochMillis, out, 0);
    }

    /** Writes the features into {@code out[off, off + size())}; {@link Feature#SEASONAL_DIFF}, if present, is 0. */
    public void encode(double scaledValue, long epochMillis, float[] out, int off) {
        encode(scaledValue, 0.0, epochMillis, out, off);
    }

    /**
     * Writes the features into {@code out[off, off + size())}.
     *
     * @param scaledSeasonalDiff {@link Feature#SEASONAL_DIFF}: {@code (v_t − v_{t−P}) / std}, 0 without a season
     */
    public void encode(double scaledValue, double scaledSeasonalDiff, long epochMillis, float[] out, int off) {
        long millisOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        double dayAngle = TWO_PI * millisOfDay / MILLIS_PER_DAY;
        long epochDay = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int dayOfWeek = (int) Math.floorMod(epochDay + EPOCH_DAY_OF_WEEK, 7L);
        double weekAngle = TWO_PI * dayOfWeek / 7.0;
        for (int i = 0; i < features.length; i++) {
            out[off + i] = (float) switch (features[i]) {
                case VALUE -> scaledValue;
                case HOUR_SIN -> Math.sin(dayAngle);
                case HOUR_COS -> Math.cos(dayAngle);
                case DOW_SIN -> Math.sin(weekAngle);
                case DOW_COS -> Math.cos(weekAngle);
                case SEASONAL_DIFF -> scaledSeasonalDiff;
            };
        }
    }
}
