package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code generator}: throughput, generator → job (validate, watermarks, keyed LSTM step with anomaly scoring and
 * intervals) → discarding sinks, one row per state backend, parallelism and key count, each the median of
 * {@code repeats} runs. The rows follow one another and warm up the job's own code.
 */
record GeneratorScenario(List<Integer> keys, List<String> backends, List<Integer> parallelisms, int repeats)
        implements PipelineScenario {

    static final String TITLE = "generator → job → discard";

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        List<PipelineRow> rows = new ArrayList<>();
        for (String backend : backends) {
            for (int p : parallelisms) {
                for (int k : keys) {
                    long perKey = eventsPerKey(h.quick, k, backend);
                    double eps = PipelineHarness.median(repeats, () -> run(h, k, perKey, p, backend));
                    rows.add(PipelineRow.measuredNow(TITLE, backend, p, k, k * perKey, eps, "", repeats));
                    h.log.printf(Locale.ROOT, "generator %s p=%d keys=%d: %,.0f events/s%n", backend, p, k, eps);
                }
            }
        }
        return PipelineResults.ofRows(rows);
    }

    static long eventsPerKey(boolean quick, int keys, String backend) {
        long target = quick ? 600_000 : (backend.equals("rocksdb") ? 1_500_000 : 3_000_000);
        return Math.max(2, target / keys);
    }

    static double run(PipelineHarness h, int keys, long perKey, int parallelism, String backend) throws Exception {
        CountingSink.reset(false);
        StreamExecutionEnvironment env = h.environment(parallelism, backend, null);
        new ForecastJob(PipelineHarness.config(Duration.ofMinutes(30)), h.model,
                SyntheticEvents.source(keys, perKey, parallelism, false, 0),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        long cpu = PipelineHarness.processCpuNanos();
        JobExecutionResult r = env.execute("bench-generator");
        cpu = PipelineHarness.processCpuNanos() - cpu;
        long expected = keys * perKey;
        if (CountingSink.COUNT.get() != expected) {
            throw new IllegalStateException("expected " + expected + " forecasts, got " + CountingSink.COUNT.get());
        }
        double eps = expected * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        h.logRun("generator", eps, expected, cpu);
        return eps;
    }
}
