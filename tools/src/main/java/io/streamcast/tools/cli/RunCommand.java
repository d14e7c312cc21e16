package io.streamcast.tools.cli;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.options.JobOptionsMixin;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.learner.options.LearnerMixin;
import io.streamcast.tools.local.LearningRun;
import io.streamcast.tools.local.LocalRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code streamcast run}: the forecast job in a local mini-cluster. */
@Command(name = "run", mixinStandardHelpOptions = true, resourceBundle = "io.streamcast.tools.cli.run-help",
        description = {"Run the forecast job in a local Flink mini-cluster.",
                "With no arguments: starts an in-process Kafka broker, creates the topics, replays the bundled sample "
                        + "stream into 'events', runs the job until the sample is consumed, prints a summary and writes "
                        + "the forecasts to out/forecasts.csv."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    JobOptionsMixin options;

    @Option(names = "--source", paramLabel = "kafka|file:PATH", defaultValue = "kafka",
            description = "Where events come from: Kafka (default) or a recorded CSV / JSON-lines file or directory, "
                    + "without Kafka.")
    String source;

    @Option(names = "--input", paramLabel = "FILE|DIR",
            description = "Replay this recorded file or directory into the events topic instead of the bundled sample.")
    Path input;

    @Option(names = "--no-replay", description = "Replay nothing; only consume what the events topic holds.")
    boolean noReplay;

    @Option(names = "--follow", description = "Keep running and consume new events until stopped (Ctrl-C).")
    boolean follow;

    @Option(names = "--reset-topics", description = "Delete and recreate the job's topics first (events, forecasts, "
            + "anomalies, dead letters): a clean start on a broker that holds an earlier run's records, which run "
            + "otherwise refuses to read again.")
    boolean resetTopics;

    @Mixin
    ParallelismMixin parallelism;

    @Option(names = "--out", defaultValue = "out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--learn", description = "Also run the learner job beside the forecast job (in-process broker "
            + "only): the stream is replayed in event time at --learn-speedup, the learner retrains on it (the "
            + "--learn-* options; here a round every 2 days of event time unless --learn-every says otherwise) and the "
            + "forecast job swaps in each accepted version; the summary counts the forecasts of each model version.")
    boolean learn;

    @Option(names = "--learn-speedup", paramLabel = "X", defaultValue = "7200",
            description = "With --learn: event time replayed per second of wall time (default: ${DEFAULT-VALUE}, "
                    + "two hours a second).")
    double learnSpeedup;

    @Option(names = "--model-store", paramLabel = "DIR",
            description = "With --learn: where learned versions are written (default: OUT/models).")
    Path modelStore;

    @Mixin
    LearnerMixin learner;

    @Override
    public Integer call() throws Exception {
        if (learn) {
            return learn();
        }
        int parallelism = this.parallelism.parallelism();
        ForecastJobConfig config = options.jobConfig();
        ModelBundle bundle = options.bundle();
        String fileSource;
        if ("kafka".equals(source)) {
            fileSource = null;
        } else if (source.startsWith("file:")) {
            fileSource = source;
        } else {
            throw new IllegalArgumentException("--source must be 'kafka' or 'file:PATH', got '" + source + "'");
        }
        LocalRun.Summary summary = new LocalRun(new LocalRun.Options(config, bundle, parallelism, follow, fileSource,
                input, !noReplay, out, resetTopics), System.out).run();
        System.out.println(summary.line());
        return 0;
    }

    private int learn() throws Exception {
        if (options.kafka().bootstrapServers() != null || !"kafka".equals(source) || noReplay || follow) {
            throw new IllegalArgumentException("--learn runs on the in-process broker with the replay: leave out "
                    + "--bootstrap-servers, --source, --no-replay and --follow");
        }
        LearnerConfig config = learner.config(LearnerConfig.builder().everyEventTime(java.time.Duration.ofDays(2)));
        LearningRun.Summary summary = new LearningRun(new LearningRun.Options(options.jobConfig(),
                ModelControlConfig.fromConfiguration(options.configuration()), options.bundle(), config,
                modelStore != null ? modelStore : out.resolve("models"), input, learnSpeedup,
                parallelism.parallelism(), out), System.out).run();
        System.out.println(summary.line());
        return 0;
    }
}
