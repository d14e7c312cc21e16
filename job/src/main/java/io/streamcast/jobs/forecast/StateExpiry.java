package io.streamcast.jobs.forecast;

import org.slf4j.Logger;

import java.time.Instant;

/**
 * When a key's state expires, and the rate-limited log line that reports expiries. Flink-free, so the rule can be
 * tested without an operator.
 *
 * <p>The rule: the state of a key whose last accepted event is at {@code lastTimestamp} expires when its timer fires at
 * {@code timerTimestamp >= lastTimestamp + ttl}, a time the forecast operator's watermark has reached. That watermark
 * is the event time of the events input alone: the model-control input is marked idle for good
 * ({@link ForecastJob#controlInputWatermarks()}), so it never advances the combined watermark, and an idle events
 * input holds it where it was. A watermark of {@code Long.MAX_VALUE} (the end of a bounded input, or
 * {@code stop --drain}) is not event time of the stream: a timer firing at it never expires a key, which is then
 * {@link Decision#DEFER deferred}: its timer is re-armed from a processing-time timer, so that a savepoint taken at that
 * point still expires it after a restore.
 */
final class StateExpiry {

    /** What a fired expiry timer does with its key. */
    enum Decision {
        /** The key has had no event for the TTL in event time: clear its state. */
        EXPIRE,
        /** The key is live (an event after the one that armed this timer): arm the timer of its last event. */
        REARM,
        /** The watermark is the end of time, not event time: keep the key, arm its timer again later. */
        DEFER
    }

    /** At most one expiry log line per this many milliseconds (per subtask). */
    static final long LOG_INTERVAL_MILLIS = 60_000;

    private StateExpiry() {}

    static Decision decide(long lastTimestamp, long ttlMillis, long timerTimestamp, long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Decision.DEFER;
        }
        return ExpiryGrid.expired(lastTimestamp, ttlMillis, timerTimestamp) ? Decision.EXPIRE : Decision.REARM;
    }

    /** Counts expiries and logs them at most once per {@link #LOG_INTERVAL_MILLIS}, with the count since the last line. */
    static final class Log {
        private final Logger log;
        private final int subtask;
        private final long ttlMillis;
        private long pending;
        private long lastLogNanos;
        private boolean logged;
        private boolean deferLogged;

        Log(Logger log, int subtask, long ttlMillis) {
            this.log = log;
            this.subtask = subtask;
            this.ttlMillis = ttlMillis;
        }

        /** One key expired at watermark {@code watermark}; logs when the last line is old enough. */
        void expired(long watermark, long keysInState) {
            pending++;
            long now = System.nanoTime();
            if (!logged || now - lastLogNanos >= LOG_INTERVAL_MILLIS * 1_000_000L) {
                log.info("Forecast subtask {}: expired the state of {} key(s) with no event for the state TTL of {} ms in "
                                + "event time (watermark {}); {} key(s) in state. At most one such line per {} s.",
                        subtask, pending, ttlMillis, Instant.ofEpochMilli(watermark), keysInState,
                        LOG_INTERVAL_MILLIS / 1000);
                pending = 0;
                lastLogNanos = now;
                logged = true;
            }
        }

        /** Expiry timers fired at the end of time: said once per subtask. */
        void deferred() {
            if (!deferLogged) {
                deferLogged = true;
                log.info("Forecast subtask {}: the watermark reached the end of time (the input ended or was drained); "
                        + "no key is expired by it, their expiry timers are armed again", subtask);
            }
        }
    }
}
