package io.streamcast.tools.bench;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** {@code dl4j}: the same keyed stepping done with DL4J {@code rnnTimeStep} in a Flink job, as the baseline. */
record Dl4jScenario(int keys, int perKey, int repeats) implements PipelineScenario {

    static final String TITLE = "generator → DL4J rnnTimeStep in the job → discard";

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        double eps = PipelineHarness.median(repeats, () -> {
            CountingSink.reset(false);
            StreamExecutionEnvironment env = h.environment(1, "hashmap", null);
            env.fromSource(SyntheticEvents.source(keys, perKey, 1, false, 0), WatermarkStrategy.noWatermarks(), "generator")
                    .keyBy(e -> e.getEvent().getKey())
                    .process(new Dl4jStepFunction(32, 8)).uid("dl4j-forecast")
                    .sinkTo(new CountingSink());
            JobExecutionResult r = env.execute("bench-dl4j");
            return keys * perKey * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        });
        h.log.printf(Locale.ROOT, "dl4j in the job: %,.0f events/s%n", eps);
        return PipelineResults.ofRows(List.of(PipelineRow.measuredNow(TITLE, "hashmap", 1, keys, (long) keys * perKey, eps,
                "baseline: per-event rnnTimeStep with per-key state swap", repeats)));
    }
}
