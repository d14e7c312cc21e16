package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.kafka.JsonKafkaSink;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import java.nio.file.Path;

/** Builds the forecast job's Kafka source and sinks from its {@link ForecastJobConfig}. */
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
                .bootstrapServers(c.requireBootstrapServers())
                .topics(c.eventsTopic())
                .groupId(c.groupId())
                .startingOffsets("earliest")
                .validation(validation(c));
        if (c.kafkaPropertiesFile() != null) {
            b.clientPropertiesFile(Path.of(c.kafkaPropertiesFile()));
        }
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

    private static <T> KafkaSink<T> sink(ForecastJobConfig c, String topic, String role,
                                          org.apache.flink.util.function.SerializableFunction<T, String> key) {
        JsonKafkaSink.Builder<T> b = JsonKafkaSink.<T>builder()
                .bootstrapServers(c.requireBootstrapServers())
                .topic(topic)
                .keyExtractor(key)
                .deliveryGuarantee(c.deliveryGuarantee())
                .transactionalIdPrefix(c.transactionalIdPrefix() + "-" + role);
        if (c.kafkaPropertiesFile() != null) {
            b.clientPropertiesFile(Path.of(c.kafkaPropertiesFile()));
        }
        return b.build();
    }
}
