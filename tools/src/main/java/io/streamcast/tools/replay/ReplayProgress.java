package io.streamcast.tools.replay;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Counts the records a Kafka producer got acknowledged, for a progress display, without touching the code that
 * sends them: a {@link ProducerInterceptor} registered through the producer's {@code interceptor.classes}, which
 * finds its listener by the id passed in {@value #ID_CONFIG}.
 */
public final class ReplayProgress implements ProducerInterceptor<byte[], byte[]> {

    /** Producer property carrying the listener's registration id. */
    public static final String ID_CONFIG = "streamcast.replay.progress.id";

    private static final Map<String, LongConsumer> LISTENERS = new ConcurrentHashMap<>();

    private LongConsumer listener = n -> { };

    /** Registers {@code onAcknowledged} (called with 1 per acknowledged record); returns the id to configure. */
    public static String register(LongConsumer onAcknowledged) {
        String id = UUID.randomUUID().toString();
        LISTENERS.put(id, onAcknowledged);
        return id;
    }

    public static void unregister(String id) {
        LISTENERS.remove(id);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(ID_CONFIG);
        LongConsumer l = id == null ? null : LISTENERS.get(id.toString());
        if (l != null) {
            listener = l;
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            listener.accept(1);
        }
    }

    @Override
    public void close() {}
}
