package io.streamcast.connectors.event;

import java.io.Serializable;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The rules an input record must pass to become an {@link Event}: inclusive value bounds, the
 * maximum record size in bytes, and the zone in which timestamps without an offset (such as the
 * {@code 2014-04-01 00:00:00} of recorded CSV files) are read. Immutable and serializable, so it
 * travels inside sources and deserialization schemas.
 */
public final class EventValidation implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default maximum record size: 64 KiB, far above a well-formed event. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    /** How many characters of an oversized record the dead letter keeps. */
    public static final int RAW_PREVIEW_CHARS = 1024;

    private static final EventValidation DEFAULTS = builder().build();

    private final double minValue;
    private final double maxValue;
    private final int maxMessageBytes;
    private final ZoneId localZone;

    private EventValidation(Builder b) {
        this.minValue = b.minValue;
        this.maxValue = b.maxValue;
        this.maxMessageBytes = b.maxMessageBytes;
        this.localZone = b.localZone;
    }

    /** No value bounds, {@link #DEFAULT_MAX_MESSAGE_BYTES}, timestamps without offset read as UTC. */
    public static EventValidation defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Inclusive lower bound of a valid value; {@code -Infinity} when unbounded. */
    public double minValue() {
        return minValue;
    }

    /** Inclusive upper bound of a valid value; {@code +Infinity} when unbounded. */
    public double maxValue() {
        return maxValue;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public ZoneId localZone() {
        return localZone;
    }

    @Override
    public String toString() {
        return "EventValidation{value in [" + minValue + ", " + maxValue + "], maxMessageBytes="
                + maxMessageBytes + ", localZone=" + localZone + '}';
    }

    /** Builds an {@link EventValidation}; {@link #build()} checks the settings. */
    public static final class Builder {
        private double minValue = Double.NEGATIVE_INFINITY;
        private double maxValue = Double.POSITIVE_INFINITY;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private ZoneId localZone = ZoneOffset.UTC;

        private Builder() {}

        /** Values outside {@code [min, max]} become {@code value-out-of-bounds}; use infinities for no bound. */
        public Builder valueBounds(double min, double max) {
            this.minValue = min;
            this.maxValue = max;
            return this;
        }

        /** Records longer than this many bytes become {@code oversized-message}. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** The zone for ISO-8601 timestamps that carry no offset; UTC by default. */
        public Builder localZone(ZoneId localZone) {
            this.localZone = localZone;
            return this;
        }

        public EventValidation build() {
            if (Double.isNaN(minValue) || Double.isNaN(maxValue)) {
                throw new IllegalArgumentException(
                        "Value bounds must not be NaN; got [" + minValue + ", " + maxValue
                                + "]: use Double.NEGATIVE_INFINITY / POSITIVE_INFINITY for no bound");
            }
            if (minValue > maxValue) {
                throw new IllegalArgumentException(
                        "Value bounds are reversed: min " + minValue + " > max " + maxValue
                                + "; call valueBounds(min, max) with min <= max");
            }
            if (maxMessageBytes <= 0) {
                throw new IllegalArgumentException(
                        "maxMessageBytes must be positive; got " + maxMessageBytes);
            }
            Objects.requireNonNull(localZone, "localZone must not be null (UTC is the default)");
            return new EventValidation(this);
        }
    }
}
