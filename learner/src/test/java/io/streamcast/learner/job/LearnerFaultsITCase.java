package io.streamcast.learner.job;

import static io.streamcast.learner.job.LearnerJobITCase.HOUR;
import static io.streamcast.learner.job.LearnerJobITCase.KEYS;
import static io.streamcast.learner.job.LearnerJobITCase.START_VERSION;
import static io.streamcast.learner.job.LearnerJobITCase.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.broker.EmbeddedKafkaCluster;
import io.streamcast.connectors.kafka.JsonKafkaSink;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults around the learner job, on a MiniCluster and in-process brokers that do not create topics on demand (as a
 * production cluster usually does not), with real DL4J training: the models topic gone, or its broker down, when the
 * learner announces a version, and the learner's restart from its last checkpoint after that failure.
 */
@Timeout(600)
class LearnerFaultsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    /** A broker that does not create topics on demand: a deleted models topic stays deleted. */
    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2,
            Map.of("auto.create.topics.enable", "false"));

    @TempDir
    Path tmp;

    /**
     * The models topic is deleted before the learner's first round. The accepted version is written to the store,
     * its announcement cannot be delivered, and the learner job fails at its next checkpoint (the at-least-once sink
     * flushes there) and restarts from its last completed checkpoint, which holds the sample from hour 0 and the
     * schedule; it runs the round again and fails again until the topic is back, then announces the version. The
     * forecast job serves every event with the model it had all along.
     */
    @Test
    void anAnnouncementTheModelsTopicCannotTakeRestartsTheLearnerFromItsCheckpointWhileServingContinues()
            throws Exception {
        String bs = kafka.bootstrapServers();
        Configuration conf = Configuration.fromMap(LearnerJobITCase.settings(bs, "models-gone"));
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic());
        kafka.createTopics(1, c.deadLetterTopic(), control.modelsTopic(), control.modelErrorsTopic());

        JobClient forecastJob = startForecastJob(c, control);
        Path store = tmp.resolve("store");
        // the producer waits 3 s (not the default minute) for a topic it cannot find before it gives up
        JobClient learnerJob = startLearner(c, control, store, c.kafkaClient().withProperty("max.block.ms", "3000"));
        try {
            // hours 0..199, no round yet; a checkpoint holding them completes (the group's offsets are committed
            // when a checkpoint completes), so a restore starts reading after them
            LearnerJobITCase.produce(bs, c.eventsTopic(), 0, 200, 0);
            LearnerJobITCase.awaitConsumed(bs, c.groupId() + LearnerJob.GROUP_SUFFIX, c.eventsTopic(), KEYS * 200L);
            try (Admin admin = kafka.broker().admin()) {
                admin.deleteTopics(List.of(control.modelsTopic())).all().get(30, TimeUnit.SECONDS);
            }
            // hours 200..299: the round at hour 288 is accepted, its announcement has nowhere to go
            LearnerJobITCase.produce(bs, c.eventsTopic(), 200, 300, 0);

            String rest = restAddress();
            awaitArtifactAndRestarts(store, rest, learnerJob, 1);
            // reported: the job's failure names the models topic, and Flink's numRestarts counts it
            assertThat(exceptionHistory(rest, learnerJob)).contains(control.modelsTopic())
                    .contains("not present in metadata");
            Path artifact = artifacts(store).get(0);
            assertThat(artifact.getFileName().toString()).startsWith("learned-1-");

            assertServingUnchanged(bs, c.forecastsTopic(), forecastJob);

            // the topic is back, and the stream goes on (hour 300): the round runs again from the restored sample and
            // schedule, and is announced
            kafka.createTopics(1, control.modelsTopic());
            LearnerJobITCase.produce(bs, c.eventsTopic(), 300, 301, 0);
            ModelUpdate update = LearnerJobITCase.awaitUpdates(bs, control.modelsTopic(), 1, learnerJob).get(0);
            Path announced = assertAnnouncedFromTheStore(update, store, artifact);
            ModelArtifact a = ModelArtifactReader.read(announced);
            // the sample: from hour 0, which the restored source offsets (after hour 199) no longer deliver
            assertThat(a.provenance().data()).contains("event time " + Instant.ofEpochMilli(T0))
                    .contains(KEYS + " keys");
            // the schedule: still the first round, due at hour 288 of the clock started at hour 0
            assertThat(a.provenance().validationMetrics().get("round")).isEqualTo(1.0);
        } finally {
            learnerJob.cancel().get(60, TimeUnit.SECONDS);
            forecastJob.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The broker of the models topic stops before the learner's first round (a cluster of two brokers: the models
     * topic on one, every other topic and the group and transaction coordinators on the other, which keeps serving).
     * The accepted version is written to the store; its announcement cannot reach the topic's broker, so the learner's
     * producer gives up when the announcement has waited {@code delivery.timeout.ms} (2 minutes by default, 5 s
     * here), the sink's flush at the next checkpoint throws Kafka's reason and the learner job fails and restarts from
     * its last checkpoint, again and again while the broker is down. The forecast job serves every event with the
     * model it had. The broker started again, the version is announced and the forecast job swaps to it.
     */
    @Test
    void anAnnouncementWhoseBrokerIsDownRestartsTheLearnerUntilTheBrokerIsBack() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(2, Map.of("auto.create.topics.enable", "false"))) {
            String bs = cluster.bootstrapServers();
            Configuration conf = Configuration.fromMap(LearnerJobITCase.settings(bs, "models-broker-down"));
            ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
            ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
            cluster.createTopics(2, 1, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic());
            cluster.createTopics(1, 1, c.deadLetterTopic(), control.modelErrorsTopic());
            cluster.createTopics(1, 2, control.modelsTopic());

            JobClient forecastJob = startForecastJob(c, control);
            Path store = tmp.resolve("store");
            // the producer gives up on an announcement after 5 s (not the default 2 minutes)
            JobClient learnerJob = startLearner(c, control, store, c.kafkaClient()
                    .withProperties(Map.of("delivery.timeout.ms", "5000", "request.timeout.ms", "3000",
                            "max.block.ms", "3000")));
            try {
                // hours 0..199, no round yet, in a completed checkpoint
                LearnerJobITCase.produce(bs, c.eventsTopic(), 0, 200, 0);
                LearnerJobITCase.awaitConsumed(bs, c.groupId() + LearnerJob.GROUP_SUFFIX, c.eventsTopic(),
                        KEYS * 200L);
                cluster.stop(2);
                // hours 200..299: the round at hour 288 is accepted, its announcement cannot reach the broker
                LearnerJobITCase.produce(bs, c.eventsTopic(), 200, 300, 0);

                String rest = restAddress();
                awaitArtifactAndRestarts(store, rest, learnerJob, 2);
                // reported: Kafka's reason, naming the models topic's partition
                assertThat(exceptionHistory(rest, learnerJob)).contains("Expiring 1 record(s) for "
                        + control.modelsTopic() + "-0").contains("ms has passed since batch creation");
                Path artifact = artifacts(store).get(0);
                assertThat(artifact.getFileName().toString()).startsWith("learned-1-");

                assertServingUnchanged(bs, c.forecastsTopic(), forecastJob);

                // the broker is back and the stream goes on (hour 300): the round runs again and is announced
                cluster.restart(2);
                LearnerJobITCase.produce(bs, c.eventsTopic(), 300, 301, 0);
                ModelUpdate update = LearnerJobITCase.awaitUpdates(bs, control.modelsTopic(), 1, learnerJob).get(0);
                assertAnnouncedFromTheStore(update, store, artifact);

                // and the forecast job, which kept its position in the topic, swaps to it
                LearnerJobITCase.produce(bs, c.eventsTopic(), 301, 330, 100);
                List<ForecastRecord> after = LearnerJobITCase.awaitForecasts(bs, c.forecastsTopic(), KEYS * 330);
                assertThat(after).hasSize(KEYS * 330);
                Map<String, List<String>> versions = after.stream().sorted(Comparator.comparingLong(
                        ForecastRecord::getTs)).collect(Collectors.groupingBy(ForecastRecord::getKey,
                        Collectors.mapping(ForecastRecord::getModelVersion, Collectors.toList())));
                assertThat(versions).hasSize(KEYS).allSatisfy((key, v) -> {
                    assertThat(v.subList(0, 300)).containsOnly(START_VERSION);
                    assertThat(v.get(v.size() - 1)).as("key %s at hour 329", key).isEqualTo(update.getVersion());
                });
            } finally {
                learnerJob.cancel().get(60, TimeUnit.SECONDS);
                forecastJob.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** The forecast job at parallelism 2 with model control, serving {@link LearnerJobITCase#start()}. */
    static JobClient startForecastJob(ForecastJobConfig c, ModelControlConfig control) throws Exception {
        StreamExecutionEnvironment forecastEnv = LearnerJobITCase.env(2, null);
        var source = KafkaEventSource.builder().bootstrapServers(c.bootstrapServers()).topics(c.eventsTopic())
                .groupId(c.groupId()).startingOffsets("earliest").validation(KafkaWiring.validation(c)).build();
        new ForecastJob(c, LearnerJobITCase.start(), source, KafkaWiring.forecastsSink(c),
                KafkaWiring.anomaliesSink(c), KafkaWiring.deadLetterSink(c))
                .withModelControl(control, KafkaWiring.modelsSource(c, control, false),
                        KafkaWiring.modelErrorsSink(c, control))
                .build(forecastEnv);
        return forecastEnv.executeAsync("forecast");
    }

    /**
     * The learner job (checkpoints every 300 ms, restarts every second, up to 100), its models sink at least once
     * with the producer settings of {@code modelsClient}.
     */
    static JobClient startLearner(ForecastJobConfig c, ModelControlConfig control, Path store,
                                  KafkaClientSettings modelsClient) throws Exception {
        Configuration learnerConf = new Configuration();
        learnerConf.set(PipelineOptions.GENERIC_TYPES, false);
        learnerConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        learnerConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        learnerConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment learnerEnv = StreamExecutionEnvironment.getExecutionEnvironment(learnerConf);
        learnerEnv.setParallelism(1);
        learnerEnv.enableCheckpointing(300);
        var models = JsonKafkaSink.<ModelUpdate>builder().client(modelsClient).topic(control.modelsTopic())
                .keyExtractor(ModelUpdate::getVersion).deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        new LearnerJob(LearnerJobITCase.learner(), LearnerJobITCase.start(), store.toUri().toString(),
                LearnerJob.eventsSource(c, false), models).build(learnerEnv);
        return learnerEnv.executeAsync("learner");
    }

    /** Serving continues unchanged: every event of hours 0..299 forecast, all by the model the forecast job started with. */
    static void assertServingUnchanged(String bs, String forecastsTopic, JobClient forecastJob) throws Exception {
        List<ForecastRecord> records = LearnerJobITCase.awaitForecasts(bs, forecastsTopic, KEYS * 300);
        assertThat(records).hasSize(KEYS * 300);
        assertThat(records).extracting(ForecastRecord::getModelVersion).containsOnly(START_VERSION);
        assertThat(forecastJob.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    /**
     * The announcement names an artifact of round 1 in the store, with its SHA-256, and every artifact in the store is
     * one of round 1. Usually there is one: the first round's, written again by each run of the round after a restore,
     * at the watermark of hour 288. But the source does not checkpoint watermarks: when the checkpoint restored had
     * read a partition to its end, that partition holds the restored learner's watermark back until it is idle (30 s)
     * or has new events (hour 300), and the round runs at the watermark then, on the sample it restored and read since,
     * under that time's name (up to hour 300's). Returns the announced artifact.
     */
    static Path assertAnnouncedFromTheStore(ModelUpdate update, Path store, Path first) throws Exception {
        Path announced = store.resolve(update.getVersion() + ".scm");
        assertThat(Path.of(URI.create(update.getUri()))).isEqualTo(announced);
        assertThat(ModelArtifactReader.sha256(announced)).isEqualTo(update.getSha256());
        assertThat(artifacts(store)).contains(first, announced).allSatisfy(a -> {
            String version = a.getFileName().toString().replace(".scm", "");
            assertThat(version).startsWith("learned-1-");
            Instant t = VERSION_TIME.parse(version.substring("learned-1-".length()), Instant::from);
            assertThat(t.toEpochMilli()).as(version).isBetween(T0 + 288 * HOUR - 1000, T0 + 300 * HOUR - 1000);
        });
        return announced;
    }

    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Waits (up to 5 minutes) for an artifact in the store and at least {@code atLeast} restarts of the job. */
    static void awaitArtifactAndRestarts(Path store, String rest, JobClient job, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (artifacts(store).isEmpty() || restarts(rest, job) < atLeast) {
            assertThat(System.nanoTime()).as("an artifact in the store and %d restart(s) of the learner job", atLeast)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    static List<Path> artifacts(Path store) throws Exception {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(store)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".scm")
                    && !p.getFileName().toString().startsWith(".")).sorted().collect(Collectors.toList());
        }
    }

    static String restAddress() {
        Configuration client = MINI_CLUSTER.getClientConfiguration();
        return "http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT);
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    /** The job's numRestarts metric, through Flink's REST API. */
    static long restarts(String rest, JobClient job) throws Exception {
        JsonNode metrics = get(rest + "/jobs/" + job.getJobID() + "/metrics?get=numRestarts");
        for (JsonNode m : metrics) {
            if ("numRestarts".equals(m.get("id").asText())) {
                return Long.parseLong(m.get("value").asText());
            }
        }
        return 0;
    }

    /** Every failure in the job's exception history, as text. */
    static String exceptionHistory(String rest, JobClient job) throws Exception {
        return get(rest + "/jobs/" + job.getJobID() + "/exceptions").toString();
    }

}
