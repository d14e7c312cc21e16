package io.streamcast.sql;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rough throughput comparison, not part of the build's tests (run with {@code -Dstreamcast.sql.bench=true}):
 * generator → the DataStream job (validate, watermarks, forecast operator) → discarding sinks, against generator →
 * {@code STREAMCAST_FORECAST} → blackhole sink; the bundled model, heap state, parallelism 1, the same synthetic
 * events (the bench's shape: a one-minute grid per key, keys round-robin). events/s = events ÷ the job's net run
 * time (start-up included), printed for each run.
 */
class SqlThroughputBench {

    static final long T0 = 1_767_571_200_000L;

    static final class Values implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int keys;

        Values(int keys) {
            this.keys = keys;
        }

        Event event(long n) {
            int key = (int) (n % keys);
            long step = n / keys;
            double value = 100.0 + 10.0 * Math.sin(2 * Math.PI * step / 1440.0) + (key % 17) + ((n * 2654435761L) & 1023) / 512.0;
            return new Event("k" + key, T0 + step * 60_000L, value);
        }
    }

    static <T> DataGeneratorSource<T> source(long total, GeneratorFunction<Long, T> f, TypeInformation<T> type) {
        return new DataGeneratorSource<>(f, total, RateLimiterStrategy.noOp(), type);
    }

    static Configuration conf() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // the table planner's job may ask for slots beyond the parallelism (its own slot sharing groups)
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        conf.setString("restart-strategy.type", "none");
        return conf;
    }

    static double job(int keys, long perKey) throws Exception {
        long total = keys * perKey;
        Values v = new Values(keys);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf());
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(Configuration.fromMap(Map.of(
                "streamcast.checkpoint-interval", "30 min")));
        new ForecastJob(config, ModelBundle.bundledDefault(),
                source(total, n -> ParsedEvent.valid(v.event(n), "generator", 0, n), TypeInformation.of(ParsedEvent.class)),
                new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        JobExecutionResult r = env.execute("bench-job");
        return total * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
    }

    static double sql(int keys, long perKey) throws Exception {
        long total = keys * perKey;
        Values v = new Values(keys);
        Configuration conf = conf();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(Duration.ofMinutes(30).toMillis());
        if (!Boolean.getBoolean("streamcast.sql.bench.copying")) {
            // as the DataStream job does (ForecastJob) and the SQL script sets: no defensive copy between chained operators
            env.getConfig().enableObjectReuse();
        }
        TypeInformation<Row> rowType = Types.ROW_NAMED(new String[] {"k", "ts", "v"}, Types.STRING, Types.LONG, Types.DOUBLE);
        GeneratorFunction<Long, Row> toRow = n -> {
            Event e = v.event(n);
            return Row.of(e.getKey(), e.getTimestampMillis(), e.getValue());
        };
        var rows = env.fromSource(source(total, toRow, rowType),
                WatermarkStrategy.<Row>forMonotonousTimestamps().withTimestampAssigner((r, p) -> (Long) r.getField(1)),
                "generator");
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.createTemporaryView("events", rows, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)").watermark("rowtime", "SOURCE_WATERMARK()").build());
        tEnv.createTemporarySystemFunction(StreamcastForecast.NAME, StreamcastForecast.class);
        Table t = tEnv.sqlQuery("SELECT * FROM " + StreamcastForecast.NAME + "(input => TABLE events PARTITION BY k, "
                + "on_time => DESCRIPTOR(rowtime), value_column => 'v')");
        var result = t.executeInsert(TableDescriptor.forConnector("blackhole")
                .schema(Schema.newBuilder().fromResolvedSchema(t.getResolvedSchema()).build()).build());
        JobExecutionResult r = result.getJobClient().orElseThrow().getJobExecutionResult().get();
        return total * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
    }

    @Test
    void sqlAgainstTheJob() throws Exception {
        assumeTrue(Boolean.getBoolean("streamcast.sql.bench"), "a benchmark: -Dstreamcast.sql.bench=true");
        int keys = Integer.getInteger("streamcast.sql.bench.keys", 100_000);
        long perKey = Long.getLong("streamcast.sql.bench.per-key", 10);
        System.out.printf("warm-up: job %.0f ev/s, sql %.0f ev/s%n", job(10_000, 5), sql(10_000, 5));
        for (int i = 0; i < 2; i++) {
            double job = job(keys, perKey);
            double sql = sql(keys, perKey);
            System.out.printf("BENCH keys=%d events=%d: job %.0f ev/s, sql %.0f ev/s, sql/job %.2f%n",
                    keys, keys * perKey, job, sql, sql / job);
        }
    }
}
