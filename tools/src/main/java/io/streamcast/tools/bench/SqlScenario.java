package io.streamcast.tools.bench;

import io.streamcast.connectors.event.Event;
import io.streamcast.sql.StreamcastForecast;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.VarCharType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sql}: throughput of the SQL path, generator → {@code STREAMCAST_FORECAST} (the process table function of the
 * {@code sql} module, through the Table API) → a counting sink, heap state, parallelism 1, against the DataStream job
 * ({@link GeneratorScenario}'s run) on the same events in the same JVM, the two alternating run by run so that both
 * see the same machine. The row is the SQL path's median; its note gives the job's median of the alternating runs and
 * the ratio of the two medians.
 *
 * <p>Both run as shipped: the job enables object reuse itself ({@code ForecastJob}); the SQL path with
 * {@code pipeline.object-reuse: true}, as the repository's SQL script sets it. The events are the generator rows'
 * ({@link SyntheticEvents}), as {@code (k, ts, v)} rows with {@code ts} the event time, generated as Flink's internal
 * rows ({@code RowData}, as a table source produces them), as the job's generator produces the job's own event type.
 */
record SqlScenario(int keys, int repeats) implements PipelineScenario {

    static final String TITLE = "generator → STREAMCAST_FORECAST (SQL) → discard";

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        long perKey = GeneratorScenario.eventsPerKey(h.quick, keys, "hashmap");
        double[] job = new double[repeats];
        double[] sql = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            job[i] = GeneratorScenario.run(h, keys, perKey, 1, "hashmap");
            sql[i] = run(h, keys, perKey);
            h.log.printf(Locale.ROOT, "sql p=1 keys=%d, run %d: job %,.0f events/s, SQL %,.0f events/s (%.2f)%n",
                    keys, i + 1, job[i], sql[i], sql[i] / job[i]);
        }
        double jobMedian = median(job);
        double sqlMedian = median(sql);
        String note = String.format(Locale.ROOT, "%.2f of the DataStream job's %,.0f events/s (median of %d runs "
                + "alternating with these, same events)", sqlMedian / jobMedian, jobMedian, repeats);
        h.log.printf(Locale.ROOT, "sql p=1 keys=%d: %,.0f events/s, %s%n", keys, sqlMedian, note);
        return PipelineResults.ofRows(List.of(
                PipelineRow.measuredNow(TITLE, "hashmap", 1, keys, keys * perKey, sqlMedian, note, repeats)));
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    static double run(PipelineHarness h, int keys, long perKey) throws Exception {
        RowCountingSink.COUNT.set(0);
        StreamExecutionEnvironment env = h.environment(1, "hashmap", null);
        env.getConfig().enableObjectReuse();
        // no checkpointing: the job's 30-minute interval never fires in a run either, and a checkpoint discarded at the
        // end of a run would race with the harness deleting its work folder
        long total = keys * perKey;
        // the rows as Flink's internal data structures, as a table source produces them (and as the job's generator
        // produces its own event type): nothing to convert between the generator and the planner's operators
        InternalTypeInfo<RowData> rowType = InternalTypeInfo.ofFields(
                new LogicalType[] {new VarCharType(VarCharType.MAX_LENGTH), new BigIntType(), new DoubleType()},
                new String[] {"k", "ts", "v"});
        SyntheticEvents.Generator events = SyntheticEvents.generator(keys, perKey, 1, false);
        GeneratorFunction<Long, RowData> rows = n -> {
            Event e = events.map(n).getEvent();
            return GenericRowData.of(StringData.fromString(e.getKey()), e.getTimestampMillis(), e.getValue());
        };
        var input = env.fromSource(new DataGeneratorSource<>(rows, total, RateLimiterStrategy.noOp(), rowType),
                WatermarkStrategy.<RowData>forMonotonousTimestamps().withTimestampAssigner((r, p) -> r.getLong(1)),
                "generator");
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.createTemporaryView("events", input, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)").watermark("rowtime", "SOURCE_WATERMARK()").build());
        tEnv.createTemporarySystemFunction(StreamcastForecast.NAME, StreamcastForecast.class);
        Table forecasts = tEnv.sqlQuery("SELECT * FROM " + StreamcastForecast.NAME + "(input => TABLE events PARTITION BY k, "
                + "on_time => DESCRIPTOR(rowtime), value_column => 'v')");
        // the function's rows as they are (RowData), as a table sink would take them: no conversion to Row
        DataStream<RowData> out = tEnv.toDataStream(forecasts,
                forecasts.getResolvedSchema().toPhysicalRowDataType().bridgedTo(RowData.class));
        out.sinkTo(new RowCountingSink()).name("count");
        long cpu = PipelineHarness.processCpuNanos();
        JobExecutionResult r = env.execute("bench-sql");
        cpu = PipelineHarness.processCpuNanos() - cpu;
        if (RowCountingSink.COUNT.get() != total) {
            throw new IllegalStateException("expected " + total + " forecasts from the SQL function, got "
                    + RowCountingSink.COUNT.get());
        }
        double eps = total * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        h.logRun("sql", eps, total, cpu);
        return eps;
    }

    /** Counts the rows it is given (in-process mini-cluster runs only: the count is static). */
    static final class RowCountingSink implements Sink<RowData> {
        private static final long serialVersionUID = 1L;
        static final AtomicLong COUNT = new AtomicLong();

        @Override
        public SinkWriter<RowData> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(RowData row, Context ctx) {
                    COUNT.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
