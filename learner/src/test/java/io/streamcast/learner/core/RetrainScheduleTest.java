package io.streamcast.learner.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetrainScheduleTest {

    @Test
    void dueAfterNEvents() {
        RetrainSchedule s = new RetrainSchedule(3, null, 0);
        s.observe(1);
        s.observe(2);
        assertThat(s.due(100)).isFalse();
        s.observe(3);
        assertThat(s.due(100)).isTrue();
        s.roundRan();
        assertThat(s.due(100)).isFalse();
    }

    @Test
    void dueAfterEventTimeAndNotMovedBackByLateEvents() {
        RetrainSchedule s = new RetrainSchedule(0, Duration.ofMillis(100), 0);
        s.observe(1_000);
        s.observe(1_050);
        s.observe(900); // late
        assertThat(s.due(10)).isFalse();
        s.observe(1_100);
        assertThat(s.due(10)).isTrue();
        s.roundRan();
        assertThat(s.lastRoundTime()).isEqualTo(1_100);
        s.observe(1_150);
        assertThat(s.due(10)).isFalse();
    }

    @Test
    void noClockReadingCountsTheEventButStartsNoClock() {
        RetrainSchedule s = new RetrainSchedule(0, Duration.ofMillis(100), 0);
        s.observe(Long.MIN_VALUE); // no watermark yet
        assertThat(s.eventsSinceRound()).isEqualTo(1);
        assertThat(s.due(10)).isFalse();
        s.observe(1_000);
        s.observe(1_099);
        assertThat(s.due(10)).isFalse();
        s.observe(1_100);
        assertThat(s.due(10)).isTrue();
    }

    @Test
    void theClockMovesWithoutAnEventAndNeverBack() {
        RetrainSchedule s = new RetrainSchedule(0, Duration.ofMillis(100), 0);
        s.observe(1_000);
        s.advance(1_099);
        assertThat(s.eventsSinceRound()).isEqualTo(1);
        assertThat(s.due(10)).isFalse();
        s.advance(Long.MIN_VALUE);
        s.advance(500);
        assertThat(s.eventTime()).isEqualTo(1_099);
        s.advance(1_100);
        assertThat(s.due(10)).isTrue();
        assertThat(s.eventsSinceRound()).isEqualTo(1);
    }

    @Test
    void neverBeforeTheSampleHoldsEnough() {
        RetrainSchedule s = new RetrainSchedule(1, null, 50);
        s.observe(1);
        assertThat(s.due(49)).isFalse();
        assertThat(s.due(50)).isTrue();
    }
}
