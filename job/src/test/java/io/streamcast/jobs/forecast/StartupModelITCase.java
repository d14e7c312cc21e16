package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.ForecastJobMain;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model a new job serves from its first event is the latest valid update already on the models topic, not the
 * submitted model nor any earlier update: with events waiting on the topic before the job starts, every forecast
 * record carries that update's version and equals the reference forecasts of that model alone. A later update that
 * would be refused (wrong SHA-256) is passed over; an artifact the client cannot read leaves the choice to the job.
 */
@Timeout(300)
class StartupModelITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    static final ModelBundle SUBMITTED = TestModels.bundle();

    @TempDir
    Path models;

    @Test
    void aNewJobServesTheLatestValidUpdateOnTheModelsTopicFromItsFirstEvent() throws Exception {
        Map<String, String> s = TestTopics.settings(TestTopics.unique("startup"), kafka.bootstrapServers());
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        Configuration conf = Configuration.fromMap(s);
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic());
        kafka.createTopics(1, c.deadLetterTopic(), control.modelsTopic(), control.modelErrorsTopic());

        // on the topic before the job exists: an earlier update, the one to serve, then one that would be refused
        byte[] older = TestModels.artifactBytes(8, 21L, "startup-older");
        byte[] latest = TestModels.artifactBytes(8, 22L, "startup-latest");
        publish(control.modelsTopic(), update("startup-older", older, older));
        publish(control.modelsTopic(), update("startup-latest", latest, latest));
        ModelUpdate wrongSha = update("startup-wrong-sha", latest, latest);
        wrongSha.setSha256("e".repeat(64));
        publish(control.modelsTopic(), wrongSha);

        List<Event> a = TestModels.series("key-a", 200, 5.0, 71);
        List<Event> b = TestModels.series("key-b", 200, 50.0, 72);
        produce(c.eventsTopic(), List.of(a, b));

        StartupModel startup = ForecastJobMain.startupModel(conf, SUBMITTED);
        assertThat(startup.bundle().modelVersion()).isEqualTo("startup-latest");
        assertThat(startup.modelsFrom()).hasValueSatisfying(m -> assertThat(m.values()).containsExactly(3L));

        Configuration envConf = new Configuration();
        envConf.set(PipelineOptions.GENERIC_TYPES, false);
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(2);
        ForecastJobMain.job(conf, startup, false).build(env);
        JobClient job = env.executeAsync("startup-model");
        try {
            List<ForecastRecord> all = awaitForecasts(c.forecastsTopic(), 400);
            assertThat(all).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo("startup-latest"));
            ModelBundle served = ModelBundle.fromBytes(latest, "latest");
            Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));
            for (List<Event> series : List.of(a, b)) {
                List<ForecastRecord> got = new ArrayList<>(byKey.get(series.get(0).getKey()));
                got.sort(Comparator.comparingLong(ForecastRecord::getTs));
                ForecastFunctionTest.assertForecastsEqual(got, TestModels.referenceForecasts(served, series));
            }
            // the updates before the job's start are reflected in its model: none is applied or refused again
            assertThat(TopicReader.readAll(kafka.bootstrapServers(), control.modelErrorsTopic(), Duration.ofSeconds(30))).isEmpty();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    @Test
    void anArtifactTheClientCannotReadLeavesTheChoiceToTheJobAndAnEmptyTopicKeepsTheSubmittedModel() throws Exception {
        Map<String, String> s = TestTopics.settings(TestTopics.unique("startup-unreadable"), kafka.bootstrapServers());
        Configuration conf = Configuration.fromMap(s);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        KafkaClientSettings client = KafkaClientSettings.of(kafka.bootstrapServers());

        // the topic does not exist yet (and reading it does not create it)
        StartupModel none = StartupModel.resolve(SUBMITTED, client, control, Duration.ofSeconds(30));
        assertThat(none.bundle()).isEqualTo(SUBMITTED);
        assertThat(none.modelsFrom()).hasValueSatisfying(m -> assertThat(m).isEmpty());
        kafka.createTopics(1, control.modelsTopic());
        assertThat(StartupModel.resolve(SUBMITTED, client, control, Duration.ofSeconds(30)).bundle()).isEqualTo(SUBMITTED);

        byte[] bytes = TestModels.artifactBytes(8, 23L, "startup-elsewhere");
        publish(control.modelsTopic(), new ModelUpdate("startup-elsewhere",
                models.resolve("not-on-this-machine.scm").toUri().toString(), ModelArtifactReader.sha256(bytes)));
        StartupModel unreadable = StartupModel.resolve(SUBMITTED, client, control, Duration.ofSeconds(30));
        assertThat(unreadable.bundle()).isEqualTo(SUBMITTED);
        assertThat(unreadable.modelsFrom()).isEmpty();
        assertThat(unreadable.reason()).contains("startup-elsewhere").contains("cannot be read from this machine");
    }

    ModelUpdate update(String version, byte[] fileBytes, byte[] shaOf) throws Exception {
        return TestTopics.update(models, version, fileBytes, shaOf);
    }

    static void publish(String topic, ModelUpdate update) throws Exception {
        TestTopics.publish(kafka.bootstrapServers(), topic, JsonCodec.toJson(update));
    }

    static void produce(String topic, List<List<Event>> series) throws Exception {
        try (var p = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int t = 0; t < series.get(0).size(); t++) {
                for (int k = 0; k < series.size(); k++) {
                    Event e = series.get(k).get(t);
                    p.send(new ProducerRecord<>(topic, k % 2, e.getKey().getBytes(StandardCharsets.UTF_8), JsonCodec.toJsonBytes(e)));
                }
            }
            p.flush();
        }
    }

    static List<ForecastRecord> awaitForecasts(String topic, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            List<ForecastRecord> got = TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(30)).stream()
                    .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).toList();
            if (got.size() >= n) {
                assertThat(got).hasSize(n);
                return got;
            }
            assertThat(System.nanoTime()).as("%d forecasts on %s (have %d)", n, topic, got.size()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
