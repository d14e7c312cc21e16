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
    DOW_COS
}
