package io.streamcast.connectors.kafka;

import java.util.Locale;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Reads a starting-offsets setting as given on a command line: {@code earliest}, {@code latest},
 * {@code committed} (the group's committed offsets, earliest where there are none) or
 * {@code timestamp:<epoch millis>}.
 */
public final class StartingOffsets {

    private StartingOffsets() {}

    /**
     * @throws IllegalArgumentException naming the accepted forms
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    public static OffsetsInitializer parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException(
                    "Starting offsets must be one of earliest, latest, committed, timestamp:<epoch millis>; got null");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default:
                if (s.startsWith("timestamp:")) {
                    String millis = s.substring("timestamp:".length());
                    try {
                        long ts = Long.parseLong(millis);
                        if (ts >= 0) {
                            return OffsetsInitializer.timestamp(ts);
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    throw new IllegalArgumentException(
                            "Starting offsets 'timestamp:' needs non-negative epoch millis, e.g. timestamp:1700000000000; got '"
                                    + spec + "'");
                }
                throw new IllegalArgumentException(
                        "Starting offsets must be one of earliest, latest, committed, timestamp:<epoch millis>; got '"
                                + spec + "'");
        }
    }
}
