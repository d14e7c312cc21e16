package io.streamcast.connectors.event;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTimeBoundsTest {

    static final long NOW = Instant.parse("2026-12-07T00:00:00Z").toEpochMilli();
    static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void theDefaultsRefuseEventsBefore2000AndMoreThanADayAhead() {
        EventTimeBounds b = EventTimeBounds.defaults();
        assertThat(b.violation(NOW, NOW)).isNull();
        assertThat(b.violation(NOW + DAY, NOW)).isNull();
        assertThat(b.violation(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli(), NOW)).isNull();
        assertThat(b.violation(NOW + DAY + 1, NOW)).contains("streamcast.event-time.max-ahead = PT24H");
        assertThat(b.violation(Instant.parse("9999-01-01T00:00:00Z").toEpochMilli(), NOW))
                .contains("9999-01-01T00:00:00Z").contains("max-ahead");
        assertThat(b.violation(0, NOW)).contains("before the floor streamcast.event-time.min = 2000-01-01T00:00:00Z");
        assertThat(b.violation(Long.MIN_VALUE, NOW)).contains("before the floor");
        assertThat(b.violation(Long.MAX_VALUE, NOW)).contains("max-ahead");
    }

    @Test
    void theCheckerReadsTheClockOnlyPastItsLimitAndAgreesWithTheRule() {
        EventTimeBounds b = new EventTimeBounds(Instant.parse("2020-01-01T00:00:00Z"), Duration.ofHours(1));
        EventTimeBounds.Checker c = b.checker();
        long now = System.currentTimeMillis();
        assertThat(c.check(now)).isNull();
        assertThat(c.check(now - DAY)).isNull();
        assertThat(c.check(now + 2 * Duration.ofHours(1).toMillis())).contains("max-ahead = PT1H");
        assertThat(c.check(Instant.parse("2019-12-31T23:59:59Z").toEpochMilli())).contains("2020-01-01T00:00:00Z");
        assertThat(new EventTimeBounds(Instant.EPOCH, Duration.ofDays(36500000)).violation(NOW, NOW)).as("no overflow").isNull();
    }

    @Test
    void aNegativeMaxAheadIsRefused() {
        assertThatThrownBy(() -> new EventTimeBounds(Instant.EPOCH, Duration.ofSeconds(-1)))
                .hasMessageContaining("streamcast.event-time.max-ahead");
    }
}
