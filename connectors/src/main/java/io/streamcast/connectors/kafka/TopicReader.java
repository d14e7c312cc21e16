package io.streamcast.connectors.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Reads a whole topic as it stands now, committed records only ({@code isolation.level=read_committed}):
 * from the beginning up to each partition's last stable offset. For local runs and tests.
 */
public final class TopicReader {

    private TopicReader() {}

    /** Every committed record of {@code topic}, partition by partition. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, Duration timeout)
            throws TimeoutException {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        forEach(bootstrapServers, topic, timeout, out::add);
        return out;
    }

    /** Calls {@code sink} for every committed record of {@code topic}; returns how many there were. */
    public static long forEach(String bootstrapServers, String topic, Duration timeout,
                               Consumer<ConsumerRecord<byte[], byte[]>> sink) throws TimeoutException {
        return forEach(KafkaClientSettings.of(bootstrapServers), topic, timeout, sink);
    }

    /**
     * Calls {@code sink} for every committed record of {@code topic}, read with these client settings (e.g. SASL/SSL
     * from their properties file); returns how many there were.
     */
    public static long forEach(KafkaClientSettings client, String topic, Duration timeout,
                               Consumer<ConsumerRecord<byte[], byte[]>> sink) throws TimeoutException {
        long[] n = {0};
        readToEnd(client, topic, timeout, r -> {
            sink.accept(r);
            n[0]++;
        });
        return n[0];
    }

    /**
     * Calls {@code sink} for every committed record of {@code topic} and returns the end offsets it read to (empty
     * when the topic does not exist: reading never creates it).
     */
    public static Map<TopicPartition, Long> readToEnd(KafkaClientSettings client, String topic, Duration timeout,
                                                      Consumer<ConsumerRecord<byte[], byte[]>> sink) throws TimeoutException {
        Map<String, String> props = client.toMap();
        KafkaClientSettings.requireBootstrapServers(props);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Properties p = new Properties();
        p.putAll(props);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            if (partitions.isEmpty()) {
                return Map.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading topic " + topic + " did not reach the end offsets " + end
                            + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(r);
                }
            }
            return end;
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
