package io.streamcast.learner.core;

import java.time.Duration;

/**
 * When the next round runs: after {@code everyEvents} events or {@code everyEventTime} of event time since the last
 * round (whichever comes first), and never before the sample holds {@code minPoints}. Event time is the largest
 * timestamp seen, so a late event does not move it back. The first round's clock starts at the first event.
 */
public final class RetrainSchedule {
    private final long everyEvents;
    private final long everyMillis;
    private final long minPoints;
    private long eventsSinceRound;
    private long lastRoundTime = Long.MIN_VALUE;
    private long eventTime = Long.MIN_VALUE;

    public RetrainSchedule(long everyEvents, Duration everyEventTime, long minPoints) {
        this.everyEvents = everyEvents;
        this.everyMillis = everyEventTime == null ? 0 : everyEventTime.toMillis();
        this.minPoints = minPoints;
    }

    public static RetrainSchedule of(LearnerConfig c) {
        return new RetrainSchedule(c.everyEvents(), c.everyEventTime(), c.minPoints());
    }

    /** Counts one event at {@code timestamp}. */
    public void observe(long timestamp) {
        eventsSinceRound++;
        eventTime = Math.max(eventTime, timestamp);
        if (lastRoundTime == Long.MIN_VALUE) {
            lastRoundTime = timestamp;
        }
    }

    /** Whether a round is due now, the sample holding {@code samplePoints}. */
    public boolean due(long samplePoints) {
        if (samplePoints < minPoints || lastRoundTime == Long.MIN_VALUE) {
            return false;
        }
        return (everyEvents > 0 && eventsSinceRound >= everyEvents)
                || (everyMillis > 0 && eventTime - lastRoundTime >= everyMillis);
    }

    /** Restarts the counts after a round at the current event time. */
    public void roundRan() {
        eventsSinceRound = 0;
        lastRoundTime = eventTime;
    }

    /** The largest event time seen (Long.MIN_VALUE before any event). */
    public long eventTime() {
        return eventTime;
    }

    public long eventsSinceRound() {
        return eventsSinceRound;
    }

    public long lastRoundTime() {
        return lastRoundTime;
    }

    /** Restores counts written by a checkpoint. */
    public void restore(long eventsSinceRound, long lastRoundTime, long eventTime) {
        this.eventsSinceRound = eventsSinceRound;
        this.lastRoundTime = lastRoundTime;
        this.eventTime = eventTime;
    }
}
