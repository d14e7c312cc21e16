package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.kafka.JsonKafkaSink;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlError;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the forecast job's Kafka sources and sinks from its {@link ForecastJobConfig}: events in, forecasts,
 * anomalies and dead letters out, and the model-control path's models source and model-errors sink. Every one
 * reaches Kafka with the config's {@link ForecastJobConfig#kafkaClient() client settings}.
 */
public final class KafkaWiring {

    private KafkaWiring() {}

    /** The input validation the config asks for. */
    public static EventValidation validation(ForecastJobConfig c) {
        return EventValidation.builder()
                .valueBounds(-c.maxAbsValue(), c.maxAbsValue())
                .maxMessageBytes(c.maxMessageBytes())
                .build();
    }

    /**
     * The events source, from the earliest offsets of a new consumer group (committed offsets on restart).
     *
     * @param bounded stop at the offsets that are the latest when the job starts (replays, local runs)
     */
    public static KafkaSource<ParsedEvent> source(ForecastJobConfig c, boolean bounded) {
        KafkaEventSource.Builder b = KafkaEventSource.builder()
                .client(c.kafkaClient())
                .topics(c.eventsTopic())
                .groupId(c.groupId())
                .startingOffsets("earliest")
                .validation(validation(c));
        if (bounded) {
            b.bounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    public static KafkaSink<ForecastRecord> forecastsSink(ForecastJobConfig c) {
        return sink(c, c.forecastsTopic(), "forecasts", ForecastRecord::getKey);
    }

    public static KafkaSink<ForecastRecord> anomaliesSink(ForecastJobConfig c) {
        return sink(c, c.anomaliesTopic(), "anomalies", ForecastRecord::getKey);
    }

    public static KafkaSink<DeadLetter> deadLetterSink(ForecastJobConfig c) {
        return sink(c, c.deadLetterTopic(), "dead-letters", d -> null);
    }

    /**
     * The source of the models topic: from the earliest offset for a new consumer group, so a job started
     * afresh applies the published updates in order and ends on the latest one; from its checkpointed offsets
     * on restore. Its consumer group is the job's with {@code -models} appended.
     *
     * <p>The topic may be missing: the job then serves on with the model in service and reads the topic once it
     * exists ({@link ModelsTopicSubscriber}). Unbounded, it follows the topic's identity: a topic deleted and
     * created again is read from its beginning, while the job runs or when it is restored ({@link ModelsTopicSource}).
     *
     * @param bounded stop at the offsets that are the latest when the job starts (with a bounded events source); a
     *                bounded source reads the topic that exists when it starts and does not follow its identity
     */
    public static Source<String, ?, ?> modelsSource(ForecastJobConfig c, ModelControlConfig control, boolean bounded) {
        return modelsSource(c, control, bounded, Optional.empty());
    }

    /**
     * The source of the models topic for a job whose model at start-up was decided by {@link StartupModel}: a new job
     * starts at the offsets that decision read to (the updates before them are already reflected in the model it
     * serves); with none, as {@link #modelsSource(ForecastJobConfig, ModelControlConfig, boolean)}. A restored job
     * resumes from its checkpointed offsets either way.
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    public static Source<String, ?, ?> modelsSource(ForecastJobConfig c, ModelControlConfig control, boolean bounded,
                                                   Optional<Map<TopicPartition, Long>> startAt) {
        Map<String, String> props = c.kafkaClient().toMap();
        String servers = KafkaClientSettings.requireBootstrapServers(props);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Properties p = new Properties();
        p.putAll(props);
        KafkaSourceBuilder<String> b = KafkaSource.<String>builder()
                .setBootstrapServers(servers)
                .setKafkaSubscriber(new ModelsTopicSubscriber(control.modelsTopic()))
                .setGroupId(c.groupId() + "-models")
                .setStartingOffsets(startAt.isPresent() && !startAt.get().isEmpty()
                        ? OffsetsInitializer.offsets(startAt.get(), OffsetResetStrategy.EARLIEST)
                        : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperties(p);
        if (bounded) {
            return b.setBounded(OffsetsInitializer.latest()).build();
        }
        return new ModelsTopicSource(b.build(), control.modelsTopic(), p);
    }

    /** The sink of refused model updates, with the job's delivery guarantee. */
    public static KafkaSink<ModelControlError> modelErrorsSink(ForecastJobConfig c, ModelControlConfig control) {
        return sink(c, control.modelErrorsTopic(), "model-errors", ModelControlError::getVersion);
    }

    private static <T> KafkaSink<T> sink(ForecastJobConfig c, String topic, String role,
                                          SerializableFunction<T, String> key) {
        return JsonKafkaSink.<T>builder()
                .client(c.kafkaClient())
                .topic(topic)
                .keyExtractor(key)
                .deliveryGuarantee(c.deliveryGuarantee())
                .transactionalIdPrefix(c.transactionalIdPrefix() + "-" + role)
                .build();
    }
}
