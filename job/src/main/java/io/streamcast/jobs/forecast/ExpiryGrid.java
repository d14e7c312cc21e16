package io.streamcast.jobs.forecast;

import java.time.Duration;

/**
 * When a key with no events for the state TTL expires, and the event-time timer that expires it. Timers sit on a grid
 * of TTL/8 so that a busy key re-registers its timer rarely (every event would otherwise move it). Shared by the
 * DataStream forecast operator and the SQL function, which expire keys the same way. Flink-free.
 *
 * @param ttlMillis the state TTL in milliseconds
 * @param gridMillis the spacing of timer points: TTL/8, at least 1 ms
 */
public record ExpiryGrid(long ttlMillis, long gridMillis) {

    /** The grid of {@code ttl}. */
    public static ExpiryGrid of(Duration ttl) {
        long ttlMillis = ttl.toMillis();
        return new ExpiryGrid(ttlMillis, Math.max(1, ttlMillis / 8));
    }

    /** The first grid point at or after the expiry time of a key whose last event is at {@code lastTimestamp}. */
    public long timerFor(long lastTimestamp) {
        long expiry = lastTimestamp + ttlMillis;
        long rem = Math.floorMod(expiry, gridMillis);
        return rem == 0 ? expiry : expiry - rem + gridMillis;
    }

    /** Whether a key whose last event is at {@code lastTimestamp} has had none for the TTL at event time {@code time}. */
    public boolean expired(long lastTimestamp, long time) {
        return expired(lastTimestamp, ttlMillis, time);
    }

    /** {@link #expired(long, long)} for a TTL of {@code ttlMillis} (an expiry beyond the end of time never comes). */
    static boolean expired(long lastTimestamp, long ttlMillis, long time) {
        long expiry = lastTimestamp > Long.MAX_VALUE - ttlMillis ? Long.MAX_VALUE : lastTimestamp + ttlMillis;
        return expiry <= time;
    }
}
