package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlError;
import io.streamcast.jobs.control.ModelRefusal;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model hot-swap through the models topic, end to end: a running job at parallelism 2 on Kafka; a good update
 * mid-stream switches every key from the old version to the new one (state kept: same architecture) with no
 * forecast lost; bad updates (wrong SHA-256, a corrupted file, malformed JSON) become control errors on the
 * model-errors topic and the new version stays in service. A key silent for longer than the state TTL starts
 * afresh: event-time timers fire although the control input carries no event time.
 */
@Timeout(300)
class ModelHotSwapITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    static final ModelBundle A = TestModels.bundle();
    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    @TempDir
    Path models;

    @Test
    void aSwapMidStreamSwitchesEveryKeyWithoutLosingAForecastAndBadUpdatesAreRefused() throws Exception {
        Map<String, String> s = TestTopics.settings(TestTopics.unique("swap"), kafka.bootstrapServers());
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        s.put(ForecastOptions.STATE_TTL.key(), "6 h");
        TestTopics.Running running = TestTopics.startWithModelControl(kafka, s, A, PARALLELISM, "forecast-hot-swap");
        ForecastJobConfig c = running.config();
        ModelControlConfig control = running.control();
        JobClient job = running.job();
        try {
            Map<String, List<Event>> series = new LinkedHashMap<>();
            for (int k = 0; k < 4; k++) {
                series.put("key-" + k, TestModels.series("key-" + k, 300, Math.pow(10, k), 500 + k));
            }
            // silent from point 20 to 149 (almost 11 h of event time, more than the 6 h TTL)
            List<Event> gapKey = TestModels.series("key-gap", 300, 7.0, 600);
            series.put("key-gap", new ArrayList<>(gapKey));
            for (int t = 20; t < 150; t++) {
                series.get("key-gap").set(t, null);
            }
            // 1. old model
            produce(c.eventsTopic(), series, 0, 100, 0);
            awaitCount(c.forecastsTopic(), 420);
            assertThat(forecasts(c.forecastsTopic())).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION));

            // 2. swap mid-stream, events keep coming
            byte[] bBytes = TestModels.artifactBytes(8, 12L, ModelHotSwapTest.B_VERSION);
            ModelBundle b = ModelBundle.fromBytes(bBytes, "B");
            publish(control.modelsTopic(), JsonCodec.toJson(update(ModelHotSwapTest.B_VERSION, bBytes, bBytes)));
            produce(c.eventsTopic(), series, 100, 250, 20);
            awaitCount(c.forecastsTopic(), 1120);

            // 3. bad updates: refused by both subtasks (or the parser), the new model stays
            byte[] corrupted = bBytes.clone();
            corrupted[corrupted.length - 10] ^= 0x5A;
            ModelUpdate wrongSha = update("lstm-wrong-sha", bBytes, bBytes);
            wrongSha.setSha256("f".repeat(64));
            publish(control.modelsTopic(), JsonCodec.toJson(wrongSha));
            publish(control.modelsTopic(), JsonCodec.toJson(update(ModelHotSwapTest.B_VERSION + "-bad", corrupted, corrupted)));
            publish(control.modelsTopic(), "{\"version\": \"v9\", \"uri\": ");
            List<ModelControlError> errors = awaitErrors(control.modelErrorsTopic(), 5);
            assertThat(errors).extracting(ModelControlError::getReason).containsExactlyInAnyOrder(
                    ModelRefusal.SHA256_MISMATCH.code(), ModelRefusal.SHA256_MISMATCH.code(),
                    ModelRefusal.INVALID_ARTIFACT.code(), ModelRefusal.INVALID_ARTIFACT.code(),
                    ModelRefusal.MALFORMED_UPDATE.code());
            assertThat(errors).filteredOn(e -> !e.getReason().equals(ModelRefusal.MALFORMED_UPDATE.code()))
                    .allSatisfy(e -> assertThat(e.getActiveVersion()).isEqualTo(ModelHotSwapTest.B_VERSION));
            produce(c.eventsTopic(), series, 250, 300, 0);
            awaitCount(c.forecastsTopic(), 1370);

            List<ForecastRecord> all = forecasts(c.forecastsTopic());
            assertThat(all).hasSize(1370);
            Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));

            // the silent key: its state expired, so from point 150 it starts afresh (scaler and recurrent state)
            List<ForecastRecord> gap = new ArrayList<>(byKey.remove("key-gap"));
            series.remove("key-gap");
            gap.sort(Comparator.comparingLong(ForecastRecord::getTs));
            assertThat(gap).hasSize(170);
            ForecastFunctionTest.assertForecastsEqual(gap.subList(0, 20), TestModels.referenceForecasts(A, gapKey.subList(0, 20)));
            List<ForecastRecord> afresh = gap.subList(20, 170);
            int gapSwitch = (int) afresh.stream().takeWhile(r -> r.getModelVersion().equals(TestModels.VERSION)).count();
            ForecastFunctionTest.assertForecastsEqual(afresh, TestModels.referenceForecasts(List.of(A, b),
                    new int[] {0, gapSwitch}, true, gapKey.subList(150, 300)));

            for (Map.Entry<String, List<Event>> e : series.entrySet()) {
                List<ForecastRecord> got = new ArrayList<>(byKey.get(e.getKey()));
                got.sort(Comparator.comparingLong(ForecastRecord::getTs));
                assertThat(got).extracting(ForecastRecord::getTs)
                        .containsExactlyElementsOf(e.getValue().stream().map(Event::getTimestampMillis).toList());
                int switchAt = 0;
                while (switchAt < got.size() && got.get(switchAt).getModelVersion().equals(TestModels.VERSION)) {
                    switchAt++;
                }
                int sw = switchAt;
                assertThat(sw).as("key %s: old model up to the swap", e.getKey()).isBetween(100, 249);
                assertThat(got.subList(sw, got.size())).as("key %s: new model from the swap on", e.getKey())
                        .allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(ModelHotSwapTest.B_VERSION));
                ForecastFunctionTest.assertForecastsEqual(got,
                        TestModels.referenceForecasts(List.of(A, b), new int[] {0, sw}, true, e.getValue()));
            }
        } finally {
            // wait until the job has really ended, so no task of it outlives this test (later tests share the JVM)
            job.cancel().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    ModelUpdate update(String version, byte[] fileBytes, byte[] shaOf) throws Exception {
        return TestTopics.update(models, version, fileBytes, shaOf);
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

    static void awaitCount(String topic, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long have;
        while ((have = TopicReader.forEach(kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> { })) < n) {
            assertThat(System.nanoTime()).as("%d records on %s (have %d)", n, topic, have).isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(have).as("no more than %d records on %s", n, topic).isEqualTo(n);
    }

    static List<ModelControlError> awaitErrors(String topic, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<ModelControlError> errors = TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(30))
                    .stream().map(r -> JsonCodec.fromJson(r.value(), ModelControlError.class)).toList();
            if (errors.size() >= n) {
                Thread.sleep(1000);
                return TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(30))
                        .stream().map(r -> JsonCodec.fromJson(r.value(), ModelControlError.class)).toList();
            }
            assertThat(System.nanoTime()).as("%d model errors", n).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
