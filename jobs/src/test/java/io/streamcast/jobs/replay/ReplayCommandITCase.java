package io.streamcast.jobs.replay;

import io.streamcast.connectors.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.jobs.cli.StreamcastCli;
import io.streamcast.jobs.local.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code streamcast replay} against an in-process Kafka broker: what it says it sent is what the topic holds. */
class ReplayCommandITCase {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Two NAB-style files: 40 + 25 valid rows, and one malformed line (line 6 of b.csv). */
    private static Path recorded(Path dir) throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        StringBuilder a = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 40; i++) {
            a.append(String.format("2024-01-01 %02d:%02d:00,%d%n", i / 60, i % 60, i));
        }
        StringBuilder b = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 26; i++) {
            b.append(i == 4 ? "2024-01-01 00:04:00,oops" : String.format("2024-01-01 00:%02d:30,%d", i, i)).append('\n');
        }
        Files.writeString(in.resolve("a.csv"), a);
        Files.writeString(in.resolve("sub/b.csv"), b);
        return in;
    }

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new StreamcastCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theCountPrintedIsTheNumberOfRecordsInTheTopicAndTheMalformedLineIsReported(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(2, "replay-skip");
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-skip", "--no-progress");

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records =
                TopicReader.readAll(broker.bootstrapServers(), "replay-skip", Duration.ofSeconds(30));
        assertThat(run.out()).contains("sent " + records.size() + " records from 2 file(s)");
        assertThat(records).hasSize(65);
        assertThat(run.err()).contains("b.csv:6: ").contains("(not sent)");
        long keyedB = records.stream().filter(r -> "b".equals(new String(r.key(), StandardCharsets.UTF_8))).count();
        assertThat(keyedB).isEqualTo(25);
    }

    @Test
    void failOnMalformedSendsNothing(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(1, "replay-fail");
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-fail", "--on-malformed", "fail", "--no-progress");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("b.csv:6: ").contains("nothing was sent");
        assertThat(TopicReader.readAll(broker.bootstrapServers(), "replay-fail", Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void keyFromColumnRefusesTimestampValueFiles(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-never", "--key-from", "column", "--no-progress");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("a.csv:2").contains("--key-from column");
    }

    @Test
    void theProgressInterceptorSeesEveryAcknowledgedRecord(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(1, "replay-progress");
        AtomicLong acknowledged = new AtomicLong();
        String id = ReplayProgress.register(acknowledged::addAndGet);
        try {
            long sent = ReplayProducer.builder().bootstrapServers(broker.bootstrapServers()).topic("replay-progress")
                    .clientProperty(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ReplayProgress.class.getName())
                    .clientProperty(ReplayProgress.ID_CONFIG, id)
                    .build().replay(in);
            assertThat(acknowledged.get()).isEqualTo(sent).isEqualTo(65);
        } finally {
            ReplayProgress.unregister(id);
        }
    }
}
