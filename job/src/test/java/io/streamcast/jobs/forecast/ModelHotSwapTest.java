package io.streamcast.jobs.forecast;

import io.streamcast.model.core.series.SeriesState;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ActiveModel;
import io.streamcast.jobs.control.ActiveModelSerializer;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlError;
import io.streamcast.jobs.control.ModelControlOptions;
import io.streamcast.jobs.control.ModelRefusal;
import io.streamcast.jobs.control.ModelSwapPolicy;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.streamcast.jobs.forecast.ForecastFunctionTest.assertForecastsEqual;
import static io.streamcast.jobs.forecast.ForecastFunctionTest.feed;
import static io.streamcast.jobs.forecast.ForecastFunctionTest.harness;
import static io.streamcast.jobs.forecast.StateCompatibilityTest.GOLDEN_DIR;
import static io.streamcast.jobs.forecast.StateCompatibilityTest.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model hot-swap in the forecast operator: a swap mid-stream (state kept with the same architecture, reset
 * with another or by policy), refused artifacts (the old model stays), the active model restored from the
 * broadcast state, and the golden files of that state.
 */
class ModelHotSwapTest {

    static final ModelBundle A = TestModels.bundle();
    static final String B_VERSION = "test-lstm-h8-v2";
    static final byte[] B_BYTES = TestModels.artifactBytes(8, 12L, B_VERSION);
    static final ModelBundle B = ModelBundle.fromBytes(B_BYTES, B_VERSION);
    static final String WIDE_VERSION = "test-lstm-h16-v1";
    static final byte[] WIDE_BYTES = TestModels.artifactBytes(16, 13L, WIDE_VERSION);
    static final ModelBundle WIDE = ModelBundle.fromBytes(WIDE_BYTES, WIDE_VERSION);
    /** Same sizes of key state as A (8 units, horizon 4), another architecture (the value alone as input). */
    static final String VALUE_ONLY_VERSION = "test-lstm-h8-value-only-v1";
    static final byte[] VALUE_ONLY_BYTES = TestModels.artifactBytes(8, 14L, VALUE_ONLY_VERSION,
            io.streamcast.model.core.feature.FeatureSpec.VALUE_ONLY);
    static final ModelBundle VALUE_ONLY = ModelBundle.fromBytes(VALUE_ONLY_BYTES, VALUE_ONLY_VERSION);

    static final String ACTIVE_MODEL_V1 = "active-model-v1.bin";
    static final String OPERATOR_SNAPSHOT_SWAPPED_V2 = "forecast-operator-swapped-v2.snapshot";

    @TempDir
    Path dir;

    ModelUpdate publish(String version, byte[] bytes) throws Exception {
        Path file = dir.resolve(version + ".scm");
        Files.write(file, bytes);
        return new ModelUpdate(version, file.toString(), ModelArtifactReader.sha256(bytes));
    }

    static List<ModelControlError> errors(ForecastFunctionTest.Harness h) {
        return h.getSideOutput(ModelControl.ERRORS) == null ? List.of()
                : h.getSideOutput(ModelControl.ERRORS).stream().map(StreamRecord::getValue).toList();
    }

    static List<ForecastRecord> ofKey(List<ForecastRecord> out, String key) {
        return out.stream().filter(r -> r.getKey().equals(key)).toList();
    }

