package io.streamcast.connectors.kafka;

import io.streamcast.connectors.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each element as a JSON value ({@link JsonCodec}) to one topic, keyed by the series key so
 * that all records of a series land in one partition, in order. The record timestamp is the
 * element's Flink timestamp when it has one.
 *
 * @param <T> the record type, a bean that {@link JsonCodec} can write
 */
public final class JsonRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {

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
}
