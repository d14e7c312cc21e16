package io.streamcast.jobs.forecast;

import io.streamcast.model.core.series.SeriesState;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelUpdate;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.streamcast.jobs.forecast.TestModels.FIVE_MINUTES;
import static io.streamcast.jobs.forecast.TestModels.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The keyed forecast function in a test harness: outputs, state contents, timers, warm-up, out-of-order. */
class ForecastFunctionTest {

    /** The forecast operator in a keyed broadcast harness (keys are strings; max parallelism 1, one subtask). */
    static final class Harness extends KeyedBroadcastOperatorTestHarness<String, ParsedEvent, ModelUpdate, ForecastRecord> {
        Harness(ForecastFunction function) throws Exception {
            super(new CoBroadcastWithKeyedOperator<>(function, List.of(ModelControl.ACTIVE_MODEL, ModelControl.MODEL_LINEAGE)),
                    ForecastJob::keyOf, Types.STRING, 1, 1, 0);
        }

        /** Keyed state entries (as the one-input keyed harness counts them: heap backend entries). */
        int numKeyedStateEntries() {
            var backend = ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) getOperator()).getKeyedStateBackend();
            return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
        }
    }

    static final ModelBundle MODEL = TestModels.bundle();

    static ForecastJobConfig config(Map<String, String> settings) {
        return ForecastJobConfig.fromConfiguration(Configuration.fromMap(settings));
    }

    /** The forecast operator as the job builds it: keyed events in, model updates broadcast. */
    static Harness harness(ModelBundle model, ForecastJobConfig config) throws Exception {
        return harness(model, config, ModelControlConfig.defaults());
    }

    static Harness harness(ModelBundle model, ForecastJobConfig config, ModelControlConfig control) throws Exception {
        var h = new Harness(new ForecastFunction(model, config, control));
        h.setup();
        return h;
    }

    static void feed(Harness h, List<Event> events)
            throws Exception {
        long offset = 0;
        for (Event e : events) {
            h.processElement(new StreamRecord<>(TestModels.parsed(e, offset++), e.getTimestampMillis()));
        }
    }

    static void putState(Harness h, String key, SeriesState value) throws Exception {
        var op = (CoBroadcastWithKeyedOperator<?, ?, ?, ?>) h.getOperator();
        op.getKeyedStateBackend().setCurrentKey(key);
        ValueState<SeriesState> s = op.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(ForecastFunction.STATE_NAME, SeriesStateSerializer.INSTANCE));
        s.update(value);
    }

    static SeriesState stateOf(Harness h, String key) throws Exception {
        var op = (CoBroadcastWithKeyedOperator<?, ?, ?, ?>) h.getOperator();
        op.getKeyedStateBackend().setCurrentKey(key);
        ValueState<SeriesState> s = op.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(ForecastFunction.STATE_NAME, SeriesStateSerializer.INSTANCE));
        return s.value();
    }

    @Test
    void forecastsEqualSteppingTheModelDirectlyAndStateHoldsTheKeysProgress() throws Exception {
        List<Event> a = TestModels.series("a", 120, 50.0, 1);
        List<Event> b = TestModels.series("b", 80, 9000.0, 2);
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a);
            feed(h, b);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(200);
            assertForecastsEqual(out.subList(0, 120), TestModels.referenceForecasts(MODEL, a));
            assertForecastsEqual(out.subList(120, 200), TestModels.referenceForecasts(MODEL, b));
            assertThat(out).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION));

            SeriesState sa = stateOf(h, "a");
            assertThat(sa.lastTimestamp).isEqualTo(a.get(119).getTimestampMillis());
            assertThat(sa.scalerCount).isEqualTo(120);
            assertThat(sa.scalerMean).isCloseTo(a.stream().mapToDouble(Event::getValue).average().orElseThrow(), within(1e-9));
            assertThat(sa.recurrent).hasSize(16).isNotEqualTo(new float[16]);
            assertThat(sa.modelTag).isEqualTo(TestModels.VERSION.hashCode());
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        }
    }

    @Test
    void anEventNotNewerThanTheKeysLastIsDeadLetteredAndChangesNothing() throws Exception {
        List<Event> a = TestModels.series("a", 10, 50.0, 1);
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a);
            SeriesState before = stateOf(h, "a").copy();
            Event late = new Event("a", a.get(5).getTimestampMillis(), 51.0);
            Event duplicate = new Event("a", a.get(9).getTimestampMillis(), 52.0);
            h.processElement(new StreamRecord<>(TestModels.parsed(late, 100), late.getTimestampMillis()));
            h.processElement(new StreamRecord<>(TestModels.parsed(duplicate, 101), duplicate.getTimestampMillis()));

            assertThat(h.extractOutputValues()).hasSize(10);
            List<DeadLetter> dead = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(2).allSatisfy(d -> {
                assertThat(d.getReason()).isEqualTo(DeadLetterReason.OUT_OF_ORDER);
                assertThat(d.getTopic()).isEqualTo("events");
            });
            assertThat(dead.get(0).getOffset()).isEqualTo(100);
            assertThat(dead.get(0).getRaw()).contains("\"key\":\"a\"").contains("51.0");
            assertThat(dead.get(0).getDetail()).contains(Long.toString(late.getTimestampMillis()));
            assertThat(stateOf(h, "a")).isEqualTo(before);
        }
    }

    @Test
    void noAnomalyIsFlaggedDuringWarmUpButASpatialAnomalyIsFlaggedAfterIt() throws Exception {
        ForecastJobConfig cfg = config(Map.of("streamcast.anomaly.warm-up-events", "40"));
        List<Event> events = new java.util.ArrayList<>(TestModels.series("a", 100, 50.0, 3));
        // far outside the range seen so far: a spatial anomaly whenever it is not suppressed
        events.set(20, new Event("a", events.get(20).getTimestampMillis(), 5_000.0));
        events.set(90, new Event("a", events.get(90).getTimestampMillis(), 50_000.0));
        try (var h = harness(MODEL, cfg)) {
            h.open();
            feed(h, events);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out.subList(0, 40)).noneMatch(ForecastRecord::isAnomaly);
            assertThat(out.get(90).isAnomaly()).isTrue();
            assertThat(out.get(90).getAnomalyScore()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aMissingDailyPeakInsideTheSeenRangeIsFlaggedOnceAndTheStateHoldsTheKeysDailyProfile() throws Exception {
        int day = 288;
        int onset = 10 * day;
        List<Event> events = new java.util.ArrayList<>(TestModels.series("a", 12 * day, 50.0, 5));
        // from the onset on the daily swing is gone: the level stays at the daily mean, inside the range seen so far
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(6);
        for (int t = onset; t < events.size(); t++) {
            events.set(t, new Event("a", events.get(t).getTimestampMillis(), 50.0 * (1 + 0.02 * (rnd.nextDouble() - 0.5))));
        }
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, events);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(events.size());
            List<Integer> flagged = new java.util.ArrayList<>();
            for (int t = 0; t < out.size(); t++) {
                ForecastRecord r = out.get(t);
                if (r.isAnomaly()) {
                    flagged.add(t);
                }
                assertThat(r.getAnomalyScore()).isBetween(0.0, 1.0);
                assertThat(r.isAnomaly()).isEqualTo(t >= 150 && r.getAnomalyScore() >= 0.5);
                assertThat(r.getResidualSurprise()).isBetween(0.0, 1.0);
                assertThat(r.getProfileSurprise()).isBetween(0.0, 1.0);
            }
            // the first day, while the seen range still grows, may flag values outside it; then nothing until the onset
            assertThat(flagged.stream().filter(t -> t >= day && t < onset)).as("flags in the clean days").isEmpty();
            assertThat(flagged.stream().filter(t -> t >= onset)).as("one flag, within 40 events of the onset")
                    .hasSize(1).allSatisfy(t -> assertThat(t).isBetween(onset, onset + 40));

            SeriesState s = stateOf(h, "a");
            assertThat(s.layout).isEqualTo(SeriesState.LAYOUT);
            int horizon = out.get(0).horizon();
            assertThat(s.stats).hasSize(io.streamcast.model.core.anomaly.AnomalyScorer.STATE_SIZE
                    + io.streamcast.model.core.anomaly.PredictionIntervals.stateSize(horizon)
                    + io.streamcast.model.core.PersistenceBlend.STATE_SIZE
                    + io.streamcast.model.core.ProfileCandidate.STATE_SIZE);
            for (int slot = 0; slot < io.streamcast.model.core.anomaly.AnomalyScorer.PROFILE_SLOTS; slot++) {
                double m = io.streamcast.model.core.anomaly.AnomalyScorer.profileMean(s.stats, 0, slot);
                assertThat(m).as("the mean of half hour %d (every one has a mean)", slot).isBetween(30.0, 70.0);
            }
        }
    }

    @Test
    void anIdleKeysStateIsClearedByItsTimerAfterTheTtl() throws Exception {
        ForecastJobConfig cfg = config(Map.of("streamcast.state.ttl", "1 h"));
        try (var h = harness(MODEL, cfg)) {
            h.open();
            feed(h, TestModels.series("idle", 5, 10.0, 4));
            feed(h, List.of(new Event("busy", T0, 1.0)));
            long lastIdle = T0 + 4 * FIVE_MINUTES;
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            h.processElement(new StreamRecord<>(TestModels.parsed(new Event("busy", lastIdle + Duration.ofMinutes(50).toMillis(), 2.0), 9)));
            h.watermark(lastIdle + Duration.ofMinutes(59).toMillis());
            assertThat(h.numKeyedStateEntries()).as("nothing expired before the TTL").isEqualTo(2);

            h.watermark(lastIdle + Duration.ofMinutes(60 + 8).toMillis());
            assertThat(h.numKeyedStateEntries()).as("only the idle key expired").isEqualTo(1);
            assertThat(stateOf(h, "idle")).isNull();
            assertThat(stateOf(h, "busy")).isNotNull();
        }
    }

    @Test
    void aKeyHoldsOneExpiryTimerWhateverGridPointsItsEventsMapToAndStillExpires() throws Exception {
        // TTL 1 h: expiry timers on a 7.5-minute grid; events one minute apart mostly map to the grid point of the
        // event before them, whose registration is skipped
        ForecastJobConfig cfg = config(Map.of("streamcast.state.ttl", "1 h"));
        long minute = Duration.ofMinutes(1).toMillis();
        try (var h = harness(MODEL, cfg)) {
            h.open();
            List<Event> events = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(new Event("k", T0 + i * minute, 10.0 + i));
            }
            feed(h, events);
            long last = T0 + 19 * minute;
            long lastExpiry = T0 + Duration.ofMinutes(60 + 22).toMillis() + Duration.ofSeconds(30).toMillis(); // ceil to 7.5 min
            // the events' grid points (T0+60..79 min -> 60, 67.5, 75, 82.5): each replaces the one before, so the key
            // holds one timer (it held four, one per grid point, about 140 bytes a key in a checkpoint at a week's TTL)
            assertThat(h.numEventTimeTimers()).as("one expiry timer per key, the newest grid point's").isEqualTo(1);
            assertThat(h.extractOutputValues()).hasSize(20);

            h.watermark(last + Duration.ofMinutes(60).toMillis() - 1);
            assertThat(stateOf(h, "k")).as("nothing expired before the TTL of the last event").isNotNull();
            h.watermark(lastExpiry - 1);
            assertThat(stateOf(h, "k")).isNotNull();
            h.watermark(lastExpiry);
            assertThat(stateOf(h, "k")).as("expired at the grid point after the last event's TTL").isNull();
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateRestoredUnderALongerTtlIsStillExpiredWhenLaterEventsSkipTheirTimer() throws Exception {
        long minute = Duration.ofMinutes(1).toMillis();
        OperatorSubtaskState snapshot;
        try (var h = harness(MODEL, config(Map.of("streamcast.state.ttl", "1 h")))) {
            h.open();
            feed(h, List.of(new Event("k", T0 + minute, 1.0), new Event("k", T0 + 2 * minute, 2.0)));
            snapshot = h.snapshot(1L, 1L);
        }
        // TTL 2 h: grid of 15 min. The next event's expiry (T0 + 2 h 3 min -> T0 + 2 h 15 min) is the grid point of
        // the previous one under the new TTL, so it registers nothing; only the 1 h timer restored with the state exists
        try (var h = harness(MODEL, config(Map.of("streamcast.state.ttl", "2 h")))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(TestModels.parsed(new Event("k", T0 + 3 * minute, 3.0), 2), T0 + 3 * minute));
            h.watermark(T0 + Duration.ofMinutes(60 + 8).toMillis());
            assertThat(stateOf(h, "k")).as("the restored 1 h timer fired but the key is live under the 2 h TTL").isNotNull();
            h.watermark(T0 + Duration.ofMinutes(120 + 3).toMillis() - 1);
            assertThat(stateOf(h, "k")).isNotNull();
            h.watermark(T0 + Duration.ofMinutes(120 + 15).toMillis());
            assertThat(stateOf(h, "k")).as("re-armed by the fired timer, expired under the new TTL").isNull();
        }
    }

    @Test
    void stateSnapshotRestoresIntoANewInstanceAndTheKeyContinuesExactly() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 5);
        List<float[]> reference = TestModels.referenceForecasts(MODEL, a);
        OperatorSubtaskState snapshot;
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 30));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, a.subList(30, 60));
            assertForecastsEqual(h.extractOutputValues(), reference.subList(30, 60));
        }
    }

    @Test
    void aKeyWithASeasonRestoresFromASnapshotAndContinuesExactly() throws Exception {
        List<Event> a = TestModels.hourlySeries("a", 150, 50.0, 6);
        List<float[]> reference = TestModels.referenceForecasts(MODEL, a);
        OperatorSubtaskState snapshot;
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 75));
            assertThat(stateOf(h, "a").stats.length).as("the per-horizon combination's block is in the state")
                    .isGreaterThan(8 + io.streamcast.model.core.anomaly.PredictionIntervals.stateSize(4) + 4);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(MODEL, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, a.subList(75, 150));
            assertForecastsEqual(h.extractOutputValues(), reference.subList(75, 150));
        }
    }

    static void assertForecastsEqual(List<ForecastRecord> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).getForecast()).as("forecast %d of key %s", i, actual.get(i).getKey())
                    .containsExactly(expected.get(i));
        }
    }
}
