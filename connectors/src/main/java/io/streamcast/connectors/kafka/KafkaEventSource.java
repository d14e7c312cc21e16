package io.streamcast.connectors.kafka;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Flink {@link KafkaSource} that reads JSON events and emits one {@link ParsedEvent} per
 * record (see {@link ParsedEventDeserializationSchema}).
 *
 * <pre>{@code
 * KafkaSource<ParsedEvent> source = KafkaEventSource.builder()
 *     .bootstrapServers("broker:9092")
 *     .topics("events")
 *     .groupId("streamcast-forecast")
 *     .startingOffsets("committed")
 *     .clientPropertiesFile(Path.of("kafka-client.properties"))   // SASL/SSL settings
 *     .validation(EventValidation.builder().valueBounds(-1e6, 1e6).build())
 *     .build();
 * }</pre>
 *
 * Bootstrap servers and group id may come from the builder or from the client properties
 * ({@code bootstrap.servers}, {@code group.id}); if both give one they must agree. The Kafka client settings
 * may also be given at once, as the {@link KafkaClientSettings} every Kafka client of the project is built from
 * ({@code .client(settings)}). Client property values whose names mention a password, secret, JAAS config or
 * key are masked in the log.
 */
public final class KafkaEventSource {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSource.class);

    private KafkaEventSource() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the settings; {@link #build()} checks them and says what to fix. */
    public static final class Builder extends KafkaClientBuilder<Builder> {
        private final List<String> topics = new ArrayList<>();
        private String groupId;
        private OffsetsInitializer startingOffsets;
        private String startingOffsetsSpec;
        private OffsetsInitializer stoppingOffsets;
        private EventValidation validation = EventValidation.defaults();
        private String clientIdPrefix;

        private Builder() {}

        /** The topics to read (at least one). */
        public Builder topics(String... topics) {
            this.topics.addAll(Arrays.asList(topics));
            return this;
        }

        /** The consumer group; offsets are committed to it on checkpoints. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Where to start when there is no checkpoint; default: committed offsets, else earliest. */
        public Builder startingOffsets(OffsetsInitializer startingOffsets) {
            this.startingOffsets = startingOffsets;
            this.startingOffsetsSpec = null;
            return this;
        }

        /** As {@link #startingOffsets(OffsetsInitializer)}, from text: see {@link StartingOffsets#parse}. */
        public Builder startingOffsets(String spec) {
            this.startingOffsetsSpec = spec;
            this.startingOffsets = null;
            return this;
        }

        /** Makes the source bounded: it stops at these offsets (e.g. {@link OffsetsInitializer#latest()}). */
        public Builder bounded(OffsetsInitializer stoppingOffsets) {
            this.stoppingOffsets = stoppingOffsets;
            return this;
        }

        /** The rules events must pass; {@link EventValidation#defaults()} if not set. */
        public Builder validation(EventValidation validation) {
            this.validation = validation;
            return this;
        }

        public Builder clientIdPrefix(String clientIdPrefix) {
            this.clientIdPrefix = clientIdPrefix;
            return this;
        }

        /**
         * Checks the settings and builds the source.
         *
         * @throws IllegalArgumentException saying what to fix
         */
        public KafkaSource<ParsedEvent> build() {
            Map<String, String> props = client().toMap();
            String group = KafkaClientSettings.resolve(groupId, props, ConsumerConfig.GROUP_ID_CONFIG,
                    "groupId(\"my-group\")");
            String servers = KafkaClientSettings.requireBootstrapServers(props);
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("No topic to read: call topics(\"events\")");
            }
            for (String topic : topics) {
                if (topic == null || topic.isBlank()) {
                    throw new IllegalArgumentException("Topic names must not be blank; got " + topicsForMessage());
                }
            }
            if (group == null) {
                throw new IllegalArgumentException(
                        "Kafka consumer group id is not set: call groupId(\"my-group\") or set group.id in the "
                                + "client properties (offsets are committed to it on checkpoints)");
            }
            for (String deserializer : List.of(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
                if (props.containsKey(deserializer)) {
                    throw new IllegalArgumentException(
                            "Remove " + deserializer + " from the client properties: the source reads raw bytes "
                                    + "and parses them itself");
                }
            }
            Objects.requireNonNull(validation, "validation must not be null (EventValidation.defaults() is the default)");
            OffsetsInitializer starting = startingOffsetsSpec != null
                    ? StartingOffsets.parse(startingOffsetsSpec)
                    : startingOffsets != null ? startingOffsets : StartingOffsets.parse("committed");

            props.remove(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            KafkaSourceBuilder<ParsedEvent> builder = KafkaSource.<ParsedEvent>builder()
                    .setBootstrapServers(servers)
                    .setTopics(topics)
                    .setGroupId(group)
                    .setStartingOffsets(starting)
                    .setDeserializer(new ParsedEventDeserializationSchema(validation))
                    .setProperties(KafkaClientProperties.toProperties(props));
            if (stoppingOffsets != null) {
                builder.setBounded(stoppingOffsets);
            }
            if (clientIdPrefix != null) {
                builder.setClientIdPrefix(clientIdPrefix);
            }
            LOG.info("Kafka event source: servers={}, topics={}, group={}, bounded={}, {}, client properties {}",
                    servers, topics, group, stoppingOffsets != null, validation, KafkaClientProperties.masked(props));
            return builder.build();
        }

        private String topicsForMessage() {
            return topics.toString();
        }
    }
}
