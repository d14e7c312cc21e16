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
 * State written by this release must be read by the next. Golden files in {@code src/test/resources/golden}:
 * a serialized {@link SeriesState} (layout version 1) and a snapshot of the forecast operator's state after
 * 30 events of two keys. They were written once with {@code -Dstreamcast.golden.write=true}; never regenerate
 * them for a released layout: add a new version beside them instead.
 */
class StateCompatibilityTest {

    static final Path GOLDEN_DIR = Path.of("src/test/resources/golden");
    static final String SERIES_STATE_V1 = "series-state-v1.bin";
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

    @Test
    void seriesStateLayoutV1IsReadAndWrittenIdentically() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(knownState(), out);
        byte[] now = out.getCopyOfBuffer();
        Path golden = GOLDEN_DIR.resolve(SERIES_STATE_V1);
        if (WRITE) {
            Files.createDirectories(GOLDEN_DIR);
            Files.write(golden, now);
        }
        byte[] bytes = Files.readAllBytes(golden);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownState());
        assertThat(now).as("this release writes layout version 1 byte for byte").isEqualTo(bytes);
        assertThat(bytes.length).isEqualTo(41 + 4 * (4 + 3));
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
        if (WRITE) {
            Files.createDirectories(GOLDEN_DIR);
            try (var h = ForecastFunctionTest.harness(ForecastFunctionTest.MODEL, ForecastJobConfig.defaults())) {
                h.open();
                ForecastFunctionTest.feed(h, a.subList(0, 30));
                ForecastFunctionTest.feed(h, b.subList(0, 30));
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1L, 1L), golden);
            }
        }
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
        }
    }
}
