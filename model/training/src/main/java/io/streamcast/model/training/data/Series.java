package io.streamcast.model.training.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One recorded time series: a key, where it came from, and its points in time order.
 *
 * <p>Timestamps are epoch milliseconds (UTC). The arrays are defensively copied; {@link #timestamp(int)}
 * and {@link #value(int)} read without copying.
 */
public final class Series {
    private final String key;
    private final String source;
    private final long[] timestamps;
    private final double[] values;

    public Series(String key, String source, long[] timestamps, double[] values) {
        this.key = Objects.requireNonNull(key, "key");
        this.source = Objects.requireNonNull(source, "source");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("series '" + key + "': " + timestamps.length + " timestamps but "
                    + values.length + " values");
        }
        for (int i = 1; i < timestamps.length; i++) {
            if (timestamps[i] < timestamps[i - 1]) {
                throw new IllegalArgumentException("series '" + key + "': timestamps not in order at index " + i);
            }
        }
        this.timestamps = timestamps.clone();
        this.values = values.clone();
    }

    public String key() {
        return key;
    }

    /** The file (and for keyed files, nothing more) the series was read from. */
    public String source() {
        return source;
    }

    public int size() {
        return values.length;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    public long[] timestamps() {
        return timestamps.clone();
    }

    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && key.equals(s.key) && source.equals(s.source)
                && Arrays.equals(timestamps, s.timestamps) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, source, Arrays.hashCode(timestamps), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Series[" + key + ", " + values.length + " points, from " + source + "]";
    }
}
