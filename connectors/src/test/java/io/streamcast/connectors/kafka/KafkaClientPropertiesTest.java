package io.streamcast.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

    @Test
    void secretsAreMaskedAndTheRestIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"svc\" password=\"hunter2\";",
                "ssl.truststore.password=trustme",
                "ssl.key.password=keypass",
                "basic.auth.user.SECRET=s3",
                "client.id=streamcast"));

        Map<String, String> props = KafkaClientProperties.load(file);
        Map<String, String> masked = KafkaClientProperties.masked(props);

        assertThat(props).containsEntry("ssl.truststore.password", "trustme").hasSize(7);
        assertThat(masked)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("client.id", "streamcast")
                .containsEntry("sasl.jaas.config", KafkaClientProperties.MASK)
                .containsEntry("ssl.truststore.password", KafkaClientProperties.MASK)
                .containsEntry("ssl.key.password", KafkaClientProperties.MASK)
                .containsEntry("basic.auth.user.SECRET", KafkaClientProperties.MASK);
        assertThat(masked.toString()).doesNotContain("hunter2", "trustme", "keypass", "s3");
    }
}
