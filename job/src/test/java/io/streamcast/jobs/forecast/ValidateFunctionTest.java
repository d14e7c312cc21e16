package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12: event time bounded relative to the wall clock and below by a floor; refused events are dead letters. */
class ValidateFunctionTest {

    @Test
    void eventsDatedFarAheadOrBeforeTheFloorAreDeadLetteredAsBadTimestampAndTheKeyIsNotStalled() throws Exception {
        ForecastJobConfig c = ForecastJobConfig.defaults();
        long now = System.currentTimeMillis();
        long year9999 = Instant.parse("9999-06-01T00:00:00Z").toEpochMilli();
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ValidateFunction(c.eventTimeBounds())))) {
            h.open();
            h.processElement(new StreamRecord<>(ParsedEvent.valid(new Event("k", now - 1000, 1.0), "events", 0, 1L)));
            h.processElement(new StreamRecord<>(ParsedEvent.valid(new Event("k", year9999, 2.0), "events", 0, 2L)));
            h.processElement(new StreamRecord<>(ParsedEvent.valid(new Event("k", 0L, 3.0), "events", 0, 3L)));
            h.processElement(new StreamRecord<>(ParsedEvent.valid(new Event("k", now + Duration.ofHours(2).toMillis(), 4.0), "events", 0, 4L)));
            h.processElement(new StreamRecord<>(ParsedEvent.valid(new Event("k", now + Duration.ofDays(3).toMillis(), 5.0), "events", 0, 5L)));

            assertThat(h.extractOutputValues()).extracting(p -> p.getEvent().getValue()).containsExactly(1.0, 4.0);
            List<DeadLetter> dead = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(DeadLetter::getReason).containsOnly(DeadLetterReason.BAD_TIMESTAMP);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(2L, 3L, 5L);
            assertThat(dead.get(0).getDetail()).contains("9999-06-01T00:00:00Z").contains("streamcast.event-time.max-ahead = PT24H");
            assertThat(dead.get(1).getDetail()).contains("streamcast.event-time.min = 2000-01-01T00:00:00Z");
            assertThat(dead.get(0).getRaw()).contains("\"key\":\"k\"").contains(Long.toString(year9999));
        }
    }

    @Test
    void theBoundsAreOptions() {
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(Configuration.fromMap(Map.of(
                "streamcast.event-time.max-ahead", "1 h", "streamcast.event-time.min", "2020-01-01T00:00:00Z")));
        assertThat(c.eventTimeBounds().maxAhead()).isEqualTo(Duration.ofHours(1));
        assertThat(c.eventTimeBounds().min()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(ForecastJobConfig.fromConfiguration(Configuration.fromMap(Map.of("streamcast.event-time.min", "0")))
                .eventTimeMin()).isEqualTo(Instant.EPOCH);
        assertThatThrownBy(() -> ForecastJobConfig.fromConfiguration(Configuration.fromMap(Map.of("streamcast.event-time.min", "yesterday"))))
                .hasMessageContaining("streamcast.event-time.min");
    }
}
