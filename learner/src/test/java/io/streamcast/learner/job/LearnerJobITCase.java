package io.streamcast.learner.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.TestTopics;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner job beside the forecast job on a MiniCluster and an in-process broker, with real DL4J training: the
 * learner learns a version mid-stream, announces it on the models topic and the forecast job swaps to it (records
 * name the version; none lost or duplicated); a learner stopped with a savepoint and started from it keeps its
 * sample and schedule.
 */
@Timeout(600)
class LearnerJobITCase {
    static final int KEYS = 5;
    static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final String START_VERSION = "start-v1";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    @TempDir
    Path tmp;

    /** A round every 12 days of event time: the first at hour 288, trained on 264 hours per key. */
    static LearnerConfig learner() {
        return LearnerConfig.builder().maxKeys(64).pointsPerKey(512).holdout(24).everyEvents(0)
                .everyEventTime(Duration.ofDays(12)).minPoints(0).epochs(6).patience(2).build();
    }

    @Test
    void theLearnerLearnsAVersionMidStreamAndTheForecastJobSwapsToIt() throws Exception {
        Map<String, String> s = settings("learn-swap");
        Configuration conf = Configuration.fromMap(s);
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic());
        kafka.createTopics(1, c.deadLetterTopic(), control.modelsTopic(), control.modelErrorsTopic());

        StreamExecutionEnvironment forecastEnv = env(2, null);
        var source = KafkaEventSource.builder().bootstrapServers(c.bootstrapServers()).topics(c.eventsTopic())
                .groupId(c.groupId()).startingOffsets("earliest").validation(KafkaWiring.validation(c)).build();
        new ForecastJob(c, start(), source, KafkaWiring.forecastsSink(c), KafkaWiring.anomaliesSink(c),
                KafkaWiring.deadLetterSink(c))
                .withModelControl(control, KafkaWiring.modelsSource(c, control, false),
                        KafkaWiring.modelErrorsSink(c, control))
                .build(forecastEnv);
        JobClient forecastJob = forecastEnv.executeAsync("forecast");

