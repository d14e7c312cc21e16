package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.Event;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.streamcast.jobs.forecast.ForecastFunctionTest.config;
import static io.streamcast.jobs.forecast.ForecastFunctionTest.feed;
import static io.streamcast.jobs.forecast.ForecastFunctionTest.harness;
import static io.streamcast.jobs.forecast.ForecastFunctionTest.stateOf;
import static io.streamcast.jobs.forecast.TestModels.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: state expiry only in the events' event time; {@code keysInState} exact and never negative. */
class StateExpiryTest {

    static final ModelBundle MODEL = ForecastFunctionTest.MODEL;
    static final long HOUR = Duration.ofHours(1).toMillis();

    @Test
    void theRuleExpiresAfterTheTtlAndNeverAtTheEndOfTime() {
        assertThat(StateExpiry.decide(T0, HOUR, T0 + HOUR, T0 + HOUR)).isEqualTo(StateExpiry.Decision.EXPIRE);
        assertThat(StateExpiry.decide(T0, HOUR, T0 + HOUR - 1, T0 + 2 * HOUR)).isEqualTo(StateExpiry.Decision.REARM);
        assertThat(StateExpiry.decide(T0, HOUR, T0 + HOUR, Long.MAX_VALUE)).isEqualTo(StateExpiry.Decision.DEFER);
        assertThat(StateExpiry.decide(Long.MAX_VALUE - 5, HOUR, Long.MAX_VALUE - 1, Long.MAX_VALUE - 1))
                .as("no overflow").isEqualTo(StateExpiry.Decision.REARM);
    }

    @Test
    void aWatermarkAtTheEndOfTimeExpiresNoKeyAndTheRestoredJobStillExpiresIt() throws Exception {
        ForecastJobConfig cfg = config(Map.of("streamcast.state.ttl", "1 h"));
        List<Event> a = TestModels.series("a", 5, 10.0, 4);
        long last = a.get(4).getTimestampMillis();
        OperatorSubtaskState snapshot;
        try (var h = harness(MODEL, cfg)) {
            h.open();
            feed(h, a);
            // what an idle events input did with the model-control input's Long.MAX_VALUE, and what the end of a
            // bounded input or stop --drain does
            h.watermark(Long.MAX_VALUE);
            assertThat(stateOf(h, "a")).as("the end of time is not the stream's event time: the key is kept").isNotNull();
            assertThat(keysInState(h)).isEqualTo(1);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(MODEL, cfg)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(keysInState(h)).as("counted from the restored state").isEqualTo(1);
            h.setProcessingTime(Long.MAX_VALUE / 2); // the deferred re-arm
            h.watermark(last + HOUR - 1);
            assertThat(stateOf(h, "a")).isNotNull();
            h.watermark(last + HOUR + Duration.ofMinutes(8).toMillis());
            assertThat(stateOf(h, "a")).as("expired by the re-armed timer once event time passes the TTL").isNull();
            assertThat(keysInState(h)).isZero();
        }
    }

    @Test
    void keysInStateCountsTheRestoredKeysAndNeverGoesNegative() throws Exception {
        ForecastJobConfig cfg = config(Map.of("streamcast.state.ttl", "1 h"));
        OperatorSubtaskState snapshot;
        try (var h = harness(MODEL, cfg)) {
            h.open();
            for (int k = 0; k < 3; k++) {
                feed(h, TestModels.series("k" + k, 4, 10.0, k));
            }
            assertThat(keysInState(h)).isEqualTo(3);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(MODEL, cfg)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(keysInState(h)).isEqualTo(3);
            feed(h, List.of(new Event("fresh", T0 + 3 * HOUR, 1.0)));
            assertThat(keysInState(h)).isEqualTo(4);
            h.watermark(T0 + 2 * HOUR); // the three restored keys (last event at T0 + 15 min) expire
            assertThat(keysInState(h)).as("restored keys expired: 1, not 1 - 3").isEqualTo(1);
            assertThat(keysExpired(h)).isEqualTo(3);
            h.watermark(T0 + 5 * HOUR);
            assertThat(keysInState(h)).isZero();
            assertThat(keysExpired(h)).isEqualTo(4);
        }
    }

    static long keysInState(ForecastFunctionTest.Harness h) {
        return function(h).keysInState();
    }

    static long keysExpired(ForecastFunctionTest.Harness h) {
        return function(h).keysExpiredCount();
    }

    static ForecastFunction function(ForecastFunctionTest.Harness h) {
        return (ForecastFunction) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction();
    }

}
