package io.streamcast.tools.replay;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The acknowledged-record count, and what a replay stopped by Ctrl-C prints. */
class ReplayProgressTest {

    /** A replay that is stopped after three acknowledged records: the JVM exits as on SIGINT, running the hooks. */
    public static void main(String[] args) {
        String id = ReplayProgress.register(n -> { });
        ReplayProgress interceptor = interceptor(id);
        interceptor.onSend(new ProducerRecord<>("events", new byte[0]));
        for (int i = 0; i < 3; i++) {
            interceptor.onAcknowledgement(metadata(), null);
        }
        System.exit(130);
    }

    static ReplayProgress interceptor(String id) {
        ReplayProgress p = new ReplayProgress();
        p.configure(Map.of(ReplayProgress.ID_CONFIG, id, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("127.0.0.1:9092")));
        return p;
    }

    static RecordMetadata metadata() {
        return new RecordMetadata(new TopicPartition("events", 0), 0, 0, 0, 0, 0);
    }

    @Test
    void countsAcknowledgedRecordsAndNamesTopicAndBrokerWhenInterrupted() {
        AtomicLong steps = new AtomicLong();
        String id = ReplayProgress.register(steps::addAndGet, System.err, false);
        try {
            ReplayProgress p = interceptor(id);
            p.onSend(new ProducerRecord<>("events", new byte[0]));
            p.onAcknowledgement(metadata(), null);
            p.onAcknowledgement(metadata(), null);
            p.onAcknowledgement(metadata(), new RuntimeException("broker gone"));
            assertThat(steps.get()).isEqualTo(2);
            assertThat(ReplayProgress.acknowledged(id)).isEqualTo(2);
            assertThat(ReplayProgress.interruptedMessage(ReplayProgress.registration(id)))
                    .startsWith("replay interrupted: 2 record(s) acknowledged by Kafka on 127.0.0.1:9092, topic 'events'; "
                            + "1 send(s) failed. The rest of the input was not sent")
                    .contains("Running the same replay again sends every record from the start");
        } finally {
            ReplayProgress.unregister(id);
        }
        assertThat(ReplayProgress.acknowledged(id)).isEqualTo(-1);
    }

    @Test
    void anInterruptedReplayPrintsWhatWasSentAndAFinishedOneDoesNot() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ReplayProgressTest.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(130);
        assertThat(out).contains("replay interrupted: 3 record(s) acknowledged by Kafka on 127.0.0.1:9092, topic 'events'.");

        // unregistered (the replay finished): the hook is gone, so nothing is printed at exit
        String id = ReplayProgress.register(n -> { });
        ReplayProgress.unregister(id);
        assertThat(ReplayProgress.registration(id)).isNull();
    }
}
