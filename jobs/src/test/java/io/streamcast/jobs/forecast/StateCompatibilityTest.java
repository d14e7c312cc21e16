package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State written by a release must be read by the next. Golden files in {@code src/test/resources/golden}:
 * <ul>
 *   <li>{@code series-state-v1.bin}: a {@link SeriesState} in layout version 1 (read, no longer written);
 *   <li>{@code series-state-v2.bin}: the same with an architecture tag, layout version 2 (written by this release);
 *   <li>{@code forecast-operator-v1.snapshot}: the forecast operator's state after 30 events of two keys, written
 *       when the operator was a one-input {@code KeyedProcessOperator}; it restores into today's keyed broadcast
 *       operator because keyed state ({@code series-state}) and timers ({@code user-timers}) keep their names
 *       under uid {@code forecast}.
 * </ul>
 * The model-control state (broadcast state {@code active-model}) has its own golden files, see
 * {@code ModelHotSwapTest}; a savepoint of the whole job ({@code job-savepoint-v1}) is restored by
 * {@code JobSavepointRestoreITCase}. Golden files of a released layout are never regenerated: the v1 tests here have no
 * writing path; new ones are written once with {@code -Dstreamcast.golden.write=true}.
 */
class StateCompatibilityTest {

    static final Path GOLDEN_DIR = Path.of("src/test/resources/golden");
    static final String SERIES_STATE_V1 = "series-state-v1.bin";
    static final String SERIES_STATE_V2 = "series-state-v2.bin";
    static final String OPERATOR_SNAPSHOT_V1 = "forecast-operator-v1.snapshot";
    static final boolean WRITE = Boolean.getBoolean("streamcast.golden.write");

    static SeriesState knownState() {
        SeriesState s = new SeriesState(new float[] {0.25f, -0.5f, 1.5f, -2.0f}, new float[] {1f, Float.NaN, 3.5f});
        s.lastTimestamp = 1767571200000L;
        s.modelTag = 42;
        s.scalerCount = 7;
        s.scalerMean = 12.5;
        s.scalerM2 = 3.25;
        return s;
    }

    static SeriesState knownStateV2() {
        SeriesState s = knownState();
        s.archTag = -123456789;
        return s;
    }

    @Test
    void seriesStateLayoutV1IsStillReadWithAnUnknownArchitecture() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V1));
        assertThat(bytes.length).isEqualTo(41 + 4 * (4 + 3));
        assertThat(bytes[0]).isEqualTo((byte) 1);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownState());
        assertThat(read.archTag).as("unknown architecture").isZero();
    }

    @Test
    void seriesStateLayoutV2IsReadAndWrittenIdentically() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(knownStateV2(), out);
        byte[] now = out.getCopyOfBuffer();
        Path golden = GOLDEN_DIR.resolve(SERIES_STATE_V2);
        if (WRITE && !Files.exists(golden)) {
            Files.createDirectories(GOLDEN_DIR);
            Files.write(golden, now);
        }
        byte[] bytes = Files.readAllBytes(golden);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV2());
        assertThat(now).as("this release writes layout version 2 byte for byte").isEqualTo(bytes);
        assertThat(bytes.length).isEqualTo(45 + 4 * (4 + 3));
    }

    @Test
    void aVersion1RecordIsRewrittenAsVersion2WithTheSameContent() throws IOException {
        byte[] v1 = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V1));
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.copy(new DataInputDeserializer(v1), out);
        byte[] copied = out.getCopyOfBuffer();
        assertThat(copied[0]).isEqualTo((byte) 2);
        assertThat(SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(copied))).isEqualTo(knownState());
    }

    @Test
    void anUnknownLayoutVersionIsRefusedWithAMessage() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(knownState(), out);
        byte[] bytes = out.getCopyOfBuffer();
        bytes[0] = 9;
        assertThatThrownBy(() -> SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("layout version 9 is not supported");
    }

    @Test
    void theGoldenOperatorSnapshotRestoresAndEveryKeyContinuesExactly() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 21);
        List<Event> b = TestModels.series("b", 60, 0.5, 22);
        String golden = GOLDEN_DIR.resolve(OPERATOR_SNAPSHOT_V1).toString();
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(golden);
        try (var h = ForecastFunctionTest.harness(ForecastFunctionTest.MODEL, ForecastJobConfig.defaults())) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            List<Event> rest = new ArrayList<>(a.subList(30, 60));
            rest.addAll(b.subList(30, 60));
            ForecastFunctionTest.feed(h, rest);
            List<ForecastRecord> out = h.extractOutputValues();
            ForecastFunctionTest.assertForecastsEqual(out.subList(0, 30),
                    TestModels.referenceForecasts(ForecastFunctionTest.MODEL, a).subList(30, 60));
            ForecastFunctionTest.assertForecastsEqual(out.subList(30, 60),
                    TestModels.referenceForecasts(ForecastFunctionTest.MODEL, b).subList(30, 60));
            SeriesState restored = ForecastFunctionTest.stateOf(h, "a");
            assertThat(restored.scalerCount).isEqualTo(60);
            assertThat(restored.archTag).as("learnt from the model that wrote it").isNotZero();
            assertThat(out).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION));
        }
    }
}
