package io.streamcast.model.core.feature;

/**
 * One model input column. {@link #VALUE} is always the first feature of a {@link FeatureSpec}.
 *
 * <p>Calendar features are computed in UTC by {@link FeatureEncoder}:
 * <ul>
 *   <li>HOUR_SIN/HOUR_COS: sin/cos of 2π·(time of day)/24h, with the time of day continuous
 *       (milliseconds since UTC midnight), so 00:00 → (0, 1), 06:00 → (1, 0), 12:00 → (0, −1).</li>
 *   <li>DOW_SIN/DOW_COS: sin/cos of 2π·dow/7 with the ISO day of week counted from Monday = 0 to
 *       Sunday = 6 (a whole day, not fractional), so Monday → (0, 1).</li>
 * </ul>
 */
public enum Feature {
    /** The series value, standardised by the key's {@link OnlineScaler}. */
    VALUE,
    HOUR_SIN,
    HOUR_COS,
    DOW_SIN,
    DOW_COS,
    /**
     * The change since one season earlier, {@code (v_t − v_{t−P}) / std} with the key's scaler: what a seasonal
     * naive forecast of v_t would have missed. 0 while the key has no season ({@code P = 0}) or fewer than P + 1
     * values. Only a model with this feature needs the caller to pass it ({@link FeatureEncoder#encode(double,
     * double, long, float[], int)}); P is the key's season as the stream decides it.
     */
    SEASONAL_DIFF
}
