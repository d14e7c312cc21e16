package io.streamcast.tools.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.file.KeyFrom;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.tools.cli.StreamcastCli;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        CommandLine cl = StreamcastCli.withErrorHandling(new CommandLine(new StreamcastCli()));
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

    /** Adds a keyed CSV file (3 rows, key "pump") and a JSON-lines file (2 rows, one without a key field). */
    private static void addKeyedFiles(Path in) throws Exception {
        Files.writeString(in.resolve("sub/c.csv"), String.join("\n", "key,timestamp,value",
                "pump,2024-01-01 00:00:10,1", "pump,2024-01-01 00:01:10,2", "pump,2024-01-01 00:02:10,3"));
        Files.writeString(in.resolve("d.jsonl"), String.join("\n",
                "{\"key\":\"dev-1\",\"ts\":\"2024-01-01T00:00:20Z\",\"value\":5,\"unit\":\"C\"}",
                "{\"ts\":\"2024-01-01T00:01:20Z\",\"value\":6}"));
    }

    private static Map<String, Long> countByKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Long> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = r.key() == null ? "<null>" : new String(r.key(), StandardCharsets.UTF_8);
            String eventKey = JsonCodec.fromJson(r.value(), JsonNode.class).path("key").asText("<none>");
            assertThat(eventKey).as("key field of %s", new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(key);
            byKey.merge(key, 1L, Long::sum);
        }
        return byKey;
    }

    @Test
    void keyFromFilenameKeysEveryRecordByItsPathBelowTheInput(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        addKeyedFiles(in);
        broker.createTopics(2, "replay-filename");
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-filename", "--key-from", "filename", "--no-progress");

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records =
                TopicReader.readAll(broker.bootstrapServers(), "replay-filename", Duration.ofSeconds(30));
        assertThat(run.out()).contains("sent " + records.size() + " records from 4 file(s)");
        assertThat(records).hasSize(40 + 25 + 3 + 2);
        assertThat(countByKey(records)).containsExactly(
                Map.entry("a", 40L), Map.entry("d", 2L), Map.entry("sub/b", 25L), Map.entry("sub/c", 3L));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .contains("{\"key\":\"d\",\"ts\":\"2024-01-01T00:00:20Z\",\"value\":5,\"unit\":\"C\"}");
    }

    @Test
    void keyFromFilenameOnOneFileIsItsName(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(1, "replay-filename-one");
        Run run = cli("replay", "--input", in.resolve("sub/b.csv").toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--topic", "replay-filename-one", "--key-from", "filename", "--no-progress");

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records =
                TopicReader.readAll(broker.bootstrapServers(), "replay-filename-one", Duration.ofSeconds(30));
        assertThat(run.out()).contains("sent 25 records from 1 file(s)");
        assertThat(countByKey(records)).containsExactly(Map.entry("b", 25L));
    }

    @Test
    void keyFromColumnKeysEachRecordByItsLine(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("keyed");
        Files.createDirectories(in.resolve("sub"));
        addKeyedFiles(in);
        broker.createTopics(2, "replay-column");
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-column", "--key-from", "column", "--no-progress");

        // the JSON line without a key field names its file
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(in.resolve("d.jsonl") + ": 1 line(s) without a key, first "
                + in.resolve("d.jsonl") + ":2").contains("--key-from filename").contains("nothing was sent");

        Files.writeString(in.resolve("d.jsonl"), String.join("\n",
                "{\"key\":\"dev-1\",\"ts\":\"2024-01-01T00:00:20Z\",\"value\":5}",
                "{\"key\":\"dev-2\",\"ts\":\"2024-01-01T00:01:20Z\",\"value\":6}",
                "{\"key\":\"dev-1\",\"ts\":\"2024-01-01T00:02:20Z\",\"value\":7}"));
        run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-column", "--key-from", "column", "--no-progress");

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records =
                TopicReader.readAll(broker.bootstrapServers(), "replay-column", Duration.ofSeconds(30));
        assertThat(run.out()).contains("sent " + records.size() + " records from 2 file(s)");
        assertThat(countByKey(records)).containsExactly(
                Map.entry("dev-1", 2L), Map.entry("dev-2", 1L), Map.entry("pump", 3L));
    }

    @Test
    void keyFromColumnNamesEveryFileWithoutKeysAndSendsNothing(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(1, "replay-column-refused");
        Run run = cli("replay", "--input", in.toString(), "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", "replay-column-refused", "--key-from", "column", "--no-progress");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains(in.resolve("a.csv") + ": 40 line(s) without a key, first " + in.resolve("a.csv") + ":2")
                .contains(in.resolve("sub/b.csv") + ": 26 line(s) without a key")
                .contains("a timestamp,value line has no key column")
                .contains("error: 2 file(s) have lines without a key")
                .contains("key,timestamp,value").contains("--key-from filename");
        assertThat(TopicReader.readAll(broker.bootstrapServers(), "replay-column-refused", Duration.ofSeconds(10)))
                .isEmpty();
    }

    @Test
    void theProducerStopsAtTheFirstLineWithoutAKey(@TempDir Path tmp) throws Exception {
        Path in = recorded(tmp);
        broker.createTopics(1, "replay-column-producer");
        ReplayProducer producer = ReplayProducer.builder().bootstrapServers(broker.bootstrapServers())
                .topic("replay-column-producer").keyFrom(KeyFrom.COLUMN).build();

        assertThatThrownBy(() -> producer.replay(in.resolve("a.csv")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(in.resolve("a.csv") + ":2 has no key")
                .hasMessageContaining("--key-from filename");
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
