package io.streamcast.tools.local;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.learner.job.LearnerJob;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code run --learn}: the forecast job with model control and the learner job side by side on one local
 * mini-cluster and an in-process broker, the bundled sample (or {@code --input}) replayed into the events topic in
 * event time at {@code speedup} (so that a round can finish while the stream is still running, as it would live),
 * then a summary of how many forecasts each model version made.
 *
 * <p>Both jobs read the events topic unbounded; when the replay is done and every event the forecast job accepts has
 * its forecast (the number of the topic's events minus the job's dead letters), both are cancelled.
 */
public final class LearningRun {

    /**
     * @param config   the job settings (topics, groups); the in-process broker's address is filled in
     * @param control  the model control settings (models and model-errors topics)
     * @param model    the model served at the start, and the learner's first parent
     * @param learner  the learner's settings
     * @param store    where learned versions are written
     * @param input    a recorded file or directory to replay, or null for the bundled sample
     * @param speedup  event time per wall-clock time of the replay
     * @param parallelism the forecast job's parallelism
     * @param outDir   where forecasts.csv goes
     */
    public record Options(ForecastJobConfig config, ModelControlConfig control, ModelBundle model,
            LearnerConfig learner, Path store, Path input, double speedup, int parallelism, Path outDir) {
    }

    /** What the run did: the forecasts per model version, in the order the versions first served. */
    public record Summary(long eventsIn, long forecastsOut, long deadLettered, Map<String, Long> byVersion,
            long announced, Path csv, Duration took) {
        public String line() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "events in: %d, forecasts out: %d, "
                    + "dead-lettered: %d; forecasts written to %s; %.1f s%nlearned versions announced: %d (refused "
                    + "rounds are logged by io.streamcast.learner.core.Learner at WARN); forecasts per model version:",
                    eventsIn, forecastsOut, deadLettered, csv, took.toMillis() / 1000.0, announced));
            byVersion.forEach((v, n) -> sb.append(String.format(Locale.ROOT, "%n  %s: %d", v, n)));
            return sb.toString();
        }
    }

    private final Options o;
    private final PrintStream log;

    public LearningRun(Options options, PrintStream log) {
        this.o = options;
        this.log = log;
    }

    public Summary run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(o.outDir());
        Path csv = o.outDir().resolve("forecasts.csv");
        log.println("starting an in-process Kafka broker (KRaft) ...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            ForecastJobConfig config = o.config().withBootstrapServers(broker.bootstrapServers());
            ModelControlConfig control = o.control();
            KafkaClientSettings client = config.kafkaClient();
            LocalRun.createTopics(client, config);
            try (Admin admin = Admin.create(client.toProperties())) {
                admin.createTopics(List.of(new NewTopic(control.modelsTopic(), 1, (short) 1),
                        new NewTopic(control.modelErrorsTopic(), 1, (short) 1))).all().get();
            }

            StreamExecutionEnvironment forecastEnv = environment(o.parallelism());
            new ForecastJob(config, o.model(), KafkaWiring.source(config, false), KafkaWiring.forecastsSink(config),
                    KafkaWiring.anomaliesSink(config), KafkaWiring.deadLetterSink(config))
                    .withModelControl(control, KafkaWiring.modelsSource(config, control, false),
                            KafkaWiring.modelErrorsSink(config, control))
                    .build(forecastEnv);
            JobClient forecast = forecastEnv.executeAsync("streamcast-forecast");
            StreamExecutionEnvironment learnerEnv = environment(1);
            learnerEnv.enableCheckpointing(config.checkpointInterval().toMillis());
            new LearnerJob(o.learner(), o.model(), o.store().toAbsolutePath().toUri().toString(),
                    LearnerJob.eventsSource(config, false), LearnerJob.modelsSink(config, control),
                    config.outOfOrderness(), config.idleness()).build(learnerEnv);
            JobClient learner = learnerEnv.executeAsync("streamcast-learner");
            log.printf(Locale.ROOT, "running the forecast job (parallelism %d, model %s) and the learner job "
                            + "(sample bound %d bytes, model store %s) in a local mini-cluster%n", o.parallelism(),
                    o.model().modelVersion(), o.learner().sampleBoundBytes(), o.store());
            try {
                long sent = replay(client, config.eventsTopic());
                log.printf(Locale.ROOT, "replayed %d records into topic '%s' at %.0fx event time%n", sent,
                        config.eventsTopic(), o.speedup());
                Duration timeout = Duration.ofSeconds(30);
                long eventsIn = TopicReader.forEach(client, config.eventsTopic(), timeout, r -> { });
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (true) {
                    long dead = TopicReader.forEach(client, config.deadLetterTopic(), timeout, r -> { });
                    long forecasts = TopicReader.forEach(client, config.forecastsTopic(), timeout, r -> { });
                    if (forecasts + dead >= eventsIn || System.nanoTime() > deadline) {
                        break;
                    }
                    Thread.sleep(500);
                }
            } finally {
                learner.cancel().get(60, TimeUnit.SECONDS);
                forecast.cancel().get(60, TimeUnit.SECONDS);
            }
            Duration timeout = Duration.ofSeconds(30);
            long eventsIn = TopicReader.forEach(client, config.eventsTopic(), timeout, r -> { });
            long dead = TopicReader.forEach(client, config.deadLetterTopic(), timeout, r -> { });
            List<ForecastRecord> forecasts = new ArrayList<>();
            TopicReader.forEach(client, config.forecastsTopic(), timeout,
                    r -> forecasts.add(JsonCodec.fromJson(r.value(), ForecastRecord.class)));
            long announced = TopicReader.forEach(client, control.modelsTopic(), timeout, r -> { });
            Map<String, Long> byVersion = new TreeMap<>();
            for (ForecastRecord r : forecasts) {
                byVersion.merge(r.getModelVersion(), 1L, Long::sum);
            }
            LocalRun.writeCsv(csv, forecasts);
            return new Summary(eventsIn, forecasts.size(), dead, byVersion, announced, csv,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    private long replay(KafkaClientSettings client, String topic) throws Exception {
        Path input = o.input();
        Path temp = null;
        if (input == null) {
            temp = Files.createTempFile("streamcast-sample", ".jsonl");
            try (InputStream in = LocalRun.class.getResourceAsStream(LocalRun.SAMPLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled sample " + LocalRun.SAMPLE_RESOURCE
                            + " is missing from the class path");
                }
                Files.copy(new GZIPInputStream(in), temp, StandardCopyOption.REPLACE_EXISTING);
            }
            input = temp;
        }
        try {
            return ReplayProducer.builder().client(client).topic(topic).speedup(o.speedup()).build().replay(input);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
