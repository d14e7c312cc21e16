package io.streamcast.learner.job;

import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.options.JobOptionsMixin;
import io.streamcast.jobs.options.KafkaMixin;
import io.streamcast.learner.options.LearnerMixin;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The learner job's entry point on a Flink cluster:
 * {@code flink run -d -c io.streamcast.learner.job.LearnerJobMain streamcast-learner.jar --bootstrap-servers HOST:PORT
 * --model-store URI [--model MODEL.scm]}. The job options ({@code -D streamcast.*}) are the forecast job's, so both
 * name the same events and models topics; {@code --model} is the model the forecast job serves when the learner
 * starts (the bundled default if not given). It only wires, then executes.
 */
@Command(name = "learner-job", mixinStandardHelpOptions = true, modelTransformer = KafkaMixin.RequireBootstrapServers.class,
        description = "Submit the Streamcast learner job (events topic in, models topic out) to the Flink cluster the "
                + "CLI targets.")
public final class LearnerJobMain implements Callable<Integer> {

    @Mixin
    JobOptionsMixin options;

    @Mixin
    LearnerMixin learner;

    @Option(names = "--model-store", required = true, paramLabel = "URI",
            description = "Where learned versions are written: a directory or any Flink file system URI every "
                    + "TaskManager of the forecast job can read, e.g. file:///models or s3://bucket/models.")
    String store;

    @Option(names = "--job-name", defaultValue = "streamcast-learner", description = "Job name (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Override
    public Integer call() throws Exception {
        Configuration conf = options.configuration();
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(pipeline);
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        new LearnerJob(learner.config(), options.bundle(), store, LearnerJob.eventsSource(config, false),
                LearnerJob.modelsSink(config, control), config.outOfOrderness(), config.idleness()).build(env);
        env.execute(jobName);
        return 0;
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LearnerJobMain());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