        Path store = tmp.resolve("store");
        JobClient learnerJob = startLearner(c, control, store, null, 500, "learner");
        try {
            produce(c.eventsTopic(), 0, 300, 0);
            ModelUpdate update = awaitUpdates(control.modelsTopic(), 1, learnerJob).get(0);
            assertThat(update.getVersion()).startsWith("learned-1-");
            Path artifact = Path.of(URI.create(update.getUri()));
            assertThat(artifact.getParent()).isEqualTo(store);
            assertThat(ModelArtifactReader.sha256(artifact)).isEqualTo(update.getSha256());
            // the round waited for the watermark, so every key's data was in, not only the faster partition's
            assertThat(ModelArtifactReader.read(artifact).provenance().data()).contains("parent " + START_VERSION)
                    .contains(KEYS + " keys");

            // the rest of the stream, an hour at a time, after the announcement
            produce(c.eventsTopic(), 300, 360, 30);
            List<ForecastRecord> records = awaitForecasts(c.forecastsTopic(), KEYS * 360);

            Set<String> seen = new HashSet<>();
            Map<String, List<String>> versions = new HashMap<>();
            for (ForecastRecord r : records) {
                assertThat(seen.add(r.getKey() + "@" + r.getTs())).as("duplicate %s", r).isTrue();
                versions.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r.getModelVersion());
            }
            assertThat(versions).hasSize(KEYS);
            for (List<String> v : versions.values()) {
                assertThat(v).hasSize(360);
                assertThat(v.get(0)).isEqualTo(START_VERSION);
                assertThat(v.get(v.size() - 1)).isEqualTo(update.getVersion());
                int first = v.indexOf(update.getVersion());
                assertThat(v.subList(0, first)).containsOnly(START_VERSION);
                assertThat(v.subList(first, v.size())).containsOnly(update.getVersion());
            }
        } finally {
            learnerJob.cancel().get(60, TimeUnit.SECONDS);
            forecastJob.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The round's time is reached by the watermark of the stream's last event: the watermark arrives after that event,
     * and no event follows it. The round runs all the same (when the watermark arrives, not at a next event).
     */
    @Test
    void aRoundDueAtTheWatermarkOfTheLastEventRunsWithoutAnotherEvent() throws Exception {
        LearnerTopics topics = learnerTopics("learn-last");
        ForecastJobConfig c = topics.job();
        ModelControlConfig control = topics.control();
        // hours 0..287 of every key, then hour 288 of keys 0 and 1, one event in each partition: the second of them
        // to be read lifts the slower partition's watermark, and so the job's, to hour 288, which makes the first
        // round due, and no event follows that watermark
        produce(c.eventsTopic(), 0, 288, 0);
        produce(kafka.bootstrapServers(), c.eventsTopic(), 288, 289, 0, 2);
        JobClient job = startLearner(c, control, tmp.resolve("store"), null, 300, "learner-last-event");
        try {
            ModelUpdate update = awaitUpdates(control.modelsTopic(), 1, job).get(0);
            assertThat(update.getVersion()).isEqualTo("learned-1-20260116T235959Z"); // the watermark of hour 288
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLearnerStartedFromItsSavepointKeepsItsSampleAndSchedule() throws Exception {
        LearnerTopics topics = learnerTopics("learn-restart");
        ForecastJobConfig c = topics.job();
        ModelControlConfig control = topics.control();
        Path store = tmp.resolve("store");

        // hours 0..199: no round yet (the first is due at hour 288)
        produce(c.eventsTopic(), 0, 200, 0);
        JobClient job = startLearner(c, control, store, null, 300, "learner-first");
        awaitConsumed(job, c.groupId() + LearnerJob.GROUP_SUFFIX, c.eventsTopic(), KEYS * 200L);
        String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
        assertThat(TopicReader.readAll(kafka.bootstrapServers(), control.modelsTopic(), Duration.ofSeconds(5)))
                .isEmpty();

        // hours 200..299 after the restart: the round at hour 288 trains on data from hour 0, which only the
        // restored sample holds (a learner starting over would have begun its clock at hour 200)
        JobClient resumed = startLearner(c, control, store, savepoint, 300, "learner-second");
        try {
            produce(c.eventsTopic(), 200, 300, 0);
            ModelUpdate update = awaitUpdates(control.modelsTopic(), 1, resumed).get(0);
            ModelArtifact a = ModelArtifactReader.read(Path.of(URI.create(update.getUri())));
            assertThat(a.provenance().data()).contains("event time " + Instant.ofEpochMilli(T0));
            assertThat(a.provenance().validationMetrics().get("round")).isEqualTo(1.0);
        } finally {
            resumed.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    static Map<String, String> settings(String prefix) {
        return settings(kafka.bootstrapServers(), prefix);
    }

    /** The settings of a learner run alone, {@link #settings}, with its events (two partitions) and models topics made. */
    private LearnerTopics learnerTopics(String prefix) {
        Configuration conf = Configuration.fromMap(settings(prefix));
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        kafka.createTopics(2, c.eventsTopic());
        kafka.createTopics(1, control.modelsTopic());
        return new LearnerTopics(c, control);
    }

    private record LearnerTopics(ForecastJobConfig job, ModelControlConfig control) {}

    /** The job's settings on topics of their own ({@link TestTopics}), checkpoints every 300 ms. */
    static Map<String, String> settings(String bootstrap, String prefix) {
        Map<String, String> s = TestTopics.settings(TestTopics.unique(prefix), bootstrap);
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        return s;
    }

    /**
     * The learner job ({@link #learner()}, starting from {@link #start()}) on the events topic of {@code c}, its store
     * in {@code store}, announcing to the models topic, checkpoints every {@code checkpointMillis}; from
     * {@code savepoint} unless null.
     */
    static JobClient startLearner(ForecastJobConfig c, ModelControlConfig control, Path store, String savepoint,
            long checkpointMillis, String name) throws Exception {
        StreamExecutionEnvironment env = env(1, savepoint);
        env.enableCheckpointing(checkpointMillis);
        new LearnerJob(learner(), start(), store.toUri().toString(), LearnerJob.eventsSource(c, false),
                LearnerJob.modelsSink(c, control)).build(env);
        return env.executeAsync(name);
    }

    static StreamExecutionEnvironment env(int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** An untrained LSTM, 8 units, horizon 4, value and calendar features. */
    static ModelBundle start() {
        FeatureSpec features = FeatureSpec.VALUE_AND_CALENDAR;
        int d = features.size();
        int h = 8;
        int k = 4;
        SplittableRandom rnd = new SplittableRandom(7);
        LayerWeights layer = new LayerWeights(CellType.LSTM, d, h, random(rnd, d * 4 * h), random(rnd, h * 4 * h),
                random(rnd, 4 * h));
        ForecastModel m = new ForecastModel(List.of(layer), new DenseHead(h, k, random(rnd, h * k), random(rnd, k)),
                features, k);
        ModelArtifact a = ModelArtifact.of(m, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH), START_VERSION);
        return ModelBundle.fromBytes(ModelArtifactWriter.toBytes(a), START_VERSION);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rnd.nextDouble(-0.35, 0.35);
        }
        return f;
    }

    /** Hours [from, to) of every key ({@link #values}). */
    static void produce(String topic, int from, int to, long pauseMillis) throws Exception {
        produce(kafka.bootstrapServers(), topic, from, to, pauseMillis);
    }

    /** As {@link #produce(String, int, int, long)}, to the broker at {@code bootstrap}. */
    static void produce(String bootstrap, String topic, int from, int to, long pauseMillis) throws Exception {
        produce(bootstrap, topic, from, to, pauseMillis, KEYS);
    }

    /** Hours [from, to) of keys 0 .. keys − 1, key k to partition k mod 2 ({@link TestTopics#produce}). */
    static void produce(String bootstrap, String topic, int from, int to, long pauseMillis, int keys)
            throws Exception {
        double[][] values = values(to);
        Map<String, List<Event>> series = new LinkedHashMap<>();
        for (int key = 0; key < keys; key++) {
            List<Event> events = new ArrayList<>(to);
            for (int t = 0; t < to; t++) {
                events.add(new Event("key-" + key, T0 + t * HOUR, values[key][t]));
            }
            series.put("key-" + key, events);
        }
        TestTopics.produce(bootstrap, topic, series, from, to, pauseMillis);
    }

    /** Hours [0, to) of every key: level, daily season, AR(1) noise (the same series on every call). */
    static double[][] values(int to) {
        double[][] values = new double[KEYS][to];
        for (int key = 0; key < KEYS; key++) {
            SplittableRandom rnd = new SplittableRandom(100 + key);
            double x = 0;
            for (int t = 0; t < to; t++) {
                x = 0.9 * x + rnd.nextDouble(-1, 1);
                values[key][t] = 20 + 5 * key + (3 + key) * Math.sin(2 * Math.PI * ((t + 3 * key) % 24) / 24.0) + x;
            }
        }
        return values;
    }

    static List<ModelUpdate> awaitUpdates(String topic, int n, JobClient learner) throws Exception {
        return awaitUpdates(kafka.bootstrapServers(), topic, n, learner);
    }

    static List<ModelUpdate> awaitUpdates(String bootstrap, String topic, int n, JobClient learner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true) {
            List<ModelUpdate> got = TopicReader.readAll(bootstrap, topic, Duration.ofSeconds(10))
                    .stream().map(r -> JsonCodec.fromJson(r.value(), ModelUpdate.class)).toList();
            if (got.size() >= n) {
                return got;
            }
            assertThat(learner.getJobStatus().get().isGloballyTerminalState()).as("learner job ended").isFalse();
            assertThat(System.nanoTime()).as("%d updates on %s", n, topic).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    static List<ForecastRecord> awaitForecasts(String topic, int n) throws Exception {
        return awaitForecasts(kafka.bootstrapServers(), topic, n);
    }

    static List<ForecastRecord> awaitForecasts(String bootstrap, String topic, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            List<ForecastRecord> got = TopicReader.readAll(bootstrap, topic, Duration.ofSeconds(10))
                    .stream().map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).toList();
            if (got.size() >= n) {
                Thread.sleep(1000);
                return TopicReader.readAll(bootstrap, topic, Duration.ofSeconds(10)).stream()
                        .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).toList();
            }
            assertThat(System.nanoTime()).as("%d forecasts on %s (have %d)", n, topic, got.size())
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Waits until the learner's consumer group has committed offsets covering {@code n} records. */
    static void awaitConsumed(JobClient job, String group, String topic, long n) throws Exception {
        awaitConsumed(kafka.bootstrapServers(), group, topic, n);
    }

    static void awaitConsumed(String bootstrap, String group, String topic, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            while (true) {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                        .entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                        .mapToLong(e -> e.getValue().offset()).sum();
                if (committed >= n) {
                    return;
                }
                assertThat(System.nanoTime()).as("learner consumed %d of %s", n, topic).isLessThan(deadline);
                Thread.sleep(300);
            }
        }
    }
}