    @Test
    void aSwapMidStreamKeepsEachKeysStateWhenTheArchitectureIsTheSame() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 1);
        List<Event> b = TestModels.series("b", 60, 900.0, 2);
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 30));
            feed(h, b.subList(0, 20));
            h.processBroadcastElement(publish(B_VERSION, B_BYTES), 0L);
            feed(h, a.subList(30, 60));
            feed(h, b.subList(20, 60));

            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(120);
            assertThat(errors(h)).isEmpty();
            List<ForecastRecord> ka = ofKey(out, "a");
            List<ForecastRecord> kb = ofKey(out, "b");
            assertThat(ka).extracting(ForecastRecord::getModelVersion)
                    .containsExactlyElementsOf(versions(30, TestModels.VERSION, 30, B_VERSION));
            assertThat(kb).extracting(ForecastRecord::getModelVersion)
                    .containsExactlyElementsOf(versions(20, TestModels.VERSION, 40, B_VERSION));
            assertForecastsEqual(ka, TestModels.referenceForecasts(List.of(A, B), new int[] {0, 30}, true, a));
            assertForecastsEqual(kb, TestModels.referenceForecasts(List.of(A, B), new int[] {0, 20}, true, b));
            // and not what a fresh state would give
            assertThat(ka.get(30).getForecast()).isNotEqualTo(
                    TestModels.referenceForecasts(List.of(A, B), new int[] {0, 30}, false, a).get(30));

            assertThat(h.getBroadcastState(ModelControl.ACTIVE_MODEL).get(ModelControl.ACTIVE_KEY))
                    .isEqualTo(new ActiveModel(publish(B_VERSION, B_BYTES), B_BYTES));
            assertThat(ForecastFunctionTest.stateOf(h, "a").modelTag).isEqualTo(B_VERSION.hashCode());
        }
    }

    @Test
    void aSwapToAnotherArchitectureStartsEachKeysRecurrentStateAfresh() throws Exception {
        List<Event> a = TestModels.series("a", 50, 50.0, 3);
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 25));
            h.processBroadcastElement(publish(WIDE_VERSION, WIDE_BYTES), 0L);
            feed(h, a.subList(25, 50));
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(50);
            assertForecastsEqual(out, TestModels.referenceForecasts(List.of(A, WIDE), new int[] {0, 25}, false, a));
            assertThat(ForecastFunctionTest.stateOf(h, "a").recurrent).hasSize(32);
            assertThat(ForecastFunctionTest.stateOf(h, "a").scalerCount).as("the series' scaler continues").isEqualTo(50);
        }
    }

    @Test
    void aKeyNotSeenSinceASwapIsJudgedByItsModelsArchitectureFromTheRestoredLineage() throws Exception {
        // key a is written by A, then B (same sizes, other architecture) goes into service and the operator is
        // restored before a's next event: a's state names only model A, whose architecture the lineage keeps
        List<Event> a = TestModels.series("a", 50, 50.0, 7);
        List<Event> b = TestModels.series("b", 50, 80.0, 8);
        OperatorSubtaskState snapshot;
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 25));
            feed(h, b.subList(0, 25));
            h.processBroadcastElement(publish(VALUE_ONLY_VERSION, VALUE_ONLY_BYTES), 0L);
            feed(h, b.subList(25, 26));
            snapshot = h.snapshot(1L, 1L);
            assertThat(h.getBroadcastState(ModelControl.MODEL_LINEAGE).entries()).hasSize(2);
        }
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            SeriesState before = ForecastFunctionTest.stateOf(h, "a");
            assertThat(before.modelTag).isEqualTo(TestModels.VERSION.hashCode());
            assertThat(before.archTag).as("not in the key's state").isZero();
            assertThat(before.recurrent).hasSize(16);
            feed(h, a.subList(25, 50));
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(25).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(VALUE_ONLY_VERSION));
            // another architecture: the recurrent state starts afresh (with the sizes alone it would have been kept)
            List<float[]> afresh = TestModels.referenceForecasts(List.of(A, VALUE_ONLY), new int[] {0, 25}, false, a);
            assertForecastsEqual(out, afresh.subList(25, 50));
            assertThat(out.get(0).getForecast()).isNotEqualTo(
                    TestModels.referenceForecasts(List.of(A, VALUE_ONLY), new int[] {0, 25}, true, a).get(25));
        }
    }

    @Test
    void aKeyWhoseModelIsNotInTheLineageStartsAfreshEvenWithTheSameSizes() throws Exception {
        List<Event> a = TestModels.series("a", 40, 50.0, 9);
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 20));
            SeriesState s = ForecastFunctionTest.stateOf(h, "a");
            s.modelTag = 12345; // a model this operator never served, e.g. state restored without its broadcast state
            ForecastFunctionTest.putState(h, "a", s);
            feed(h, a.subList(20, 40));
            List<ForecastRecord> out = h.extractOutputValues();
            assertForecastsEqual(out.subList(20, 40),
                    TestModels.referenceForecasts(List.of(A, A), new int[] {0, 20}, false, a).subList(20, 40));
        }
    }

    @Test
    void layoutOneStateOfAModelNotInTheLineageIsKeptWhenItsSizesMatchAsThatReleaseDid() throws Exception {
        // the layout-1 golden (written by model A, no architecture recorded) restored into a job serving B, which has
        // A's sizes and architecture: without a record of A's architecture, the sizes decide, as in that release
        List<Event> a = TestModels.series("a", 60, 50.0, 21);
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                GOLDEN_DIR.resolve(StateCompatibilityTest.OPERATOR_SNAPSHOT_V1).toString());
        try (var h = harness(B, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, a.subList(30, 60));
            List<ForecastRecord> out = ofKey(h.extractOutputValues(), "a");
            assertThat(out).hasSize(30).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(B_VERSION));
            assertForecastsEqual(out, TestModels.referenceForecastsRestoredFromUncombinedState(List.of(A, B),
                    new int[] {0, 30}, true, a, 30).subList(30, 60));
        }
    }

    @Test
    void theResetPolicyStartsAfreshEvenWithTheSameArchitecture() throws Exception {
        List<Event> a = TestModels.series("a", 50, 50.0, 4);
        ModelControlConfig reset = ModelControlConfig.fromConfiguration(Configuration.fromMap(
                Map.of(ModelControlOptions.ON_SWAP.key(), ModelSwapPolicy.RESET.name())));
        try (var h = harness(A, ForecastJobConfig.defaults(), reset)) {
            h.open();
            feed(h, a.subList(0, 25));
            h.processBroadcastElement(publish(B_VERSION, B_BYTES), 0L);
            feed(h, a.subList(25, 50));
            assertForecastsEqual(h.extractOutputValues(),
                    TestModels.referenceForecasts(List.of(A, B), new int[] {0, 25}, false, a));
        }
    }

    @Test
    void aBadArtifactIsRefusedWithAnErrorRecordAndTheOldModelStaysInService() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 5);
        byte[] corrupted = B_BYTES.clone();
        corrupted[corrupted.length - 10] ^= 0x5A; // a weight's bits: only the artifact's own checksum can tell
        ModelUpdate wrongSha = publish(B_VERSION, B_BYTES);
        wrongSha.setSha256("0".repeat(64));
        ModelUpdate corrupt = publish("corrupt", corrupted);
        corrupt.setVersion(B_VERSION);
        ModelUpdate missing = new ModelUpdate(B_VERSION, dir.resolve("nowhere.scm").toString(), "a".repeat(64));
        ModelUpdate otherVersion = publish(B_VERSION, B_BYTES);
        otherVersion.setVersion("not-" + B_VERSION);
        ModelUpdate conflict = publish(TestModels.VERSION, B_BYTES);
        conflict.setVersion(TestModels.VERSION);
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 20));
            for (ModelUpdate bad : List.of(wrongSha, corrupt, missing, otherVersion, conflict)) {
                h.processBroadcastElement(bad, 0L);
            }
            feed(h, a.subList(20, 60));

            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(60).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION));
            assertForecastsEqual(out, TestModels.referenceForecasts(A, a));
            List<ModelControlError> errors = errors(h);
            assertThat(errors).extracting(ModelControlError::getReason).containsExactly(
                    ModelRefusal.SHA256_MISMATCH.code(), ModelRefusal.INVALID_ARTIFACT.code(),
                    ModelRefusal.UNREADABLE.code(), ModelRefusal.VERSION_MISMATCH.code(),
                    ModelRefusal.VERSION_CONFLICT.code());
            assertThat(errors).allSatisfy(e -> {
                assertThat(e.getActiveVersion()).isEqualTo(TestModels.VERSION);
                assertThat(e.getSubtask()).isZero();
            });
            assertThat(errors.get(0).getDetail()).contains(ModelArtifactReader.sha256(B_BYTES));
            assertThat(errors.get(1).getDetail()).containsIgnoringCase("checksum");
            assertThat(h.getBroadcastState(ModelControl.ACTIVE_MODEL).get(ModelControl.ACTIVE_KEY)).isNull();
        }
    }

    @Test
    void theActiveModelSurvivesARestoreEvenWhenItsFileIsGone() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 6);
        ModelUpdate toB = publish(B_VERSION, B_BYTES);
        OperatorSubtaskState snapshot;
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.open();
            feed(h, a.subList(0, 20));
            h.processBroadcastElement(toB, 0L);
            feed(h, a.subList(20, 40));
            snapshot = h.snapshot(1L, 1L);
        }
        Files.delete(Path.of(toB.getUri()));
        // the job is resubmitted with model A in its job graph: the restored active model B wins
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, a.subList(40, 60));
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(20).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(B_VERSION));
            assertForecastsEqual(out, TestModels.referenceForecasts(List.of(A, B), new int[] {0, 20}, true, a)
                    .subList(40, 60));
        }
    }

    @Test
    void theActiveModelStateLayoutV1IsReadAndWrittenIdentically() throws Exception {
        // the layout does not look into the artifact: fixed bytes keep this golden file independent of the artifact format
        byte[] artifact = new byte[3000];
        for (int i = 0; i < artifact.length; i++) {
            artifact[i] = (byte) (i * 31 + 7);
        }
        ActiveModel known = new ActiveModel(new ModelUpdate(B_VERSION, "/models/" + B_VERSION + ".scm",
                ModelArtifactReader.sha256(artifact)), artifact);
        DataOutputSerializer out = new DataOutputSerializer(4096);
        ActiveModelSerializer.INSTANCE.serialize(known, out);
        byte[] now = out.getCopyOfBuffer();
        Path golden = GOLDEN_DIR.resolve(ACTIVE_MODEL_V1);
        if (WRITE && !Files.exists(golden)) {
            Files.write(golden, now);
        }
        byte[] bytes = Files.readAllBytes(golden);
        assertThat(ActiveModelSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes))).isEqualTo(known);
        assertThat(now).as("this release writes layout version 1 byte for byte").isEqualTo(bytes);
    }

    /**
     * A golden snapshot of the operator after a hot swap (broadcast state with model B, keys in series-state
     * layout 2): it restores with B in service and each key continues exactly.
     */
    @Test
    void theGoldenSnapshotAfterASwapRestoresWithTheSwappedModel() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 21);
        List<Event> b = TestModels.series("b", 60, 0.5, 22);
        String golden = GOLDEN_DIR.resolve(OPERATOR_SNAPSHOT_SWAPPED_V2).toString();
        if (WRITE && !Files.exists(Path.of(golden))) {
            try (var h = harness(A, ForecastJobConfig.defaults())) {
                h.open();
                feed(h, a.subList(0, 15));
                feed(h, b.subList(0, 15));
                h.processBroadcastElement(publish(B_VERSION, B_BYTES), 0L);
                feed(h, a.subList(15, 30));
                feed(h, b.subList(15, 30));
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1L, 1L), golden);
            }
        }
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(golden);
        try (var h = harness(A, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.getBroadcastState(ModelControl.ACTIVE_MODEL).get(ModelControl.ACTIVE_KEY).version())
                    .isEqualTo(B_VERSION);
            List<Event> rest = new ArrayList<>(a.subList(30, 60));
            rest.addAll(b.subList(30, 60));
            feed(h, rest);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(B_VERSION));
            assertForecastsEqual(out.subList(0, 30),
                    TestModels.referenceForecastsRestoredFromUncombinedState(List.of(A, B), new int[] {0, 15}, true, a, 30)
                            .subList(30, 60));
            assertForecastsEqual(out.subList(30, 60),
                    TestModels.referenceForecastsRestoredFromUncombinedState(List.of(A, B), new int[] {0, 15}, true, b, 30)
                            .subList(30, 60));
        }
    }

    static List<String> versions(int n1, String v1, int n2, String v2) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n1; i++) {
            l.add(v1);
        }
        for (int i = 0; i < n2; i++) {
            l.add(v2);
        }
        return l;
    }
}
