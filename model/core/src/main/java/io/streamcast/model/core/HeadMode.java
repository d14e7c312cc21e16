package io.streamcast.model.core;

import java.util.Locale;

/**
 * How the dense head's output becomes the forecast (in scaled units), for every horizon step j:
 * <ul>
 *   <li>{@link #DIRECT}: {@code forecast[j] = head(h)[j]}, the head predicts the scaled future value;</li>
 *   <li>{@link #RESIDUAL}: {@code forecast[j] = x_t[VALUE] + head(h)[j]}, the head predicts the change from the
 *       current scaled value (the input's {@link io.streamcast.model.core.feature.Feature#VALUE} feature), so a
 *       head that outputs zeros is the persistence forecast.</li>
 *   <li>{@link #SEASONAL}: {@code forecast[j] = base_t[j] + head(h)[j]}, the head predicts the correction to the
 *       seasonal naive forecast: {@code base_t[j]} is the scaled value of {@code t + j − P·ceil(j/P)} (P the key's
 *       season) once the key has a whole season of values, else {@code x_t[VALUE]} (as {@link #RESIDUAL}: keys
 *       without a season, and a key's first P − 1 values). The {@link Forecaster} alone adds {@code x_t[VALUE]}; the
 *       caller that keeps the key's last season of values replaces it by the seasonal base
 *       ({@code series.SeriesStep}).</li>
 * </ul>
 * Stored in the model artifact from format version 2 on (header {@code head.mode}; {@code seasonal} from version 3);
 * version 1 files are {@link #DIRECT}.
 */
public enum HeadMode {
    DIRECT,
    RESIDUAL,
    SEASONAL;

    /** The artifact header spelling: {@code "direct"} or {@code "residual"}. */
    public String headerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #headerName()}; null if unknown. */
    public static HeadMode fromHeaderName(String name) {
        for (HeadMode m : values()) {
            if (m.headerName().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
