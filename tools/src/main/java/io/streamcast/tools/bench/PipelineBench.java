package io.streamcast.tools.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code bench pipeline}: the real forecast job in a local mini-cluster, measured end to end, one
 * {@link PipelineScenario} after another:
 * <ol>
 *   <li>{@code generator} ({@link GeneratorScenario}): throughput, generator → job → discarding sinks, for several
 *       key counts, heap and RocksDB state, parallelism 1 and 2;
 *   <li>{@code kafka} ({@link KafkaScenario}): Kafka in → Kafka out, exactly-once, through the in-process broker;
 *   <li>{@code latency} ({@link LatencyScenario}): event → forecast latency percentiles at half the measured
 *       maximum rate;
 *   <li>{@code state} ({@link StateScenario}): state bytes per key (completed checkpoint size ÷ keys) and heap per key;
 *   <li>{@code seasonal} ({@link SeasonalScenario}): hourly events (keys with a daily season and a week's ring), the
 *       bundled model and each model of {@code --model}: throughput and state bytes per key;
 *   <li>{@code sql} ({@link SqlScenario}): the SQL path ({@code STREAMCAST_FORECAST}) at 100,000 keys, heap state,
 *       parallelism 1, alternating run by run with the DataStream job on the same events;
 *   <li>{@code learner} ({@link LearnerScenario}): the job's throughput at 100,000 keys, heap state, parallelism 1,
 *       with the learner job running beside it on the same events, alternating run by run with the job alone;
 *   <li>{@code dl4j} ({@link Dl4jScenario}): the same keyed stepping done with DL4J {@code rnnTimeStep}, side by side.
 * </ol>
 * Each throughput figure is the median of {@code repeats} runs in this one JVM. A {@link Selection} narrows a run
 * to some scenarios, key counts, backends and parallelisms; what it measures replaces the same measurements in the
 * results store ({@link PipelineResults}, {@code docs/benchmarks-pipeline.json}) and the others stay as they were
 * (each row carries when it was measured and of how many runs it is the median). The tables are written from the
 * merged results ({@link PipelineReport}) into {@code docs/benchmarks.md}, whose hand-written text explains them.
 */
public final class PipelineBench {

    /** The scenario names a {@link Selection} may pick, in the order they run. */
    public static final List<String> SCENARIOS = List.of("generator", "kafka", "latency", "state", "seasonal", "sql", "learner",
            "dl4j");

    /**
     * What a run measures.
     *
     * @param scenarios    some of {@link #SCENARIOS}
     * @param keys         key counts of the generator rows
     * @param backends     state backends of the generator rows: {@code hashmap}, {@code rocksdb}
     * @param parallelisms parallelisms of the generator rows
     * @param repeats      runs per throughput row (the median is reported)
     * @param kafkaPerKey  events per key of the Kafka run
     * @param kafkaCheckpointInterval checkpoint interval of the Kafka run: how often its transactions commit
     * @param kafkaProperties Kafka client properties file for the Kafka run's job (source and sinks), or null
     * @param models       model files the seasonal rows measure beside the bundled model (e.g. a K = 48 model)
     */
    public record Selection(List<String> scenarios, List<Integer> keys, List<String> backends, List<Integer> parallelisms,
                            int repeats, int kafkaPerKey, Duration kafkaCheckpointInterval, Path kafkaProperties,
                            List<Path> models) {

        /** Everything, at the sizes of a full or a quick run. */
        public static Selection all(boolean quick) {
            return new Selection(SCENARIOS, quick ? List.of(1_000, 100_000) : List.of(1_000, 100_000, 1_000_000),
                    List.of("hashmap", "rocksdb"), quick ? List.of(2) : List.of(1, 2), quick ? 1 : 3, quick ? 5 : 10,
                    KafkaScenario.DEFAULT_CHECKPOINT_INTERVAL, null, List.of());
        }

        /**
         * Checks the selection.
         *
         * @throws IllegalArgumentException naming the bad value and the accepted ones
         */
        public Selection {
            scenarios = List.copyOf(scenarios);
            keys = List.copyOf(keys);
            backends = List.copyOf(backends);
            parallelisms = List.copyOf(parallelisms);
            models = List.copyOf(models);
            for (Path m : models) {
                if (!java.nio.file.Files.isRegularFile(m)) {
                    throw new IllegalArgumentException("Model file '" + m + "' does not exist: give a model artifact "
                            + "written by 'streamcast train'");
                }
            }
            for (String s : scenarios) {
                if (!SCENARIOS.contains(s)) {
                    throw new IllegalArgumentException("Unknown scenario '" + s + "': choose from " + String.join(", ", SCENARIOS));
                }
            }
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("No scenario selected: choose from " + String.join(", ", SCENARIOS));
            }
            for (String b : backends) {
                if (!b.equals("hashmap") && !b.equals("rocksdb")) {
                    throw new IllegalArgumentException("Unknown state backend '" + b + "': choose hashmap or rocksdb");
                }
            }
            for (int p : parallelisms) {
                if (p < 1 || p > 2) {
                    throw new IllegalArgumentException("Parallelism " + p + " is not measured: choose 1 or 2");
                }
            }
            for (int k : keys) {
                if (k < 2 || k % 2 != 0) {
                    throw new IllegalArgumentException("Key count " + k + " must be even and at least 2 "
                            + "(the keys are split evenly over up to two generator readers)");
                }
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("repeats must be at least 1; got " + repeats);
            }
            if (kafkaPerKey < 1) {
                throw new IllegalArgumentException("Kafka events per key must be at least 1; got " + kafkaPerKey);
            }
            if (kafkaCheckpointInterval == null || kafkaCheckpointInterval.toMillis() < 10) {
                throw new IllegalArgumentException("The Kafka run's checkpoint interval must be at least 10 ms; got "
                        + kafkaCheckpointInterval);
            }
            if (kafkaProperties != null && !Files.isRegularFile(kafkaProperties)) {
                throw new IllegalArgumentException("Kafka client properties file " + kafkaProperties + " does not exist");
            }
        }

        boolean has(String scenario) {
            return scenarios.contains(scenario);
        }
    }

    private final boolean quick;
    private final Selection selection;
    private final PrintStream log;

    public PipelineBench(boolean quick, PrintStream log) {
        this(quick, Selection.all(quick), log);
    }

    public PipelineBench(boolean quick, Selection selection, PrintStream log) {
        this.quick = quick;
        this.selection = selection;
        this.log = log;
    }

    /**
     * Runs the selected scenarios, merges what they measured into the results in {@code json} (all of them are
     * replaced when everything is selected), writes the merged results back and their tables into {@code markdown}.
     *
     * @return the rows measured by this run
     */
    public List<PipelineRow> run(Path markdown, Path json) throws Exception {
        boolean everything = selection.equals(Selection.all(quick));
        PipelineResults previous = everything ? PipelineResults.EMPTY : PipelineResults.read(json);
        PipelineResults fresh = PipelineResults.EMPTY;
        try (PipelineHarness harness = new PipelineHarness(quick, log)) {
            for (PipelineScenario scenario : PipelineScenario.selected(selection, quick)) {
                fresh = fresh.with(scenario.measure(harness, previous.with(fresh)));
            }
        }
        PipelineResults all = previous.with(fresh).writtenNow(quick);
        PipelineReport.write(markdown, all);
        all.write(json);
        return fresh.rows();
    }
}
