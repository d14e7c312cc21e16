package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole forecast job against a real in-process Kafka broker and a Flink mini-cluster at parallelism
 * 2, outputs read with {@code read_committed}: exactly the valid events come out, each key's forecasts
 * equal stepping the model core directly, bad records reach the dead-letter topic with their reasons,
 * and a TaskManager lost mid-stream changes nothing in the committed output.
 */
@Timeout(300)
class ForecastJobITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    static final ModelBundle MODEL = TestModels.bundle();
    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    /** Fresh topics and a config pointing at them. */
    static ForecastJobConfig freshConfig(String name) {
        String id = unique(name);
        ForecastJobConfig c = config(id + "-events", id);
        kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic());
        return c;
    }

    /** The same input as {@code c}, fresh output topics and consumer group. */
    static ForecastJobConfig otherOutputs(ForecastJobConfig c, String name) {
        ForecastJobConfig o = config(c.eventsTopic(), unique(name));
        kafka.createTopics(2, o.forecastsTopic(), o.anomaliesTopic(), o.deadLetterTopic());
        return o;
    }

    static String unique(String name) {
        return TestTopics.unique(name);
    }

    static ForecastJobConfig config(String eventsTopic, String id) {
        Map<String, String> s = TestTopics.settings(id, kafka.bootstrapServers());
        s.put(ForecastOptions.EVENTS_TOPIC.key(), eventsTopic);
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        s.put(ForecastOptions.WARM_UP_EVENTS.key(), "50");
        return ForecastJobConfig.fromConfiguration(Configuration.fromMap(s));
    }

    static StreamExecutionEnvironment environment(boolean restarts) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (restarts) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    static ForecastJob kafkaJob(ForecastJobConfig c, OffsetsInitializer stopAt) {
        var source = KafkaEventSource.builder().bootstrapServers(c.bootstrapServers()).topics(c.eventsTopic())
                .groupId(c.groupId()).startingOffsets("earliest").validation(KafkaWiring.validation(c))
                .bounded(stopAt).build();
        return new ForecastJob(c, MODEL, source, KafkaWiring.forecastsSink(c), KafkaWiring.anomaliesSink(c),
                KafkaWiring.deadLetterSink(c));
    }

    static Map<String, List<Event>> keyedSeries(int keys, int points) {
        Map<String, List<Event>> byKey = new LinkedHashMap<>();
        for (int k = 0; k < keys; k++) {
            byKey.put("key-" + k, TestModels.series("key-" + k, points, Math.pow(10, k % 4), 100 + k));
        }
        return byKey;
    }

    /** Sends every key's events to partition (key index mod 2), interleaving keys in time order. */
    static Map<TopicPartition, Long> produce(String topic, Map<String, List<Event>> byKey, List<String> malformed,
                                             long pauseEvery, long pauseMillis) throws Exception {
        Map<TopicPartition, Long> counts = new HashMap<>();
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<String> keys = new ArrayList<>(byKey.keySet());
            int points = byKey.get(keys.get(0)).size();
            long sent = 0;
            for (int t = 0; t < points; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    Event e = byKey.get(keys.get(k)).get(t);
                    int partition = k % 2;
                    producer.send(new ProducerRecord<>(topic, partition, e.getKey().getBytes(StandardCharsets.UTF_8),
                            JsonCodec.toJsonBytes(e)));
                    counts.merge(new TopicPartition(topic, partition), 1L, Long::sum);
                    if (pauseEvery > 0 && ++sent % pauseEvery == 0) {
                        producer.flush();
                        Thread.sleep(pauseMillis);
                    }
                }
                if (t % 29 == 5 && t / 29 < malformed.size()) {
                    producer.send(new ProducerRecord<>(topic, 1, null, malformed.get(t / 29).getBytes(StandardCharsets.UTF_8)));
                    counts.merge(new TopicPartition(topic, 1), 1L, Long::sum);
                }
            }
            producer.flush();
        }
        return counts;
    }

    static List<ForecastRecord> committed(String topic) throws Exception {
        return TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(60)).stream()
                .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).collect(Collectors.toList());
    }

    static Map<String, List<ForecastRecord>> byKey(List<ForecastRecord> records) {
        Map<String, List<ForecastRecord>> m = records.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));
        m.values().forEach(l -> l.sort(Comparator.comparingLong(ForecastRecord::getTs)));
        return m;
    }

    static final List<String> MALFORMED = List.of(
            "{\"key\": \"\", \"ts\": 1767571200000, \"value\": 1.0}",
            "{\"key\": \"key-0\", \"ts\": \"yesterday\", \"value\": 3.0}",
            "{\"key\": \"key-1\", \"ts\": 1767571200000, \"value\": \"NaN\"}",
            "{\"key\": \"key-2\", \"ts\": 1767571200000, \"value\": 4.0",
            "{\"key\": \"key-3\", \"ts\": 1767571200000, \"value\": 1e300}");

    @Test
    void exactlyTheValidEventsComeOutAndEachKeysForecastsEqualTheModelCore() throws Exception {
        ForecastJobConfig c = freshConfig("exactly-once");
        Map<String, List<Event>> series = keyedSeries(6, 150);
        Map<TopicPartition, Long> end = produce(c.eventsTopic(), series, MALFORMED, 0, 0);

        StreamExecutionEnvironment env = environment(false);
        kafkaJob(c, OffsetsInitializer.offsets(end)).build(env);
        env.execute("forecast-exactly-once");

        List<ForecastRecord> forecasts = committed(c.forecastsTopic());
        assertThat(forecasts).hasSize(6 * 150);
        Map<String, List<ForecastRecord>> got = byKey(forecasts);
        for (Map.Entry<String, List<Event>> e : series.entrySet()) {
            ForecastFunctionTest.assertForecastsEqual(got.get(e.getKey()), TestModels.referenceForecasts(MODEL, e.getValue()));
            assertThat(got.get(e.getKey())).extracting(ForecastRecord::getValue)
                    .containsExactlyElementsOf(e.getValue().stream().map(Event::getValue).toList());
        }
        assertThat(forecasts).allSatisfy(r -> {
            assertThat(r.getModelVersion()).isEqualTo(TestModels.VERSION);
            assertThat(r.getAnomalyScore()).isBetween(0.0, 1.0);
            assertThat(r.getAnomalyLikelihood()).isBetween(0.0, 1.0);
        });

        List<DeadLetter> dead = TopicReader.readAll(kafka.bootstrapServers(), c.deadLetterTopic(), Duration.ofSeconds(60))
                .stream().map(r -> JsonCodec.fromJson(r.value(), DeadLetter.class)).toList();
        assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(DeadLetterReason.BLANK_KEY,
                DeadLetterReason.BAD_TIMESTAMP, DeadLetterReason.NON_FINITE_VALUE, DeadLetterReason.MALFORMED_JSON,
                DeadLetterReason.VALUE_OUT_OF_BOUNDS);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.getTopic()).isEqualTo(c.eventsTopic());
            assertThat(d.getRaw()).isIn(MALFORMED);
        });

        List<ForecastRecord> anomalies = committed(c.anomaliesTopic());
        assertThat(anomalies).containsExactlyInAnyOrderElementsOf(forecasts.stream().filter(ForecastRecord::isAnomaly).toList());
    }

    @Test
    void aTaskManagerLostMidStreamChangesNothingInTheCommittedOutput(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        ForecastJobConfig faulty = freshConfig("failover");
        Map<String, List<Event>> series = keyedSeries(4, 1500);
        Map<TopicPartition, Long> end = new HashMap<>();
        end.put(new TopicPartition(faulty.eventsTopic(), 0), 3000L);
        end.put(new TopicPartition(faulty.eventsTopic(), 1), 3000L);

        StreamExecutionEnvironment env = environment(true);
        kafkaJob(faulty, OffsetsInitializer.offsets(end)).build(env);
        JobClient job = env.executeAsync("forecast-failover");
        // about 6 s of input at ~1,000 events/s, so the failure lands mid-stream
        Thread producer = new Thread(() -> {
            try {
                produce(faulty.eventsTopic(), series, List.of(), 100, 100);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        producer.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long committedBeforeFailure;
        while ((committedBeforeFailure = TopicReader.forEach(kafka.bootstrapServers(), faulty.forecastsTopic(),
                Duration.ofSeconds(30), r -> { })) < 800) {
            assertThat(System.nanoTime()).as("committed output before the failure").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(committedBeforeFailure).as("the failure lands mid-stream").isLessThan(6000);
        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        cluster.startTaskManager();
        producer.join();
        job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
        JobID failedOnce = job.getJobID();
        assertThat(cluster.getArchivedExecutionGraph(failedOnce).get(30, TimeUnit.SECONDS)
                .getStatusTimestamp(JobStatus.RESTARTING)).as("the job did fail over").isPositive();

        ForecastJobConfig clean = otherOutputs(faulty, "fault-free");
        StreamExecutionEnvironment env2 = environment(false);
        kafkaJob(clean, OffsetsInitializer.offsets(end)).build(env2);
        env2.execute("forecast-fault-free");

        List<ForecastRecord> afterFailure = committed(faulty.forecastsTopic());
        List<ForecastRecord> faultFree = committed(clean.forecastsTopic());
        assertThat(afterFailure).hasSize(6000);
        assertThat(faultFree).hasSize(6000);
        Map<String, List<ForecastRecord>> a = byKey(afterFailure);
        Map<String, List<ForecastRecord>> b = byKey(faultFree);
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String key : a.keySet()) {
            assertThat(a.get(key)).as("key %s", key).containsExactlyElementsOf(b.get(key));
            ForecastFunctionTest.assertForecastsEqual(a.get(key), TestModels.referenceForecasts(MODEL, series.get(key)));
        }
    }
}
