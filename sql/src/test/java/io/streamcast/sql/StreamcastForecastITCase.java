package io.streamcast.sql;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.forecast.ForecastFunction;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.TestModels;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.streamcast.jobs.forecast.TestModels.FIVE_MINUTES;
import static io.streamcast.jobs.forecast.TestModels.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code STREAMCAST_FORECAST} on a MiniCluster through the Table API ({@code pipeline.generic-types: false}): record
 * for record the DataStream job's forecast operator's output for the same rows and model; bad rows; configuration
 * mistakes failing the statement; state expiry.
 */
class StreamcastForecastITCase {

    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final TypeInformation<Row> ROW_TYPE = Types.ROW_NAMED(new String[] {"k", "ts", "v"},
            Types.STRING, Types.LONG, Types.DOUBLE);

    @TempDir
    static Path dir;
    static Path modelFile;

    @BeforeAll
    static void writeModel() throws Exception {
        modelFile = dir.resolve("test-model.scm");
        Files.write(modelFile, TestModels.artifactBytes(8, 11L, TestModels.VERSION));
    }

    /** A table environment over a stream of (k, ts, v) rows, ts the event time, watermarks 1 h behind. */
    static StreamTableEnvironment tableEnv(List<Row> rows) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).as("pipeline.generic-types: false").isTrue();
        DataStream<Row> events = env.fromData(ROW_TYPE, rows.toArray(Row[]::new))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Row>forGenerator(c -> new EveryRowWatermarks())
                        .withTimestampAssigner((r, previous) -> r.<Long>getFieldAs("ts")));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.createTemporaryView("events", events, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build());
        tEnv.createTemporarySystemFunction(StreamcastForecast.NAME, StreamcastForecast.class);
        return tEnv;
    }

    /** A watermark after every row, an hour behind the largest event time so far (so expiry is deterministic). */
    static final class EveryRowWatermarks implements WatermarkGenerator<Row> {
        private long max = Long.MIN_VALUE + Duration.ofHours(1).toMillis() + 1;

        @Override
        public void onEvent(Row event, long timestamp, WatermarkOutput output) {
            max = Math.max(max, timestamp);
            output.emitWatermark(new Watermark(max - Duration.ofHours(1).toMillis() - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    static String call(String extraArgs) {
        return "SELECT * FROM " + StreamcastForecast.NAME + "(input => TABLE events PARTITION BY k, "
                + "on_time => DESCRIPTOR(rowtime), value_column => 'v'" + extraArgs + ")";
    }

    static String modelArg() {
        return ", model => '" + modelFile.toUri() + "'";
    }

    static List<Row> collect(StreamTableEnvironment tEnv, String sql) throws Exception {
        return run(tEnv, sql).rows();
    }

    record Run(JobID job, List<Row> rows) {}

    static Run run(StreamTableEnvironment tEnv, String sql) throws Exception {
        TableResult result = tEnv.executeSql(sql);
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(out::add);
        }
        return new Run(result.getJobClient().orElseThrow().getJobID(), out);
    }

    /** The sum over subtasks of the function's counter {@code name} in {@code job}. */
    static long counter(JobID job, String name) {
        return METRICS.findMetrics(job, ".*" + java.util.regex.Pattern.quote("." + name)).entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + name))
                .mapToLong(e -> ((Counter) e.getValue()).getCount())
                .sum();
    }

    static List<Row> rows(List<Event> events) {
        List<Row> rows = new ArrayList<>();
        for (Event e : events) {
            rows.add(Row.of(e.getKey(), e.getTimestampMillis(), e.getValue()));
        }
        return rows;
    }

    /** Three keys' series, interleaved in time order. */
    static List<Event> interleaved(int n) {
        List<List<Event>> series = List.of(TestModels.series("a", n, 100, 1), TestModels.series("b", n, 5, 2),
                TestModels.series("c", n, 2_000, 3));
        List<Event> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (List<Event> s : series) {
                out.add(s.get(t));
            }
        }
        return out;
    }

    /** The DataStream job's forecast operator over the events, in a test harness. */
    static List<ForecastRecord> jobRecords(ModelBundle model, List<Event> events) throws Exception {
        var function = new ForecastFunction(model, ForecastJobConfig.defaults());
        try (var h = new KeyedBroadcastOperatorTestHarness<String, ParsedEvent, io.streamcast.jobs.control.ModelUpdate, ForecastRecord>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(ModelControl.ACTIVE_MODEL, ModelControl.MODEL_LINEAGE)),
                e -> e.getEvent().getKey(), Types.STRING, 1, 1, 0)) {
            h.setup();
            h.open();
            long offset = 0;
            for (Event e : events) {
                h.processElement(new StreamRecord<>(TestModels.parsed(e, offset++), e.getTimestampMillis()));
            }
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    /** An output row as the job's record: the partition key, rowtime, then the function's columns. */
    static ForecastRecord record(Row r) {
        return new ForecastRecord(r.getFieldAs("k"), r.<Instant>getFieldAs("rowtime").toEpochMilli(),
                r.<Double>getFieldAs("value"), floats(r.getField("forecast")), floats(r.getField("lower")),
                floats(r.getField("upper")), r.<Double>getFieldAs("anomaly_score"), r.<Boolean>getFieldAs("is_anomaly"),
                r.<Double>getFieldAs("anomaly_likelihood"), r.<Double>getFieldAs("residual_surprise"),
                r.<Double>getFieldAs("profile_surprise"), r.<Boolean>getFieldAs("outside_seen_range"),
                r.getFieldAs("model_version"));
    }

    static float[] floats(Object o) {
        if (o instanceof float[] f) {
            return f;
        }
        Float[] boxed = (Float[]) o;
        float[] f = new float[boxed.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = boxed[i];
        }
        return f;
    }

    static Map<String, List<ForecastRecord>> byKey(List<ForecastRecord> records) {
        Map<String, List<ForecastRecord>> out = new LinkedHashMap<>();
        for (ForecastRecord r : records) {
            out.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    @Test
    void sameRecordsAsTheDataStreamJob() throws Exception {
        List<Event> events = interleaved(400);
        List<Row> out = collect(tableEnv(rows(events)), call(modelArg()));

        assertThat(out.get(0).getFieldNames(true)).containsExactly("k", "ts", "value", "forecast", "lower", "upper",
                "anomaly_score", "is_anomaly", "anomaly_likelihood", "residual_surprise", "profile_surprise",
                "outside_seen_range", "model_version", "rejected", "rowtime");
        assertThat(out).allSatisfy(r -> {
            assertThat(r.getField("rejected")).isNull();
            assertThat(r.<Long>getFieldAs("ts")).isEqualTo(r.<Instant>getFieldAs("rowtime").toEpochMilli());
        });
        List<ForecastRecord> sql = out.stream().map(StreamcastForecastITCase::record).toList();
        List<ForecastRecord> job = jobRecords(TestModels.bundle(), events);
        assertThat(sql).hasSize(events.size());
        Map<String, List<ForecastRecord>> sqlByKey = byKey(sql);
        Map<String, List<ForecastRecord>> jobByKey = byKey(job);
        assertThat(sqlByKey.keySet()).containsExactlyInAnyOrderElementsOf(jobByKey.keySet());
        for (String key : jobByKey.keySet()) {
            assertThat(sqlByKey.get(key)).as("key %s", key).containsExactlyElementsOf(jobByKey.get(key));
        }
        // the series are long enough for the scorer to have warmed up
        assertThat(sql).anySatisfy(r -> assertThat(r.getAnomalyLikelihood()).isGreaterThan(0));
    }

    @Test
    void withoutAModelArgumentServesTheBundledModel() throws Exception {
        List<Event> events = TestModels.series("a", 20, 100, 1);
        List<Row> out = collect(tableEnv(rows(events)), call(""));
        List<ForecastRecord> sql = out.stream().map(StreamcastForecastITCase::record).toList();
        ModelBundle bundled = ModelBundle.bundledDefault();
        assertThat(sql).containsExactlyElementsOf(jobRecords(bundled, events));
        assertThat(sql).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(bundled.modelVersion()));
    }

    @Test
    void badRowsAreSkippedAndReportedWithEmitRejected() throws Exception {
        List<Event> good = TestModels.series("a", 30, 100, 1);
        List<Row> rows = new ArrayList<>(rows(good.subList(0, 10)));
        long t = good.get(9).getTimestampMillis();
        rows.add(Row.of("a", t + 1, null));                 // NULL value
        rows.add(Row.of("a", t + 2, Double.NaN));           // NaN
        rows.add(Row.of("a", t + 3, Double.POSITIVE_INFINITY));
        rows.add(Row.of(null, t + 4, 1.0));                 // NULL key
        rows.add(Row.of("a", t - FIVE_MINUTES, 1.0));       // out of order for key a (not late for the watermark)
        rows.add(Row.of("a", t, 1.0));                      // same time as the key's last row: out of order too
        rows.addAll(rows(good.subList(10, 30)));

        List<Row> out = collect(tableEnv(rows), call(modelArg() + ", emit_rejected => TRUE"));

        // key a's rows keep their order; the NULL key is a partition of its own
        List<String> reasons = out.stream().filter(r -> "a".equals(r.getField("k")))
                .map(r -> r.<String>getFieldAs("rejected")).filter(r -> r != null).toList();
        assertThat(reasons).containsExactly("missing-value", "non-finite-value", "non-finite-value",
                "out-of-order", "out-of-order");
        assertThat(out).filteredOn(r -> r.getField("k") == null).singleElement()
                .satisfies(r -> assertThat(r.getField("rejected")).isEqualTo("missing-key"));
        assertThat(out).filteredOn(r -> r.getField("rejected") != null)
                .allSatisfy(r -> assertThat(r.getField("forecast")).isNull());
        // the good rows' forecasts are as if the bad ones had never been there
        List<ForecastRecord> forecasts = out.stream().filter(r -> r.getField("rejected") == null)
                .map(StreamcastForecastITCase::record).toList();
        assertThat(forecasts).containsExactlyElementsOf(jobRecords(TestModels.bundle(), good));

        // without emit_rejected they are dropped, and counted in the rejected.* metrics
        Run quiet = run(tableEnv(rows), call(modelArg()));
        assertThat(quiet.rows().stream().map(StreamcastForecastITCase::record).toList())
                .containsExactlyElementsOf(forecasts);
        assertThat(counter(quiet.job(), "rejected.missing-value")).isEqualTo(1);
        assertThat(counter(quiet.job(), "rejected.non-finite-value")).isEqualTo(2);
        assertThat(counter(quiet.job(), "rejected.missing-key")).isEqualTo(1);
        assertThat(counter(quiet.job(), "rejected.out-of-order")).isEqualTo(2);
        assertThat(counter(quiet.job(), "forecastsOut")).isEqualTo(good.size());
    }

    @Test
    void lateRowsAreDroppedByFlinkBeforeTheFunctionAndTheOthersAreUnaffected() throws Exception {
        // key a moves the watermark (1 h behind its rows) to T0 + 35 min; key b's rows, at T0 .. T0 + 10 min, come after
        // it: late. Flink 2.2's process table functions drop a row at or behind the watermark before eval()
        // (FLINK-39436, changed in a later Flink release), so b gets neither forecasts nor rejected rows
        List<Event> a = TestModels.series("a", 20, 100, 1);
        List<Event> b = TestModels.series("b", 3, 5, 2);
        List<Event> all = new ArrayList<>(a);
        all.addAll(b);

        Run run = run(tableEnv(rows(all)), call(modelArg() + ", emit_rejected => TRUE"));

        assertThat(run.rows()).allSatisfy(r -> assertThat(r.getField("k")).isEqualTo("a"));
        assertThat(run.rows().stream().map(StreamcastForecastITCase::record).toList())
                .containsExactlyElementsOf(jobRecords(TestModels.bundle(), a));
        assertThat(counter(run.job(), "forecastsOut")).isEqualTo(a.size());
    }

    @Test
    void aKeyIdleForTheStateTtlStartsAfresh() throws Exception {
        List<Event> a = TestModels.series("a", 20, 100, 1);
        long last = a.get(19).getTimestampMillis();
        List<Event> later = new ArrayList<>();
        // key b moves the watermark (1 h behind) past a's expiry (last + 2 h, on the TTL/8 grid)
        later.add(new Event("b", last + Duration.ofHours(6).toMillis(), 5));
        for (Event e : TestModels.series("a", 5, 100, 7)) {
            later.add(new Event("a", e.getTimestampMillis() - T0 + last + Duration.ofHours(8).toMillis(), e.getValue()));
        }
        List<Event> all = new ArrayList<>(a);
        all.addAll(later);

        List<ForecastRecord> sql = collect(tableEnv(rows(all)), call(modelArg() + ", state_ttl => INTERVAL '2' HOUR"))
                .stream().map(StreamcastForecastITCase::record).toList();

        List<ForecastRecord> afresh = jobRecords(TestModels.bundle(), later.subList(1, later.size()));
        assertThat(byKey(sql).get("a")).hasSize(25).endsWith(afresh.toArray(ForecastRecord[]::new));
        // with the default TTL (7 days) key a continues instead
        List<ForecastRecord> kept = collect(tableEnv(rows(all)), call(modelArg())).stream()
                .map(StreamcastForecastITCase::record).toList();
        assertThat(byKey(kept).get("a").subList(20, 25)).doesNotContainAnyElementsOf(afresh);
    }

    @Test
    void defaultsAreTheJobs() {
        assertThat(StreamcastForecast.DEFAULT_STATE_TTL)
                .isEqualTo(io.streamcast.jobs.forecast.ForecastOptions.STATE_TTL.defaultValue());
    }

    @Test
    void aModelThatDoesNotExistFailsTheStatement() {
        StreamTableEnvironment tEnv = tableEnv(rows(TestModels.series("a", 5, 100, 1)));
        String missing = dir.resolve("no-such-model.scm").toUri().toString();
        assertThatThrownBy(() -> tEnv.executeSql(call(", model => '" + missing + "'")))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("model '" + missing + "' does not exist");
    }

    @Test
    void aCorruptModelFailsTheStatement() throws Exception {
        Path corrupt = dir.resolve("corrupt.scm");
        byte[] bytes = TestModels.artifactBytes(8, 11L, TestModels.VERSION);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(corrupt, bytes);
        StreamTableEnvironment tEnv = tableEnv(rows(TestModels.series("a", 5, 100, 1)));
        assertThatThrownBy(() -> tEnv.executeSql(call(", model => '" + corrupt.toUri() + "'")))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("cannot use model");
    }

    @Test
    void configurationMistakesFailTheStatement() {
        StreamTableEnvironment tEnv = tableEnv(rows(TestModels.series("a", 5, 100, 1)));
        assertThatThrownBy(() -> tEnv.executeSql(call(", state_ttl => INTERVAL '0' SECOND")))
                .isInstanceOf(ValidationException.class).hasStackTraceContaining("state_ttl must be positive");
        assertThatThrownBy(() -> tEnv.executeSql(call(", anomaly_threshold => 1.5")))
                .isInstanceOf(ValidationException.class).hasStackTraceContaining("anomaly_threshold must be in (0, 1]");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM " + StreamcastForecast.NAME
                + "(input => TABLE events PARTITION BY k, on_time => DESCRIPTOR(rowtime))"))
                .isInstanceOf(ValidationException.class).hasStackTraceContaining("the input has no column 'value'");
    }
}
