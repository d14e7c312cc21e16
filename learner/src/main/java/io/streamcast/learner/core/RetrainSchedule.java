package io.streamcast.learner.core;

import java.time.Duration;

/**
 * When the next round runs: after {@code everyEvents} events or {@code everyEventTime} of event time since the last
 * round (whichever comes first), and never before the sample holds {@code minPoints}. The clock is event time as
 * the caller gives it: the largest timestamp seen (a late event does not move it back), or, in a stream read from
 * several partitions, the watermark (so one partition running ahead does not start a round the others have not
 * reached). The first round's clock starts at the first valid clock reading.
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

    /** Counts one event, the clock reading {@code clock} (Long.MIN_VALUE: no reading yet, e.g. no watermark). */
    public void observe(long clock) {
        eventsSinceRound++;
        advance(clock);
    }

    /**
     * Moves the clock to {@code clock} without an event (the watermark passing after the last event; Long.MIN_VALUE:
     * no reading, nothing changes).
     */
    public void advance(long clock) {
        if (clock == Long.MIN_VALUE) {
            return;
        }
        eventTime = Math.max(eventTime, clock);
        if (lastRoundTime == Long.MIN_VALUE) {
            lastRoundTime = clock;
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
