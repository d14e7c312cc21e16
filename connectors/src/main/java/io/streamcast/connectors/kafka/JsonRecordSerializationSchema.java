package io.streamcast.connectors.kafka;

import io.streamcast.connectors.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each element as a JSON value ({@link JsonCodec}) to one topic, keyed by the series key so
 * that all records of a series land in one partition, in order. The record timestamp is the
 * element's Flink timestamp when it has one. It names its topic to the sink
 * ({@link KafkaDatasetFacetProvider}): the exactly-once sink's pooled transactional ids find lingering
 * transactions by listing those on the topics they write to, and lineage reporting shows the topic.
 *
 * @param <T> the record type, a bean that {@link JsonCodec} can write
 */
public final class JsonRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T>,
        KafkaDatasetFacetProvider {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> keyExtractor;

    /**
     * @param topic the target topic
     * @param keyExtractor the Kafka record key of an element, or {@code null} for records without key
     */
    public JsonRecordSerializationSchema(String topic, SerializableFunction<T, String> keyExtractor) {
        this.topic = topic;
        this.keyExtractor = keyExtractor;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = keyExtractor == null ? null : keyExtractor.apply(element);
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, keyBytes, JsonCodec.toJsonBytes(element));
    }

    public String topic() {
        return topic;
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
}
