package io.streamcast.tools.cli;

import io.streamcast.tools.bench.KernelBench;
import io.streamcast.tools.bench.PipelineBench;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code streamcast bench}: benchmarks whose results are written into {@code docs/benchmarks.md}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each writes its table into docs/benchmarks.md (and JSON beside it).",
        subcommands = {BenchCommand.Kernel.class, BenchCommand.Pipeline.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The options every benchmark takes: a smoke run, and the Markdown file its table goes into. */
    static final class Output {
        @Option(names = "--quick", description = "Fewer, shorter runs (a smoke run, not for quoting).")
        boolean quick;

        @Option(names = "--out", defaultValue = "docs/benchmarks.md", description = "Markdown file (default: ${DEFAULT-VALUE}).")
        Path out;

        /** The JSON file beside the Markdown one. */
        Path json(String name) {
            return out.resolveSibling(name);
        }
    }

    @Command(name = "kernel", mixinStandardHelpOptions = true,
            description = "JMH: LSTM steps/s of the scalar and Vector API kernels vs DL4J rnnTimeStep (per-key swap and "
                    + "batched over 256 keys), H = 32/64, D = 1/4/8, one thread; GFLOP/s and fraction of the measured FMA peak.")
    static final class Kernel implements Callable<Integer> {
        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            Path json = output.json("benchmarks-kernel.json");
            new KernelBench(output.quick, System.out).run(output.out, json);
            System.out.println("wrote " + output.out + " and " + json);
            return 0;
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "The real job in a local mini-cluster: throughput (1k/100k/1M keys, heap and RocksDB, parallelism 1 "
                    + "and 2), Kafka exactly-once, latency at half load, state bytes per key, the SQL path and the job with the "
                    + "learner job beside it (each against the job alone), and DL4J-in-the-job as baseline. "
                    + "Run with a large heap, e.g. STREAMCAST_JAVA_OPTS=-Xmx12g. With --scenarios, --keys, --backends or "
                    + "--parallelism only the selected rows are measured; they replace the same rows of the existing table, "
                    + "e.g. --scenarios generator --keys 100000 --backends hashmap --parallelism 1, or --scenarios kafka.")
    static final class Pipeline implements Callable<Integer> {
        @Mixin
        Output output;

        @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
                description = "Scenarios to run, comma-separated: generator, kafka, latency, state, seasonal, sql, learner, dl4j (default: all).")
        List<String> scenarios;

        @Option(names = "--keys", split = ",", paramLabel = "N",
                description = "Key counts of the generator rows (default: 1000,100000,1000000; quick: 1000,100000).")
        List<Integer> keys;

        @Option(names = "--backends", split = ",", paramLabel = "NAME",
                description = "State backends of the generator rows: hashmap, rocksdb (default: both).")
        List<String> backends;

        @Option(names = "--parallelism", split = ",", paramLabel = "P",
                description = "Parallelisms of the generator rows: 1, 2 (default: 1,2; quick: 2).")
        List<Integer> parallelisms;

        @Option(names = "--repeats", paramLabel = "N",
                description = "Runs per throughput row; the median is reported (default: 3; quick: 1).")
        Integer repeats;

        @Option(names = "--kafka-events-per-key", paramLabel = "N",
                description = "Events per key of the Kafka run, 100,000 keys (default: 10; quick: 5 with 20,000 keys).")
        Integer kafkaPerKey;

        @Option(names = "--kafka-checkpoint-interval", paramLabel = "DURATION",
                description = "Checkpoint interval of the Kafka run, i.e. how often its transactions commit, e.g. 2s, "
                        + "10s (default: the job's default, 2 s). Part of the row's scenario name.")
        String kafkaCheckpointInterval;

        @Option(names = "--kafka-properties", paramLabel = "FILE",
                description = "Kafka client properties for the Kafka run's source and sinks (e.g. producer batch.size). "
                        + "Part of the row's scenario name.")
        Path kafkaProperties;

        @Option(names = "--model", paramLabel = "FILE", split = ",",
                description = "Model artifacts the seasonal rows measure beside the bundled model (e.g. a K=48 model "
                        + "from 'streamcast train --horizon 48'); the row names each model's horizon and cells.")
        List<Path> models;

        @Override
        public Integer call() throws Exception {
            PipelineBench.Selection all = PipelineBench.Selection.all(output.quick);
            Duration interval = all.kafkaCheckpointInterval();
            if (kafkaCheckpointInterval != null) {
                try {
                    interval = TimeUtils.parseDuration(kafkaCheckpointInterval);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--kafka-checkpoint-interval '" + kafkaCheckpointInterval
                            + "' is not a duration: write e.g. 2s, 500ms or 1min", e);
                }
            }
            PipelineBench.Selection selection = new PipelineBench.Selection(
                    scenarios != null ? scenarios : all.scenarios(),
                    keys != null ? keys : all.keys(),
                    backends != null ? backends : all.backends(),
                    parallelisms != null ? parallelisms : all.parallelisms(),
                    repeats != null ? repeats : all.repeats(),
                    kafkaPerKey != null ? kafkaPerKey : all.kafkaPerKey(),
                    interval, kafkaProperties, models != null ? models : all.models());
            Path json = output.json("benchmarks-pipeline.json");
            new PipelineBench(output.quick, selection, System.out).run(output.out, json);
            System.out.println("wrote " + output.out + " and " + json);
            return 0;
        }
    }
}
