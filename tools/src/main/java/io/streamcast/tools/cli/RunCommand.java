package io.streamcast.tools.cli;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.tools.local.LocalRun;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code streamcast run}: the forecast job in a local mini-cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the forecast job in a local Flink mini-cluster.",
                "With no arguments: starts an in-process Kafka broker, creates the topics, replays the bundled sample "
                        + "stream into 'events', runs the job until the sample is consumed, prints a summary and writes "
                        + "the forecasts to out/forecasts.csv."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this Kafka instead of an in-process broker.")
    String bootstrapServers;

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

    @Option(names = "--model", paramLabel = "MODEL", description = "Model artifact (default: the bundled model).")
    Path model;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out", defaultValue = "out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Extra Kafka client properties (e.g. SASL/SSL) for every consumer and producer.")
    Path kafkaProperties;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE",
            description = "Any job option, e.g. -D streamcast.anomaly.threshold=0.6 (see the README for all keys).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        Map<String, String> conf = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            conf.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (kafkaProperties != null) {
            conf.put(ForecastOptions.KAFKA_PROPERTIES_FILE.key(), kafkaProperties.toString());
        }
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(Configuration.fromMap(conf));
        ModelBundle bundle = model == null ? ModelBundle.bundledDefault() : ModelBundle.fromFile(model);
        String fileSource;
        if ("kafka".equals(source)) {
            fileSource = null;
        } else if (source.startsWith("file:")) {
            fileSource = source;
        } else {
            throw new IllegalArgumentException("--source must be 'kafka' or 'file:PATH', got '" + source + "'");
        }
        LocalRun.Summary summary = new LocalRun(new LocalRun.Options(config, bundle, parallelism, follow, fileSource,
                input, !noReplay, out), System.out).run();
        System.out.println(summary.line());
        return 0;
    }
}
