package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The models topic deleted and created again, on an in-process broker that does not create topics on demand (as a
 * production cluster usually does not), while the forecast job runs and while it is stopped: the job keeps serving
 * while the topic is gone, and reads the new topic from its beginning, so that the first version announced on it is
 * put in service although the job's position in the old topic lies beyond it ({@code ModelsTopicSource}).
 */
@Timeout(300)
class ModelsTopicRecreatedITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    static final ModelBundle A = TestModels.bundle();
    static final String B_VERSION = "test-lstm-h8-recreated";
    static final int KEYS = 4;

    /** A broker that does not create topics on demand, as production brokers are often configured. */
    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2,
            Map.of("auto.create.topics.enable", "false"));

    @TempDir
    Path dir;

    /**
     * The topic holds the announcement of the version in service, which the job has read (its models reader is past
     * offset 0). The topic is deleted; the job serves on for several of the models source's partition discoveries
     * (every 5 minutes by default, every second here) with the topic gone. The topic is created again and a new
     * version is announced on it at once, as a learner waiting for the topic does: at offset 0 of the new topic,
     * behind the old topic's position. Every key swaps to it, and every event is forecast exactly once.
     */
    @Test
    void aRunningJobServesWithoutItsModelsTopicAndReadsTheTopicCreatedAgainFromItsBeginning() throws Exception {
        Map<String, String> s = settings("recreated");
        TestTopics.Running running = TestTopics.startWithModelControl(kafka, s, A, PARALLELISM, "models-topic-recreated");
        ForecastJobConfig c = running.config();
        ModelControlConfig control = running.control();
        JobClient job = running.job();
        try {
            Map<String, List<Event>> series = series();
            announceTheVersionInServiceAndServe(c, control, series, job);

            // the topic is gone: serving goes on, across several partition discoveries of the models source
            deleteModelsTopic(control);
            long goneSince = System.nanoTime();
            produce(c.eventsTopic(), series, 100, 200, 0);
            awaitCount(c.forecastsTopic(), 800, job);
            while (System.nanoTime() - goneSince < TimeUnit.SECONDS.toNanos(4)) {
                assertRunning(job, "the forecast job with its models topic gone");
                Thread.sleep(200);
            }

            // created again, and a new version announced on it at once
            kafka.createTopics(1, control.modelsTopic());
            announceB(control);
            produce(c.eventsTopic(), series, 200, 250, 20);
            awaitVersion(c.forecastsTopic(), B_VERSION, job);
            produce(c.eventsTopic(), series, 250, 300, 0);
            awaitCount(c.forecastsTopic(), 1200, job);
            assertEveryEventForecastOnceSwappingToB(c, series, 300, 200, 250);
            assertRunning(job, "the forecast job");
        } finally {
            cancel(job);
        }
    }

    /**
     * The job is stopped with a savepoint after it has read the topic's announcement of the version in service (the
     * savepoint holds offset 1). While it is stopped the topic is deleted, created again, and a new version announced
     * on it: at offset 0, so that offset 1 is the new topic's end, where a reader resuming at the savepoint's offset
     * would wait behind the announcement. Resumed from the savepoint, the job reads the new topic from its beginning:
     * every key swaps to the new version, and every event is forecast exactly once across the stop.
     */
    @Test
    void aJobResumedAfterItsModelsTopicWasCreatedAgainReadsTheNewTopicFromItsBeginning() throws Exception {
        Map<String, String> s = settings("resumed");
        TestTopics.Running running = TestTopics.startWithModelControl(kafka, s, A, PARALLELISM, "models-topic-resumed");
        ForecastJobConfig c = running.config();
        ModelControlConfig control = running.control();
        JobClient job = running.job();
        Map<String, List<Event>> series = series();
        Path savepoint;
        try {
            announceTheVersionInServiceAndServe(c, control, series, job);
            savepoint = GoldenJobSavepoint.stopWithSavepoint(job, dir.resolve("savepoints"));
        } finally {
            cancel(job);
        }

        deleteModelsTopic(control);
        kafka.createTopics(1, control.modelsTopic());
        announceB(control);

        job = TestTopics.runWithModelControl(s, A, PARALLELISM, "models-topic-resumed-2",
                SavepointRestoreSettings.forPath(savepoint.toUri().toString(), false)).job();
        try {
            produce(c.eventsTopic(), series, 100, 150, 20);
            awaitVersion(c.forecastsTopic(), B_VERSION, job);
            produce(c.eventsTopic(), series, 150, 200, 0);
            awaitCount(c.forecastsTopic(), 800, job);
            assertEveryEventForecastOnceSwappingToB(c, series, 200, 100, 150);
            assertRunning(job, "the resumed forecast job");
        } finally {
            cancel(job);
        }
    }

    /** The job's settings on topics of their own: checkpoints every 300 ms, the models source's discovery every second. */
    Map<String, String> settings(String prefix) throws Exception {
        Path clientProperties = dir.resolve(prefix + "-client.properties");
        Files.writeString(clientProperties, "partition.discovery.interval.ms=1000\n");
        Map<String, String> s = TestTopics.settings(TestTopics.unique(prefix), kafka.bootstrapServers());
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        s.put(ForecastOptions.KAFKA_PROPERTIES_FILE.key(), clientProperties.toString());
        return s;
    }

    static Map<String, List<Event>> series() {
        Map<String, List<Event>> series = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            series.put("key-" + k, TestModels.series("key-" + k, 300, Math.pow(10, k), 700 + k));
        }
        return series;
    }

    /**
     * Announces the version in service on the models topic, waits until the job has read it (passed over: already in
     * service) and committed offset 1, then serves events 0 to 99 of every key with it.
     */
    void announceTheVersionInServiceAndServe(ForecastJobConfig c, ModelControlConfig control,
                                             Map<String, List<Event>> series, JobClient job) throws Exception {
        byte[] aBytes = TestModels.artifactBytes(8, 11L, TestModels.VERSION);
        assertThat(ModelArtifactReader.sha256(aBytes)).isEqualTo(A.sha256());
        publish(control.modelsTopic(), JsonCodec.toJson(TestTopics.update(dir, TestModels.VERSION, aBytes, aBytes)));
        awaitCommitted(c.groupId() + "-models", new TopicPartition(control.modelsTopic(), 0), 1);
        produce(c.eventsTopic(), series, 0, 100, 0);
        awaitCount(c.forecastsTopic(), KEYS * 100, job);
        assertThat(forecasts(c.forecastsTopic())).extracting(ForecastRecord::getModelVersion)
                .containsOnly(TestModels.VERSION);
    }

    void announceB(ModelControlConfig control) throws Exception {
        byte[] bBytes = TestModels.artifactBytes(8, 31L, B_VERSION);
        publish(control.modelsTopic(), JsonCodec.toJson(TestTopics.update(dir, B_VERSION, bBytes, bBytes)));
    }

    static void deleteModelsTopic(ModelControlConfig control) throws Exception {
        try (Admin admin = kafka.broker().admin()) {
            admin.deleteTopics(List.of(control.modelsTopic())).all().get(30, TimeUnit.SECONDS);
            awaitAbsent(admin, control.modelsTopic());
        }
    }

    /**
     * Every event of the first {@code events} of each key forecast exactly once, by the version in service up to a
     * point between event {@code from} and {@code to}, and by the new version from there on.
     */
    static void assertEveryEventForecastOnceSwappingToB(ForecastJobConfig c, Map<String, List<Event>> series, int events,
                                                        int from, int to) throws Exception {
        List<ForecastRecord> all = forecasts(c.forecastsTopic());
        assertThat(all).hasSize(KEYS * events);
        Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));
        for (Map.Entry<String, List<Event>> e : series.entrySet()) {
            List<ForecastRecord> got = new ArrayList<>(byKey.get(e.getKey()));
            got.sort(Comparator.comparingLong(ForecastRecord::getTs));
            assertThat(got).extracting(ForecastRecord::getTs).containsExactlyElementsOf(
                    e.getValue().subList(0, events).stream().map(Event::getTimestampMillis).toList());
            int swap = (int) got.stream().takeWhile(r -> r.getModelVersion().equals(TestModels.VERSION)).count();
            assertThat(swap).as("key %s: the version in service until the announcement on the new topic", e.getKey())
                    .isBetween(from, to);
            assertThat(got.subList(swap, got.size())).as("key %s: the new version from the swap on", e.getKey())
                    .allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(B_VERSION));
        }
    }

    static void cancel(JobClient job) throws Exception {
        if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Asserts that {@code job} runs; when it has failed, the message names its failure. */
    static void assertRunning(JobClient job, String what) throws Exception {
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status == JobStatus.FAILED) {
            Throwable failure = null;
            try {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            throw new AssertionError(what + " has failed", failure);
        }
        assertThat(status).as(what).isEqualTo(JobStatus.RUNNING);
    }

    static void publish(String topic, String json) throws Exception {
        TestTopics.publish(kafka.bootstrapServers(), topic, json);
    }

    static void produce(String topic, Map<String, List<Event>> series, int from, int to, long pauseMillis) throws Exception {
        TestTopics.produce(kafka.bootstrapServers(), topic, series, from, to, pauseMillis);
    }

    static List<ForecastRecord> forecasts(String topic) throws Exception {
        return TestTopics.forecasts(kafka.bootstrapServers(), topic);
    }

    /** Waits until {@code topic} holds {@code n} committed records, and asserts that it holds no more. */
    static void awaitCount(String topic, long n, JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long have;
        while ((have = TopicReader.forEach(kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> { })) < n) {
            assertRunning(job, "the forecast job");
            assertThat(System.nanoTime()).as("%d records on %s (have %d)", n, topic, have).isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(have).as("no more than %d records on %s", n, topic).isEqualTo(n);
    }

    /** Waits until a forecast record names {@code version}. */
    static void awaitVersion(String topic, String version, JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (forecasts(topic).stream().noneMatch(r -> r.getModelVersion().equals(version))) {
            assertRunning(job, "the forecast job");
            assertThat(System.nanoTime()).as("a forecast by %s", version).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    /** Waits until the group has committed {@code offset} for {@code tp} (the job commits when a checkpoint completes). */
    static void awaitCommitted(String group, TopicPartition tp, long offset) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = kafka.broker().admin()) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                OffsetAndMetadata o = committed.get(tp);
                if (o != null && o.offset() >= offset) {
                    return;
                }
                assertThat(System.nanoTime()).as("offset %d of %s committed by %s (have %s)", offset, tp, group, committed)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    static void awaitAbsent(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            assertThat(System.nanoTime()).as("%s deleted", topic).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
