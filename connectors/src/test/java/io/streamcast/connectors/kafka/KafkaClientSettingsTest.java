package io.streamcast.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSettingsTest {

    @Test
    void theFileThenExplicitPropertiesThenTheServers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nlinger.ms=7\n");

        KafkaClientSettings s = KafkaClientSettings.of("broker:9092", file).withProperty("linger.ms", "9");

        assertThat(s.toMap()).containsOnly(Map.entry("security.protocol", "SASL_SSL"), Map.entry("linger.ms", "9"),
                Map.entry("bootstrap.servers", "broker:9092"));
        assertThat(s.toProperties()).containsEntry("bootstrap.servers", "broker:9092");
        assertThat(KafkaClientSettings.requireBootstrapServers(s.toMap())).isEqualTo("broker:9092");
    }

    @Test
    void serversMayComeFromThePropertiesAndMustAgree() {
        KafkaClientSettings fromProps = KafkaClientSettings.none().withProperty("bootstrap.servers", "b:1");
        assertThat(fromProps.toMap()).containsEntry("bootstrap.servers", "b:1");
        assertThat(KafkaClientSettings.none().withProperty("bootstrap.servers", " b:1 ").toMap())
                .containsEntry("bootstrap.servers", "b:1");
        assertThat(fromProps.withBootstrapServers("b:1").toMap()).containsEntry("bootstrap.servers", "b:1");
        assertThatThrownBy(() -> fromProps.withBootstrapServers("c:2").toMap())
                .hasMessage("bootstrap.servers is set twice with different values: bootstrapServers(\"c:2\") and "
                        + "bootstrap.servers=b:1 in the client properties; keep one");
    }

    @Test
    void noServersIsSaidWhereTheyAreRequired() {
        assertThat(KafkaClientSettings.of(" ").toMap()).doesNotContainKey("bootstrap.servers");
        assertThatThrownBy(() -> KafkaClientSettings.requireBootstrapServers(KafkaClientSettings.none().toMap()))
                .hasMessage("Kafka bootstrap servers are not set: call bootstrapServers(\"host:9092\") or set "
                        + "bootstrap.servers in the client properties");
    }

    @Test
    void immutableValueThatHidesSecrets() {
        KafkaClientSettings a = KafkaClientSettings.of("b:1");
        KafkaClientSettings b = a.withProperty("ssl.key.password", "hunter2");
        assertThat(a.toMap()).doesNotContainKey("ssl.key.password");
        assertThat(b).isEqualTo(KafkaClientSettings.of("b:1").withProperty("ssl.key.password", "hunter2")).isNotEqualTo(a);
        assertThat(b.toString()).doesNotContain("hunter2").contains(KafkaClientProperties.MASK);
    }
}
