package io.streamcast.jobs.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar submitted to a Flink cluster ({@code target/streamcast-cluster.jar}, built by the shade execution
 * {@code cluster}): the job, its bundled model and the Kafka connector are inside; Flink's own runtime, DL4J,
 * ND4J and their natives, and the Kafka broker are not.
 */
class ClusterJarContentsITCase {

    static final Path JAR = Path.of(System.getProperty("streamcast.cluster.jar", "target/streamcast-cluster.jar"));
    static final long MAX_BYTES = 40L * 1024 * 1024;

    static List<String> entries;
    static Manifest manifest;

    @BeforeAll
    static void open() throws IOException {
        assertThat(JAR).as("run 'mvn package' first").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
            manifest = jar.getManifest();
        }
    }

    @Test
    void containsTheJobItsModelAndTheKafkaConnector() {
        assertThat(entries).contains(
                "io/streamcast/jobs/ForecastJobMain.class",
                "io/streamcast/jobs/forecast/ForecastFunction.class",
                "io/streamcast/jobs/control/ModelControl.class",
                "io/streamcast/connectors/kafka/JsonKafkaSink.class",
                "models/default.scm",
                "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/connector/base/DeliveryGuarantee.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class",
                "org/apache/kafka/server/authorizer/Authorizer.class", // kafka-clients' public API, not the broker
                "com/fasterxml/jackson/databind/ObjectMapper.class",
                "picocli/CommandLine.class");
        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("io.streamcast.jobs.ForecastJobMain");
    }

    @Test
    void bundlesNoFlinkRuntimeNoDeepLearningEngineAndNoKafkaBroker() {
        List<String> forbidden = List.of(
                "org/nd4j/", "org/bytedeco/", "org/deeplearning4j/", "org/apache/flink/runtime/",
                "org/apache/flink/streaming/api/environment/", "org/apache/flink/api/common/",
                "org/apache/flink/client/", "kafka/server/", "kafka/Kafka.class", "org/apache/kafka/server/common/",
                "org/apache/kafka/controller/", "org/apache/kafka/metadata/", "org/apache/kafka/raft/",
                "org/apache/kafka/storage/internals/", "scala/", "io/streamcast/connectors/broker/", "io/streamcast/broker/", "io/streamcast/jobs/cli/", "io/streamcast/tools/",
                "io/streamcast/model/training/", "lib/", "META-INF/native/");
        for (String prefix : forbidden) {
            assertThat(entries).as("entries under %s", prefix).noneMatch(e -> e.startsWith(prefix));
        }
        assertThat(entries).as("native libraries").noneMatch(e -> e.endsWith(".so") && e.contains("nd4j"));
    }

    @Test
    void staysSmall() throws IOException {
        assertThat(Files.size(JAR)).as("bytes").isLessThan(MAX_BYTES);
    }
}
