package io.streamcast.jobs.forecast;

import io.streamcast.model.core.series.SeriesState;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlOptions;
import io.streamcast.jobs.control.ModelSwapPolicy;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.apache.flink.configuration.Configuration;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State written by a release must be read by the next. Golden files in {@code src/test/resources/golden}:
 * <ul>
 *   <li>{@code series-state-v1.bin}: a {@link SeriesState} in layout version 1 (read, no longer written);
 *   <li>{@code series-state-v2.bin}: the same with an architecture tag, layout version 2 (read, and written only
 *       for a key restored from it and not seen since);
 *   <li>{@code series-state-v3.bin}: the same in layout version 3, variable-length counts (read, and written only
 *       for a key restored from it and not seen since);
 *   <li>{@code series-state-v4.bin}: the same in layout version 4, variable-length time and the model's start
 *       (read, and written only for a key restored from it and not seen since);
 *   <li>{@code series-state-v5.bin}: the same in layout version 5, whose fields are version 4's; its stats may end
 *       with the per-horizon combination's block of a key with a season (read, and written only for a key restored
 *       from it and not seen since);
 *   <li>{@code series-state-v6.bin}: the same in layout version 6, whose fields are version 5's; its stats start
 *       with the anomaly scorer's daily profile (read, and written only for a key restored from it and not seen
 *       since);
 *   <li>{@code series-state-v7.bin}: layout version 7, the fields of version 6 with the
 *       recurrent state in half precision and the daily profile's codes in 16 bits: a state with a full anomaly
 *       scorer's stats, so that the codes are pinned too (read, and written only for a key restored from it and not
 *       seen since);
 *   <li>{@code series-state-v8.bin}: layout version 8, the record of version 7 (its stats' combination block has the
 *       weekly candidate, which the record does not see; read, and written only for a key restored from it and not
 *       seen since);
 *   <li>{@code series-state-v9.bin}: layout version 9 (written by this release): version 8's record with where the
 *       block of a week's ring starts in the stats, and that ring's older days and weekly naive's pending forecasts
 *       in 16-bit codes (the newest season floats, a slot not written yet, both extreme codes);
 *   <li>{@code forecast-operator-v1.snapshot}: the forecast operator's state after 30 events of two keys, written
 *       when the operator was a one-input {@code KeyedProcessOperator}; it restores into today's keyed broadcast
 *       operator because keyed state ({@code series-state}) and timers ({@code user-timers}) keep their names
 *       under uid {@code forecast}.
 *   <li>{@code forecast-operator-reset-v3.snapshot}: the operator's state written by the release with series state
 *       layout 3, policy {@code RESET}: key {@code a} took up model B afresh part-way (20 events under A, 15 under B),
 *       key {@code b} was last seen under A (20 events). Its counts and pending forecasts are what layout 4 derives.
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
    static final String SERIES_STATE_V3 = "series-state-v3.bin";
    static final String SERIES_STATE_V4 = "series-state-v4.bin";
    static final String SERIES_STATE_V5 = "series-state-v5.bin";
    static final String SERIES_STATE_V6 = "series-state-v6.bin";
    static final String SERIES_STATE_V7 = "series-state-v7.bin";
    static final String SERIES_STATE_V8 = "series-state-v8.bin";
    static final String SERIES_STATE_V9 = "series-state-v9.bin";
    static final String SERIES_STATE_V10 = "series-state-v10.bin";
    static final String OPERATOR_SNAPSHOT_V1 = "forecast-operator-v1.snapshot";
    static final String OPERATOR_SNAPSHOT_RESET_V3 = "forecast-operator-reset-v3.snapshot";
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

    /** As read from layout version 1: intervals of every horizon. */
    static SeriesState knownStateV1() {
        SeriesState s = knownState();
        s.layout = SeriesState.LAYOUT_1;
        return s;
    }

    static SeriesState knownStateV2() {
        SeriesState s = knownStateV1();
        s.layout = SeriesState.LAYOUT_2;
        s.archTag = -123456789;
        return s;
    }

    static SeriesState knownStateV3() {
        SeriesState s = knownState();
        s.archTag = -123456789;
        s.scalerCount = 300; // two bytes as a variable-length count
        s.layout = SeriesState.LAYOUT_3;
        return s;
    }

    static SeriesState knownStateV4() {
        SeriesState s = knownStateV5();
        s.layout = SeriesState.LAYOUT_4;
        return s;
    }

    static SeriesState knownStateV5() {
        SeriesState s = knownStateV6();
        s.layout = SeriesState.LAYOUT_5;
        return s;
    }

    static SeriesState knownStateV6() {
        SeriesState s = knownState();
        s.scalerCount = 300;
        s.modelSince = 200; // two bytes as well
        s.layout = SeriesState.LAYOUT_6;
        return s;
    }

    /**
     * Layout 7: half-precision recurrent state (including a subnormal half and a negative zero) and stats with the
     * scorer's profile codes (including an unseen slot and both extremes) between floats.
     */
    static SeriesState knownStateV7() {
        float[] recurrent = {0.25f, -0.5f, 1.5f, -2.0f, 0x1p-24f, -0f, 0.0999755859375f, 65504f};
        int n = io.streamcast.model.core.anomaly.AnomalyScorer.STATE_SIZE + 5;
        float[] stats = new float[n];
        for (int i = 0; i < n; i++) {
            stats[i] = i * 1.25f - 7f;
        }
        int p = io.streamcast.model.core.anomaly.AnomalyScorer.PROFILE;
        for (int i = 0; i < io.streamcast.model.core.anomaly.AnomalyScorer.PROFILE_SLOTS; i++) {
            stats[p + i] = i * 1361 - 32000;
        }
        stats[p] = Float.NaN;
        stats[p + 1] = -32767;
        stats[p + 2] = 32767;
        stats[0] = Float.NaN;
        SeriesState s = new SeriesState(recurrent, stats);
        s.lastTimestamp = 1767571200000L;
        s.modelTag = 42;
        s.scalerCount = 300;
        s.modelSince = 200;
        s.scalerMean = 12.5;
        s.scalerM2 = 3.25;
        s.layout = SeriesState.LAYOUT_7;
        return s;
    }

    /** Layout 8: the record of layout 7 under its own version. */
    static SeriesState knownStateV8() {
        SeriesState s = knownStateV7();
        s.layout = SeriesState.LAYOUT_8;
        return s;
    }

    /** Layout 9 without a week's ring: layout 8's record with {@code ringAt} 0. */
    static SeriesState knownStateV9() {
        SeriesState s = knownStateV7();
        s.layout = SeriesState.LAYOUT_9;
        return s;
    }

    /**
     * Layout 10, a key without a season: layout 9's record, its stats ending in the daily-profile candidate's two
     * error averages.
     */
    static SeriesState knownStateV10() {
        SeriesState s = knownStateV9();
        float[] stats = java.util.Arrays.copyOf(s.stats, s.stats.length + 2);
        stats[stats.length - 2] = 3.5f;
        stats[stats.length - 1] = 1.25f;
        s.stats = stats;
        s.layout = SeriesState.LAYOUT;
        return s;
    }

    /**
     * Layout 9 with a week's ring: layout 7's stats, then a combination block of two tracked horizons (errors of four
     * candidates each, the pending forecasts of horizon 2, weekly naive's a code), its count (20 values written), a ring
     * of 14 for a season of 2 (the two newest floats, the twelve older codes of origin 100 and step 2^-3: both
     * extremes, a slot not written yet, a negative one), the codes' origin and exponent, the ring's length and the
     * season.
     */
    static SeriesState knownStateV9WithWeek() {
        SeriesState s = knownStateV9();
        int weekAt = s.stats.length;
        int ringAt = weekAt + 8 * 2 - 3;
        float[] stats = java.util.Arrays.copyOf(s.stats, ringAt + 14 + 4);
        for (int i = weekAt; i < ringAt - 1; i++) {
            stats[i] = 0.5f + i;
        }
        stats[weekAt + 3] = Float.NaN; // no weekly error yet at horizon 1
        stats[weekAt + 8 + 3] = 100f + 1234 / 8f; // weekly naive's pending forecast of horizon 2: a code
        stats[ringAt - 1] = 20; // COUNT: the newest value at ring position 19 % 14 = 5, the one before at 4
        for (int j = 0; j < 14; j++) {
            stats[ringAt + j] = 100f + (j * 2729 - 16000) / 8f;
        }
        stats[ringAt + 5] = 101.3f;
        stats[ringAt + 4] = -0.1f;
        stats[ringAt + 6] = 100f + 32767 / 8f;
        stats[ringAt + 7] = 100f - 32767 / 8f;
        stats[ringAt + 8] = Float.NaN;
        int n = stats.length;
        stats[n - 4] = 100f;
        stats[n - 3] = -3f;
        stats[n - 2] = 14;
        stats[n - 1] = 2;
        s.stats = stats;
        s.weekAt = weekAt;
        return s;
    }

    @Test
    void seriesStateLayoutV1IsStillReadWithAnUnknownArchitecture() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V1));
        assertThat(bytes.length).isEqualTo(41 + 4 * (4 + 3));
        assertThat(bytes[0]).isEqualTo((byte) 1);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV1());
        assertThat(read.archTag).as("unknown architecture").isZero();
    }

    @Test
    void seriesStateLayoutV2IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V2));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV2());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes.length).isEqualTo(45 + 4 * (4 + 3));
    }

    @Test
    void seriesStateLayoutV3IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V3));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV3());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        // version, time, two tags, count 300 in 2 bytes, mean, M2, two 1-byte lengths
        assertThat(bytes.length).isEqualTo(1 + 8 + 4 + 4 + 2 + 8 + 8 + 1 + 1 + 4 * (4 + 3));
    }

    @Test
    void seriesStateLayoutV4IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V4));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV4());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 4);
        // version, time in 6 bytes, model tag, count 300 and start 200 in 2 bytes each, mean, M2, two 1-byte lengths
        assertThat(bytes.length).isEqualTo(1 + 6 + 4 + 2 + 2 + 8 + 8 + 1 + 1 + 4 * (4 + 3));
    }

    @Test
    void seriesStateLayoutV5IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V5));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV5());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 5);
        assertThat(bytes.length).isEqualTo(1 + 6 + 4 + 2 + 2 + 8 + 8 + 1 + 1 + 4 * (4 + 3));
    }

    @Test
    void seriesStateLayoutV6IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V6));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV6());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 6);
        // the fields of layout 4: version, time in 6 bytes, model tag, count 300 and start 200 in 2 bytes each, mean,
        // M2, two 1-byte lengths
        assertThat(bytes.length).isEqualTo(1 + 6 + 4 + 2 + 2 + 8 + 8 + 1 + 1 + 4 * (4 + 3));
    }

    @Test
    void seriesStateLayoutV7IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V7));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV7());
        assertThat(read.layout).isEqualTo(SeriesState.LAYOUT_7);
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 7);
    }

    @Test
    void seriesStateLayoutV8IsReadAndWrittenIdenticallyWhileItsStatsAreNotConverted() throws IOException {
        byte[] bytes = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V8));
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV8());
        assertThat(read.layout).isEqualTo(SeriesState.LAYOUT_8);
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).as("a restored key not seen since is written back unchanged").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 8);
    }

    @Test
    void seriesStateLayoutV9IsReadAndWrittenIdentically() throws IOException {
        byte[] withWeek = serialized(knownStateV9WithWeek());
        byte[] bytes = golden(SERIES_STATE_V9, withWeek);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV9WithWeek());
        assertThat(Float.floatToRawIntBits(read.recurrent[5])).as("negative zero").isEqualTo(Integer.MIN_VALUE);
        assertThat(withWeek).as("a key restored from layout 9 and not seen since is written back byte for byte")
                .isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 9);
        // layout 8's fields, weekAt in one byte; 8 halves; 68 + 31 stats of which the 48 profile codes, the weekly
        // pending forecast and the ring's 12 older days take 2 bytes
        assertThat(bytes.length).isEqualTo(1 + 6 + 4 + 2 + 2 + 8 + 8 + 1 + 1 + 1 + 2 * 8 + 4 * (99 - 48 - 13) + 2 * (48 + 13));
        // without a week's ring: layout 8's record and a 0
        SeriesState plain = knownStateV9();
        byte[] v8 = Files.readAllBytes(GOLDEN_DIR.resolve(SERIES_STATE_V8));
        byte[] noWeek = serialized(plain);
        assertThat(noWeek.length).isEqualTo(v8.length + 1);
        assertThat(noWeek[0]).isEqualTo((byte) 9);
        assertThat(SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(noWeek))).isEqualTo(plain);
        // the architecture is the model lineage's, not the key's: a tag left in memory is not written
        SeriesState withArchitecture = knownStateV9WithWeek();
        withArchitecture.archTag = 77;
        assertThat(serialized(withArchitecture)).isEqualTo(bytes);
        // a short stats array (no scorer) is all floats
        DataOutputSerializer small = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(knownState(), small);
        assertThat(small.length()).isEqualTo(1 + 6 + 4 + 1 + 1 + 8 + 8 + 1 + 1 + 1 + 2 * 4 + 4 * 3);
        assertThat(SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(small.getCopyOfBuffer())))
                .isEqualTo(knownState());
    }

    @Test
    void seriesStateLayoutV10IsReadAndWrittenIdentically() throws IOException {
        byte[] written = serialized(knownStateV10());
        byte[] bytes = golden(SERIES_STATE_V10, written);
        SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).isEqualTo(knownStateV10());
        assertThat(read.layout).isEqualTo(SeriesState.LAYOUT);
        assertThat(written).as("this release writes layout version 10 byte for byte").isEqualTo(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 10);
        // layout 9's record and two floats more (one byte of length either way)
        assertThat(bytes.length).isEqualTo(serialized(knownStateV9()).length + 2 * 4);
    }

    @Test
    void aRecordWhoseWeekOfValuesIsNotWhereItSaysIsRefusedAsCorrupt() throws IOException {
        SeriesState s = knownStateV9WithWeek();
        s.weekAt = s.weekAt + 1; // the block's floats then do not have a block's shape
        assertThatThrownBy(() -> serialized(s)).isInstanceOf(IOException.class)
                .hasMessageContaining("week of values starts at " + s.weekAt).hasMessageContaining("corrupt");
        byte[] bytes = serialized(knownStateV9WithWeek());
        // the same bytes with weekAt past the stats (the varint right after the stats' length, one byte each)
        int at = 1 + 6 + 4 + 2 + 2 + 8 + 8 + 1 + 2 * 8 + 1;
        assertThat(bytes[at]).isEqualTo((byte) knownStateV9WithWeek().weekAt);
        bytes[at] = 120;
        assertThatThrownBy(() -> SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class).hasMessageContaining("starts at 120 of its 99 statistics");
    }

    /**
     * The bytes of the golden record {@code name}, written first from {@code bytes} when asked to
     * ({@code -Dstreamcast.golden.write=true}) and it does not exist yet: a golden is never rewritten.
     */
    private static byte[] golden(String name, byte[] bytes) throws IOException {
        Path golden = GOLDEN_DIR.resolve(name);
        if (WRITE && !Files.exists(golden)) {
            Files.createDirectories(GOLDEN_DIR);
            Files.write(golden, bytes);
        }
        return Files.readAllBytes(golden);
    }

    private static byte[] serialized(SeriesState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void aKeyStepsOnFromItsRecordExactlyAsFromTheStateInMemory() throws Exception {
        io.streamcast.model.core.series.SeriesStep step = new io.streamcast.model.core.series.SeriesStep(
                io.streamcast.model.core.anomaly.AnomalyConfig.defaults(), true);
        var model = new io.streamcast.model.core.series.ServingModel(io.streamcast.model.core.artifact.ModelArtifact.of(
                TestModels.lstm(32, 5L, io.streamcast.model.core.feature.FeatureSpec.VALUE_AND_CALENDAR, 8),
                io.streamcast.model.core.feature.ScalerPolicy.DEFAULT,
                io.streamcast.model.core.artifact.Provenance.none(java.time.Instant.EPOCH), "k8"), "sha");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (long gap : new long[] {TestModels.FIVE_MINUTES, 3_600_000L}) {
            SeriesState live = step.newState(model);
            for (int t = 0; t < 600; t++) {
                double v = 1e5 + 3e3 * Math.sin(2 * Math.PI * t * gap / 86_400_000.0) + 100 * rnd.nextGaussian();
                step.step(live, model, TestModels.T0 + t * gap, v, io.streamcast.model.core.series.SeriesStep.Lineage.NONE);
                DataOutputSerializer out = new DataOutputSerializer(1024);
                SeriesStateSerializer.INSTANCE.serialize(live, out);
                SeriesState read = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
                assertThat(read).as("gap %d, event %d: the record holds the state bit for bit", gap, t).isEqualTo(live);
            }
        }
    }

    @Test
    void aKeyWithADailySeasonUnderAK48ModelFitsTheBudgetAndAKeyWithoutOneWritesWhatLayoutFourDid() throws Exception {
        io.streamcast.model.core.series.SeriesStep step = new io.streamcast.model.core.series.SeriesStep(
                io.streamcast.model.core.anomaly.AnomalyConfig.defaults(), true);
        long hour = 3_600_000L;
        for (int horizon : new int[] {48, 8}) {
            var model = new io.streamcast.model.core.series.ServingModel(io.streamcast.model.core.artifact.ModelArtifact.of(
                    TestModels.lstm(32, 5L, io.streamcast.model.core.feature.FeatureSpec.VALUE_AND_CALENDAR, horizon),
                    io.streamcast.model.core.feature.ScalerPolicy.DEFAULT,
                    io.streamcast.model.core.artifact.Provenance.none(java.time.Instant.EPOCH), "k" + horizon), "sha");
            SeriesState hourly = step.newState(model);
            SeriesState fiveMinutes = step.newState(model);
            for (int t = 0; t < 1000; t++) {
                double v = 100 + 30 * Math.sin(2 * Math.PI * t / 24.0);
                step.step(hourly, model, TestModels.T0 + t * hour, v, io.streamcast.model.core.series.SeriesStep.Lineage.NONE);
                step.step(fiveMinutes, model, TestModels.T0 + t * TestModels.FIVE_MINUTES, v,
                        io.streamcast.model.core.series.SeriesStep.Lineage.NONE);
            }
            assertThat(hourly.weekAt).as("K=%d: a week's ring", horizon).isPositive();
            assertThat(fiveMinutes.weekAt).isZero();
            int seasonal = sizeOf(hourly);
            int plain = sizeOf(fiveMinutes);
            // event count 1000 and start 0: 2 + 1 bytes; 64 recurrent floats; stats 61 + (2n + 1) + 4 (+ 24 + 6n - 1)
            int n = io.streamcast.model.core.anomaly.PredictionIntervals.trackedHorizons(horizon).length;
            // the daily profile: five floats (its detector, the codes' origin and step) and 48 codes of 2 bytes
            int profile = 4 * 7 + 2 * 48;
            // layout 4's fields with the recurrent state in halves, and ringAt (0: one byte)
            int layout4 = 1 + 6 + 4 + 2 + 1 + 8 + 8 + 1 + 2 * 64 + 1 + 4 * (8 + 2 * n + 1 + 4) + 1;
            // and, for a key without a season, the daily-profile candidate's two floats
            assertThat(plain).as("K=%d, no season: layout 4's record, halves, the daily profile, the profile candidate",
                    horizon).isEqualTo(layout4 + profile + 4 * 2);
            // more than 127 stats numbers with a season: their length takes two bytes, and so does a weekAt over 127
            int lengthBytes = 1 + (hourly.weekAt > 127 ? 1 : 0);
            assertThat(seasonal).as("K=%d, P=24: the block of a week's ring, 7·24 + 8n + 1 floats, of which the "
                            + "ring's 6·24 older days' and the n - 1 weekly pending forecasts in 2 bytes", horizon)
                    .isEqualTo(layout4 + profile + lengthBytes + 4 * (7 * 24 + 8 * n + 1) - 2 * 6 * 24 - 2 * (n - 1));
            if (horizon == 48) {
                // the weekly candidate's ring (144 values more than a day's, in codes) and its errors take 337 bytes
                // more than a block of one season would: within 1 KB per key with Flink's ~24 bytes (it took 1,285
                // with the ring in floats)
                assertThat(seasonal).as("K=48, H=32, P=24, a week's ring").isEqualTo(994);
            } else {
                // docs/benchmarks.md's bytes are for a count below 128 (one byte); this key's 1000 take two
                assertThat(plain).as("the bundled shape, K=8, H=32: layout 6's 584 less 128 (halves) and 96 (codes), "
                        + "plus 8 (their origin and step), 1 (ringAt) and 8 (the profile candidate)").isEqualTo(377);
            }
        }
    }

    private static int sizeOf(SeriesState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        return out.length();
    }

    @Test
    void timestampsOfEitherSignRoundTripAndTodaysTakeSixBytes() throws IOException {
        long[] times = {Long.MIN_VALUE, -1_767_571_200_000L, -1, 0, 1, 1_767_571_200_000L, Long.MAX_VALUE};
        int[] sizes = {10, 6, 1, 1, 1, 6, 10};
        for (int i = 0; i < times.length; i++) {
            SeriesState s = knownState();
            s.lastTimestamp = times[i];
            DataOutputSerializer out = new DataOutputSerializer(64);
            SeriesStateSerializer.INSTANCE.serialize(s, out);
            byte[] bytes = out.getCopyOfBuffer();
            assertThat(bytes.length).as("record with time %d", times[i])
                    .isEqualTo(1 + sizes[i] + 4 + 1 + 1 + 8 + 8 + 1 + 1 + 1 + 2 * 4 + 4 * 3);
            assertThat(SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes))).isEqualTo(s);
        }
    }

    @Test
    void variableLengthCountsRoundTripAtTheirBoundaries() throws IOException {
        long[] counts = {0, 1, 127, 128, 16_383, 16_384, (1L << 21) - 1, 1L << 21, Integer.MAX_VALUE, Long.MAX_VALUE};
        int[] sizes = {1, 1, 1, 2, 2, 3, 3, 4, 5, 9};
        for (int i = 0; i < counts.length; i++) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            SeriesStateSerializer.writeVarLong(counts[i], out);
            assertThat(out.length()).as("bytes of %d", counts[i]).isEqualTo(sizes[i]);
            assertThat(SeriesStateSerializer.readVarLong(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .isEqualTo(counts[i]);
        }
        assertThatThrownBy(() -> SeriesStateSerializer.writeVarLong(-1, new DataOutputSerializer(16)))
                .hasMessageContaining("a count of -1 cannot be written");
        byte[] endless = new byte[11];
        java.util.Arrays.fill(endless, (byte) 0x80);
        assertThatThrownBy(() -> SeriesStateSerializer.readVarLong(new DataInputDeserializer(endless)))
                .hasMessageContaining("the state is corrupt");
    }

    @Test
    void anUnknownLayoutVersionIsRefusedWithAMessage() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(knownState(), out);
        byte[] bytes = out.getCopyOfBuffer();
        bytes[0] = 11;
        assertThatThrownBy(() -> SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("layout version 11 is not supported").hasMessageContaining("versions 1 to 10");
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
                    TestModels.referenceForecastsRestoredFromUncombinedState(ForecastFunctionTest.MODEL, a, 30).subList(30, 60));
            ForecastFunctionTest.assertForecastsEqual(out.subList(30, 60),
                    TestModels.referenceForecastsRestoredFromUncombinedState(ForecastFunctionTest.MODEL, b, 30).subList(30, 60));
            SeriesState restored = ForecastFunctionTest.stateOf(h, "a");
            assertThat(restored.scalerCount).isEqualTo(60);
            assertThat(restored.archTag).as("in this release's layout the lineage, not the key, has it").isZero();
            assertThat(restored.modelTag).isEqualTo(TestModels.VERSION.hashCode());
            assertThat(restored.layout).isEqualTo(SeriesState.LAYOUT);
            int horizon = out.get(0).horizon();
            assertThat(restored.stats).as("scorer, the intervals of the tracked horizons, the persistence blend, "
                            + "the profile candidate")
                    .hasSize(io.streamcast.model.core.anomaly.AnomalyScorer.STATE_SIZE
                            + io.streamcast.model.core.anomaly.PredictionIntervals.stateSize(horizon)
                            + io.streamcast.model.core.PersistenceBlend.STATE_SIZE
                            + io.streamcast.model.core.ProfileCandidate.STATE_SIZE);
            ForecastRecord last = out.get(29);
            assertThat(last.getLower()[0]).as("the one-step interval continues from the restored statistics")
                    .isLessThan(last.getForecast()[0]);
            assertThat(last.getUpper()[0]).isGreaterThan(last.getForecast()[0]);
            assertThat(last.getUpper()[horizon - 1]).isGreaterThan(last.getForecast()[horizon - 1]);
            assertThat(out).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION));
        }
    }

    @Test
    void layoutThreeStateOfAKeyThatTookUpAModelPartWayContinuesExactlyAsAnUninterruptedRun() throws Exception {
        List<Event> a = TestModels.series("a", 60, 50.0, 41);
        List<Event> b = TestModels.series("b", 60, 7.0, 42);
        ModelControlConfig reset = ModelControlConfig.fromConfiguration(Configuration.fromMap(
                Map.of(ModelControlOptions.ON_SWAP.key(), ModelSwapPolicy.RESET.name())));
        Path file = Files.createTempFile("model-b", ".scm");
        Files.write(file, ModelHotSwapTest.B_BYTES);
        ModelUpdate toB = new ModelUpdate(ModelHotSwapTest.B_VERSION, file.toString(),
                ModelArtifactReader.sha256(ModelHotSwapTest.B_BYTES));
        List<Event> rest = new ArrayList<>(a.subList(35, 60));
        rest.addAll(b.subList(20, 60));
        List<ForecastRecord> uninterrupted;
        try (var h = ForecastFunctionTest.harness(ModelHotSwapTest.A, ForecastJobConfig.defaults(), reset)) {
            h.open();
            ForecastFunctionTest.feed(h, a.subList(0, 20));
            ForecastFunctionTest.feed(h, b.subList(0, 20));
            h.processBroadcastElement(toB, 0L);
            ForecastFunctionTest.feed(h, a.subList(20, 35));
            int before = h.extractOutputValues().size();
            ForecastFunctionTest.feed(h, rest);
            List<ForecastRecord> all = h.extractOutputValues();
            uninterrupted = all.subList(before, all.size());
        } finally {
            Files.delete(file);
        }
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                GOLDEN_DIR.resolve(OPERATOR_SNAPSHOT_RESET_V3).toString());
        try (var h = ForecastFunctionTest.harness(ModelHotSwapTest.A, ForecastJobConfig.defaults(), reset)) {
            h.initializeState(snapshot);
            h.open();
            SeriesState restoredA = ForecastFunctionTest.stateOf(h, "a");
            assertThat(restoredA.layout).isEqualTo(SeriesState.LAYOUT_3);
            assertThat(restoredA.scalerCount).isEqualTo(35);
            ForecastFunctionTest.feed(h, rest);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(65);
            // forecasts, intervals, anomaly scores and decisions are the uninterrupted run's (the keys are in their
            // warm-up); the ingredients are not: layout 3 kept the model's residual statistics, this layout the
            // served forecast's, converted at the restore
            assertThat(out).extracting(ForecastRecord::getKey, ForecastRecord::getTs, r -> java.util.Arrays.toString(r.getForecast()),
                            r -> java.util.Arrays.toString(r.getLower()), r -> java.util.Arrays.toString(r.getUpper()), ForecastRecord::getAnomalyScore,
                            ForecastRecord::isAnomaly)
                    .as("forecasts, intervals and anomaly scores of both keys")
                    .containsExactlyElementsOf(uninterrupted.stream().map(r -> org.assertj.core.groups.Tuple.tuple(
                            r.getKey(), r.getTs(), java.util.Arrays.toString(r.getForecast()), java.util.Arrays.toString(r.getLower()),
                            java.util.Arrays.toString(r.getUpper()), r.getAnomalyScore(), r.isAnomaly())).toList());
            assertThat(ForecastFunctionTest.stateOf(h, "a").modelSince).as("took up B at its 21st event").isEqualTo(20);
            assertThat(ForecastFunctionTest.stateOf(h, "b").modelSince).as("took up B afresh at its 21st event").isEqualTo(20);
        }
    }

    @Test
    void aStateWhoseModelStartIsAfterItsEventCountIsRefusedAsCorrupt() throws IOException {
        SeriesState s = knownStateV5();
        s.modelSince = s.scalerCount + 1;
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        assertThatThrownBy(() -> SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessage("series state with an event count of 300 and its model taken up at event 301: the state is corrupt");
    }

    @Test
    void layoutOneStateOfAnotherHorizonIsStartedAfreshNotMisread() throws Exception {
        List<Event> a = TestModels.series("a", 3, 50.0, 31);
        try (var h = ForecastFunctionTest.harness(ForecastFunctionTest.MODEL, ForecastJobConfig.defaults())) {
            h.open();
            ForecastFunctionTest.feed(h, a.subList(0, 1));
            SeriesState mine = ForecastFunctionTest.stateOf(h, "a");
            // state of layout 1 written by another model, of horizon K + 1 (layout 1 has no architecture tag)
            int oldHorizon = ForecastFunctionTest.MODEL.load().model().horizon() + 1;
            SeriesState foreign = new SeriesState(new float[mine.recurrent.length],
                    new float[9 + io.streamcast.model.core.series.StateLayouts.perHorizonIntervalsSize(oldHorizon)]);
            java.util.Arrays.fill(foreign.recurrent, Float.NaN); // stepped from, it would make every forecast NaN
            java.util.Arrays.fill(foreign.stats, 1000f); // as counters: far past every warm-up
            foreign.layout = SeriesState.LAYOUT_2;
            foreign.archTag = 0;
            foreign.modelTag = 12345;
            foreign.lastTimestamp = mine.lastTimestamp;
            foreign.scalerCount = mine.scalerCount;
            foreign.scalerMean = mine.scalerMean;
            foreign.scalerM2 = mine.scalerM2;
            ForecastFunctionTest.putState(h, "a", foreign);

            ForecastFunctionTest.feed(h, a.subList(1, 2));
            ForecastRecord r = h.extractOutputValues().get(1);
            SeriesState now = ForecastFunctionTest.stateOf(h, "a");
            assertThat(now.layout).isEqualTo(SeriesState.LAYOUT);
            assertThat(now.modelSince).as("the intervals started afresh at this event").isEqualTo(mine.scalerCount);
            assertThat(now.modelTag).as("adopted the serving model").isEqualTo(mine.modelTag);
            assertThat(r.getLower()).as("interval statistics afresh, not read from the old layout").containsOnly(Float.NaN);
            for (float f : r.getForecast()) {
                assertThat(f).as("forecast: another horizon is another architecture, the recurrent state starts afresh")
                        .isFinite();
            }
            assertThat(java.util.Arrays.copyOf(now.stats, 8)).as("the anomaly statistics carried over, then updated")
                    .isNotEqualTo(java.util.Arrays.copyOf(mine.stats, 8));
        }
    }
}
