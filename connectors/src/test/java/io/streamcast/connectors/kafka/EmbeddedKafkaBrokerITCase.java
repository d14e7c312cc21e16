package io.streamcast.connectors.kafka;

import io.streamcast.broker.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.connectors.testing.TestClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker (topics, transactions, clean shutdown) and the replay producer against it. */
@Timeout(120)
class EmbeddedKafkaBrokerITCase {

    private static EmbeddedKafkaBroker kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void createsTopicsOnLoopback() throws Exception {
        String a = TestClusters.unique("a");
        String b = TestClusters.unique("b");

        kafka.createTopics(a);
        kafka.createTopics(3, b);

        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        try (Admin admin = kafka.admin()) {
            var descriptions = admin.describeTopics(List.of(a, b)).allTopicNames().get();
            assertThat(descriptions.get(a).partitions()).hasSize(1);
            assertThat(descriptions.get(b).partitions()).hasSize(3);
        }
        assertThatThrownBy(() -> kafka.createTopics(a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot create topics [" + a + "]");
    }

    @Test
    void transactionsCommitAndAbortOnASingleNode() {
        String topic = TestClusters.unique("tx");
        kafka.createTopics(topic);
        Map<String, Object> conf = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestClusters.unique("tx-id"));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted".getBytes(StandardCharsets.UTF_8)));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }

        List<ConsumerRecord<byte[], byte[]>> read = TestClusters.readCommitted(
                kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30), Duration.ofMillis(500));

        assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("committed");
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsLogDir() {
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().startupTimeout(Duration.ofSeconds(60)).start();
        Path logDir = second.logDir();
        assertThat(logDir).isDirectory();
        assertThat(second.bootstrapServers()).isNotEqualTo(kafka.bootstrapServers());

        second.close();
        second.close(); // idempotent

        assertThat(logDir).doesNotExist();
    }

    @Test
    void reservedBrokerPropertiesAreRefused() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("log.dirs", "/tmp/x").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Broker property log.dirs is chosen by the embedded broker; remove it");
    }

    @Test
    void replaySendsCsvAsJsonAndJsonLinesVerbatimMergedByTime() throws Exception {
        String topic = TestClusters.unique("replay");
        kafka.createTopics(topic);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        long t0 = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();
        Files.writeString(data.resolve("cpu.csv"), String.join("\n",
                "timestamp,value", "2014-07-01 00:00:00,1.0", "2014-07-01 00:10:00,2.0", "not,a,valid,line",
                "2014-07-01 00:20:00,3.0"));
        String badJson = "{\"key\":\"disk\",\"ts\":";
        Files.writeString(data.resolve("disk.jsonl"), String.join("\n",
                "{\"key\":\"disk\",\"ts\":\"2014-07-01T00:05:00Z\",\"value\":10}",
                badJson,
                "{\"key\":\"disk\",\"ts\":\"2014-07-01T00:15:00Z\",\"value\":11}"));

        long sent = ReplayProducer.builder().bootstrapServers(kafka.bootstrapServers()).topic(topic).build()
                .replay(data);

        assertThat(sent).isEqualTo(6);
        List<ConsumerRecord<byte[], byte[]>> read = TestClusters.readCommitted(
                kafka.bootstrapServers(), topic, 6, Duration.ofSeconds(30), Duration.ofMillis(500));
        assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly(
                "{\"key\":\"cpu\",\"ts\":" + t0 + ",\"value\":1.0}",
                "{\"key\":\"disk\",\"ts\":\"2014-07-01T00:05:00Z\",\"value\":10}",
                badJson,
                "{\"key\":\"cpu\",\"ts\":" + (t0 + 600_000) + ",\"value\":2.0}",
                "{\"key\":\"disk\",\"ts\":\"2014-07-01T00:15:00Z\",\"value\":11}",
                "{\"key\":\"cpu\",\"ts\":" + (t0 + 1_200_000) + ",\"value\":3.0}");
        assertThat(read).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("cpu", "disk", null, "cpu", "disk", "cpu");
    }

    @Test
    void pacedReplayFollowsEventTime() throws Exception {
        String topic = TestClusters.unique("paced");
        kafka.createTopics(topic);
        Path file = dir.resolve("series.csv");
        // 11 events one minute apart: 10 minutes of event time
        Files.writeString(file, IntStream.rangeClosed(0, 10)
                .mapToObj(i -> "s," + (i * 60_000L) + "," + i)
                .collect(Collectors.joining("\n")));
        ReplayProducer paced = ReplayProducer.builder().bootstrapServers(kafka.bootstrapServers()).topic(topic)
                .speedup(600).build(); // 10 minutes in 1 second

        long start = System.nanoTime();
        long sent = paced.replay(file);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(sent).isEqualTo(11);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(950);
        List<Event> events = TestClusters.values(TestClusters.readCommitted(
                kafka.bootstrapServers(), topic, 11, Duration.ofSeconds(30), Duration.ofMillis(200)), Event.class);
        assertThat(events).extracting(Event::getValue).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    }

    @Test
    void replayBuilderMessages() {
        assertThatThrownBy(() -> ReplayProducer.builder().topic("t").build())
                .hasMessage("Kafka bootstrap servers are not set: call bootstrapServers(\"host:9092\") or set "
                        + "bootstrap.servers in the client properties");
        assertThatThrownBy(() -> ReplayProducer.builder().bootstrapServers("b:1").build())
                .hasMessage("No topic to send to: call topic(\"events\")");
        assertThatThrownBy(() -> ReplayProducer.builder().bootstrapServers("b:1").topic("t").speedup(-2).build())
                .hasMessage("Speedup must be a finite number >= 0 (0 = as fast as possible); got -2.0");
    }
}
