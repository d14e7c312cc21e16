package io.streamcast.tools.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One scenario of {@code bench pipeline}: runs the job in the {@link PipelineHarness} and returns what it measured
 * (rows, or the latency or state figures), which replaces the same measurements of earlier runs.
 */
interface PipelineScenario {

    /**
     * @param known everything known before this scenario: earlier runs' results with this run's so far
     * @return only what this scenario measured
     */
    PipelineResults measure(PipelineHarness harness, PipelineResults known) throws Exception;

    /** The scenarios a selection picks, in the order of {@link PipelineBench#SCENARIOS}. */
    static List<PipelineScenario> selected(PipelineBench.Selection s, boolean quick) {
        List<PipelineScenario> out = new ArrayList<>();
        for (String name : PipelineBench.SCENARIOS) {
            if (!s.has(name)) {
                continue;
            }
            out.add(switch (name) {
                case "generator" -> new GeneratorScenario(s.keys(), s.backends(), s.parallelisms(), s.repeats());
                case "kafka" -> new KafkaScenario(quick ? 20_000 : 100_000, s.kafkaPerKey(), s.repeats(), quick ? 0 : 1,
                        s.kafkaCheckpointInterval(), s.kafkaProperties());
                case "latency" -> new LatencyScenario(100_000, quick ? 10 : 20);
                case "state" -> new StateScenario(100_000);
                case "seasonal" -> new SeasonalScenario(quick ? 2_000 : 10_000, 14 * 24, s.models(), s.repeats());
                case "sql" -> new SqlScenario(100_000, s.repeats());
                case "learner" -> new LearnerScenario(100_000, s.repeats());
                case "dl4j" -> new Dl4jScenario(1_000, quick ? 5 : 20, s.repeats());
                default -> throw new IllegalArgumentException("Unknown scenario " + name);
            });
        }
        return out;
    }
}
