package io.streamcast.model.core;

import java.util.Locale;

/**
 * How the dense head's output becomes the forecast (in scaled units), for every horizon step j:
 * <ul>
 *   <li>{@link #DIRECT}: {@code forecast[j] = head(h)[j]}, the head predicts the scaled future value;</li>
 *   <li>{@link #RESIDUAL}: {@code forecast[j] = x_t[VALUE] + head(h)[j]}, the head predicts the change from the
 *       current scaled value (the input's {@link io.streamcast.model.core.feature.Feature#VALUE} feature), so a
 *       head that outputs zeros is the persistence forecast.</li>
 * </ul>
 * Stored in the model artifact from format version 2 on (header {@code head.mode}); version 1 files are
 * {@link #DIRECT}.
 */
public enum HeadMode {
    DIRECT,
    RESIDUAL;

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
