package io.streamcast.jobs;

import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.StartupModel;
import io.streamcast.jobs.options.JobOptionsMixin;
import io.streamcast.jobs.options.KafkaMixin;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The forecast job's entry point on a Flink cluster:
 * {@code flink run -d -c io.streamcast.jobs.ForecastJobMain streamcast-cluster.jar --bootstrap-servers HOST:PORT}.
 * It only wires: Kafka source and sinks from the options, the model read on the client and shipped in the
 * job graph (with model control on: the latest valid update on the models topic, see {@link StartupModel}), the
 * models control topic (hot-swap) unless {@code -D streamcast.model.control.enabled=false},
 * then {@code execute} on the environment the Flink CLI provides.
 *
 * <p>It is the main class of {@code streamcast-cluster.jar}, which carries no Flink runtime, no DL4J and no
 * Kafka broker: keep this class free of the command line's other commands.
 */
@Command(name = "forecast-job", mixinStandardHelpOptions = true, resourceBundle = "io.streamcast.jobs.forecast-job-help",
        modelTransformer = KafkaMixin.RequireBootstrapServers.class,
        description = "Submit the Streamcast forecast job (Kafka in, Kafka out) to the Flink cluster the CLI targets.")
public final class ForecastJobMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastJobMain.class);

    /** How long reading the models topic at submission may take before the submission fails with a message. */
    static final Duration STARTUP_READ_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    JobOptionsMixin options;

    @Option(names = "--bounded", description = "Stop at the offsets that are the latest when the job starts (replays).")
    boolean bounded;

    @Option(names = "--job-name", defaultValue = "streamcast-forecast", description = "Job name (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Override
    public Integer call() throws Exception {
        Configuration conf = options.configuration();
        StartupModel startup = startupModel(conf, options.bundle());
        LOG.info("Model at start-up: {}", startup.reason());
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(pipeline);
        job(conf, startup, bounded).build(env);
        // shown by the web UI and REST (job configuration, user-config): the streamcast.* options in force, secrets masked
        env.getConfig().setGlobalJobParameters(EffectiveOptions.asJobParameters(options.options()));
        env.execute(jobName);
        return 0;
    }

    /**
     * The job this entry point submits, wired from {@code options} (keys of {@link ForecastOptions} and
     * {@link io.streamcast.jobs.control.ModelControlOptions}): Kafka source and sinks, and the models topic unless
     * model control is disabled. Tests that must run exactly what a cluster runs (savepoints) build it here.
     */
    public static ForecastJob job(Configuration options, ModelBundle bundle, boolean bounded) {
        return job(options, StartupModel.submitted(bundle, "the submitted model"), bounded);
    }

    /** {@link #job(Configuration, ModelBundle, boolean)} serving the model decided by {@link #startupModel}. */
    public static ForecastJob job(Configuration options, StartupModel startup, boolean bounded) {
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(options);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(options);
        ForecastJob job = new ForecastJob(config, startup.bundle(), KafkaWiring.source(config, bounded),
                KafkaWiring.forecastsSink(config), KafkaWiring.anomaliesSink(config), KafkaWiring.deadLetterSink(config));
        return control.enabled()
                ? job.withModelControl(control, KafkaWiring.modelsSource(config, control, bounded, startup.modelsFrom()),
                        KafkaWiring.modelErrorsSink(config, control))
                : job.withSwapPolicy(control);
    }

    /**
     * The model a new job serves from its first event: with model control on, the latest valid update on the models
     * topic (read here, on the client), else {@code submitted}. See {@link StartupModel}.
     */
    public static StartupModel startupModel(Configuration options, ModelBundle submitted) {
        ModelControlConfig control = ModelControlConfig.fromConfiguration(options);
        if (!control.enabled()) {
            return StartupModel.submitted(submitted, "serving the submitted model " + submitted.modelVersion()
                    + " (model control is off)");
        }
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(options);
        return StartupModel.resolve(submitted, config.kafkaClient(), control, STARTUP_READ_TIMEOUT);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ForecastJobMain());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
