package io.streamcast.connectors.event;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The range of event times an {@link Event} may have: not before a fixed floor ({@code streamcast.event-time.min},
 * 2000-01-01T00:00:00Z by default) and not more than a bound ahead of the wall clock of the machine that validates it
 * ({@code streamcast.event-time.max-ahead}, 1 day by default). An event outside is dead-lettered as
 * {@link DeadLetterReason#BAD_TIMESTAMP} with a detail naming the bound, before it reaches the watermarks or its key's
 * state: one event dated in the year 9999 would otherwise make every later event of its key out of order (and
 * advance the watermark to its time), one dated 1970 would be learnt as a gap of decades.
 *
 * <p>Immutable and serializable. {@link Checker} is the per-operator instance that reads the clock only when an event
 * is later than the limit it computed last (so a stream of current events costs a comparison each).
 */
public final class EventTimeBounds implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofDays(1);
    public static final Instant DEFAULT_MIN = Instant.parse("2000-01-01T00:00:00Z");

    private static final EventTimeBounds DEFAULTS = new EventTimeBounds(DEFAULT_MIN, DEFAULT_MAX_AHEAD);

    private final Instant min;
    private final Duration maxAhead;

    public EventTimeBounds(Instant min, Duration maxAhead) {
        this.min = Objects.requireNonNull(min, "min");
        this.maxAhead = Objects.requireNonNull(maxAhead, "maxAhead");
        if (maxAhead.isNegative()) {
            throw new IllegalArgumentException("streamcast.event-time.max-ahead must not be negative, got " + maxAhead);
        }
    }

    /** Not before 2000-01-01T00:00:00Z, at most 1 day ahead of the wall clock. */
    public static EventTimeBounds defaults() {
        return DEFAULTS;
    }

    public Instant min() {
        return min;
    }

    public Duration maxAhead() {
        return maxAhead;
    }

    /** The violated bound in words for an event at {@code ts} validated at wall-clock time {@code now}; null if none. */
    public String violation(long ts, long now) {
        if (ts < min.toEpochMilli()) {
            return "event time " + ts + " (" + Instant.ofEpochMilli(ts) + ") is before the floor streamcast.event-time.min = " + min;
        }
        long limit = saturatedAdd(now, maxAhead.toMillis());
        if (ts > limit) {
            return "event time " + ts + " (" + instant(ts) + ") is more than streamcast.event-time.max-ahead = " + maxAhead
                    + " ahead of the wall clock " + Instant.ofEpochMilli(now);
        }
        return null;
    }

    /** A checker for one operator instance; not thread-safe. */
    public Checker checker() {
        return new Checker(this);
    }

    @Override
    public String toString() {
        return "EventTimeBounds{min=" + min + ", maxAhead=" + maxAhead + '}';
    }

    private static String instant(long ts) {
        try {
            return Instant.ofEpochMilli(ts).toString();
        } catch (RuntimeException e) {
            return "out of range";
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Checks events against the bounds, reading the wall clock only when an event is later than the last limit. */
    public static final class Checker {
        private final EventTimeBounds bounds;
        private final long min;
        private long limit = Long.MIN_VALUE;

        private Checker(EventTimeBounds bounds) {
            this.bounds = bounds;
            this.min = bounds.min.toEpochMilli();
        }

        /** Null if {@code ts} is within the bounds, else the violated bound in words. */
        public String check(long ts) {
            if (ts >= min && ts <= limit) {
                return null;
            }
            long now = System.currentTimeMillis();
            limit = saturatedAdd(now, bounds.maxAhead.toMillis());
            return bounds.violation(ts, now);
        }
    }
}
