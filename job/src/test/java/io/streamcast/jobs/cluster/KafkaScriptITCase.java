package io.streamcast.jobs.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code scripts/start-kafka.sh} tells a person whose ports are taken: the port, which listener it is and the
 * variable that moves it, at once (it used to wait 60 s and report a time-out). Runs with {@code -Pcluster-it}, which
 * resolves the broker's jars the scripts use.
 */
@Timeout(600)
class KafkaScriptITCase {

    @Test
    void aBusyControllerPortIsNamedWithTheVariableThatMovesIt(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int brokerPort = free.getLocalPort();
            free.close();
            ProcessBuilder pb = new ProcessBuilder("bash", "scripts/start-kafka.sh")
                    .directory(StandaloneClusterITCase.REPO.toFile()).redirectErrorStream(true);
            pb.environment().put("STREAMCAST_CLUSTER_DIR", dir.toString());
            pb.environment().put("STREAMCAST_KAFKA_PORT", Integer.toString(brokerPort));
            pb.environment().put("STREAMCAST_KAFKA_CONTROLLER_PORT", Integer.toString(busy.getLocalPort()));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the script ended").isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", out).isNotZero();
            assertThat(out).contains("port " + busy.getLocalPort() + " (the KRaft controller's listener) is in use: "
                    + "set STREAMCAST_KAFKA_CONTROLLER_PORT to a free port");
            assertThat(out).as("refused before starting, not after waiting for it").doesNotContain("timed out");
        }
    }
}
