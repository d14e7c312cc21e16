package io.streamcast.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.connectors.event.ParsedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaEventSourceBuilderTest {

    private static KafkaEventSource.Builder complete() {
        return KafkaEventSource.builder().bootstrapServers("broker:9092").topics("events").groupId("g");
    }

    @Test
    void buildsAnUnboundedSourceOfParsedEvents() {
        KafkaSource<ParsedEvent> source = complete().build();

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(source.getProducedType().getTypeClass()).isEqualTo(ParsedEvent.class);
    }

    @Test
    void boundedWhenStoppingOffsetsAreGiven() {
        assertThat(complete().bounded(OffsetsInitializer.latest()).build().getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);
    }

    @Test
    void missingBootstrapServers() {
        assertThatThrownBy(() -> KafkaEventSource.builder().topics("events").groupId("g").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka bootstrap servers are not set: call bootstrapServers(\"host:9092\") or set "
                        + "bootstrap.servers in the client properties");
    }

    @Test
    void missingTopic() {
        assertThatThrownBy(() -> KafkaEventSource.builder().bootstrapServers("b:9092").groupId("g").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No topic to read: call topics(\"events\")");
        assertThatThrownBy(() -> complete().topics(" ").build())
                .hasMessage("Topic names must not be blank; got [events,  ]");
    }

    @Test
    void missingGroupId() {
        assertThatThrownBy(() -> KafkaEventSource.builder().bootstrapServers("b:9092").topics("events").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka consumer group id is not set: call groupId(\"my-group\") or set group.id in the "
                        + "client properties (offsets are committed to it on checkpoints)");
    }

    @Test
    void serversAndGroupMayComeFromThePropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=broker:9093\ngroup.id=from-file\nsecurity.protocol=SASL_SSL\n");

        KafkaSource<ParsedEvent> source = KafkaEventSource.builder().topics("events").clientPropertiesFile(file).build();

        assertThat(source).isNotNull();
    }

    @Test
    void conflictingServersAreReported() {
        assertThatThrownBy(() -> complete().clientProperty("bootstrap.servers", "other:9092").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrap.servers is set twice with different values: bootstrapServers(\"broker:9092\") "
                        + "and bootstrap.servers=other:9092 in the client properties; keep one");
    }

    @Test
    void deserializerOverridesAreRejected() {
        assertThatThrownBy(() -> complete()
                        .clientProperties(Map.of("value.deserializer", "org.example.MyDeserializer"))
                        .build())
                .hasMessage("Remove value.deserializer from the client properties: the source reads raw bytes and "
                        + "parses them itself");
    }

    @Test
    void missingPropertiesFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> complete().clientPropertiesFile(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka client properties file " + missing.toAbsolutePath() + " does not exist or is not a file");
    }

    @Test
    void badStartingOffsetsText() {
        assertThatThrownBy(() -> complete().startingOffsets("newest").build())
                .hasMessage("Starting offsets must be one of earliest, latest, committed, timestamp:<epoch millis>; "
                        + "got 'newest'");
        assertThatThrownBy(() -> complete().startingOffsets("timestamp:yesterday").build())
                .hasMessage("Starting offsets 'timestamp:' needs non-negative epoch millis, e.g. "
                        + "timestamp:1700000000000; got 'timestamp:yesterday'");
    }

    @Test
    void startingOffsetsTextForms() {
        for (String spec : new String[] {"earliest", "LATEST", " committed ", "timestamp:1700000000000"}) {
            assertThat(StartingOffsets.parse(spec)).as(spec).isNotNull();
        }
    }
}
