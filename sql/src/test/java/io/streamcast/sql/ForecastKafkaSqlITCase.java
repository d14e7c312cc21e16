package io.streamcast.sql;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.EventParser;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's SQL script ({@code src/main/sql/forecast-kafka.sql}), statement by statement, on a MiniCluster
 * against an in-process Kafka broker: the function registered from the shaded jar with {@code CREATE FUNCTION ...
 * USING JAR}, Kafka tables, an exactly-once sink; the forecasts topic read under read_committed holds the DataStream
 * job's records for the same events (bundled model), record for record, also when the query is stopped with a
 * savepoint half way and resumed from it.
 *
 * <p>Needs the shaded jar ({@code target/streamcast-sql.jar}): runs in {@code verify}, after {@code package}. The
 * script is edited only where it says EDIT (the jar's path, the bootstrap servers).
 */
class ForecastKafkaSqlITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final Path SCRIPT = Path.of("src", "main", "sql", "forecast-kafka.sql");
    static final Path JAR = Path.of("target", "streamcast-sql.jar");
    static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    static final String DEAD_LETTER_TOPIC = "events-dlq";

    /**
     * Records of the events topic that are not events, and so must reach the dead-letter topic: not JSON, JSON but
     * not an object, and objects of the wrong shape (no key, a ts that is not epoch millis, a value that is not a
     * number, a blank key).
     */
    static final List<String> NOT_EVENTS = List.of(
            "this is not JSON {",
            "[1, 2, 3]",
            "{\"ts\": 1767571200000, \"value\": 2.5}",
            "{\"key\": \"a\", \"ts\": \"yesterday\", \"value\": 1.5}",
            "{\"key\": \"b\", \"ts\": 1767571200000, \"value\": \"many\"}",
            "{\"key\": \"  \", \"ts\": 1767571200000, \"value\": 1}");

    /** The script's statements, comments removed, with the jar path and bootstrap servers put in. */
    static List<String> statements(String bootstrapServers) throws Exception {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(SCRIPT)) {
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        String text = sql.toString()
                .replace("file:///opt/streamcast/streamcast-sql.jar", JAR.toAbsolutePath().toUri().toString())
                .replace("localhost:9092", bootstrapServers);
        List<String> out = new ArrayList<>();
        for (String s : text.split(";")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /**
     * Half the events, stop with a savepoint, the other half, the same INSERT resumed from the savepoint: the
     * function's keyed state (and the Kafka offsets and transactions) carry over, so the committed forecasts are the
     * job's records for all events, once each.
     */
    @Test
    void theScriptForecastsTheEventsTopicExactlyOnceAsTheJobDoesAcrossASavepoint(@TempDir Path savepoints)
            throws Exception {
        assertThat(JAR).as("the shaded jar (mvn package)").exists();
        List<Event> events = StreamcastForecastITCase.interleaved(60);
        int half = events.size() / 2;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(1, "events", "forecasts", DEAD_LETTER_TOPIC);
            long t0 = System.currentTimeMillis();
            // the events with records that are not events among them: all but the last in the first half
            List<DeadLetter> expectedDeadLetters = new ArrayList<>();
            List<Event> firstHalf = events.subList(0, half);
            int between = firstHalf.size() / NOT_EVENTS.size();
            for (int i = 0; i < NOT_EVENTS.size() - 1; i++) {
                produce(broker.bootstrapServers(), firstHalf.subList(i * between, (i + 1) * between));
                expectedDeadLetters.add(produceNotAnEvent(broker.bootstrapServers(), NOT_EVENTS.get(i)));
            }
            produce(broker.bootstrapServers(), firstHalf.subList((NOT_EVENTS.size() - 1) * between, half));

            TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode()
                    .withConfiguration(Configuration.fromMap(Map.of("parallelism.default", "2"))).build());
            String insertStatement = null;
            TableResult insert = null;
            TableResult deadLetterInsert = null;
            for (String statement : statements(broker.bootstrapServers())) {
                Matcher set = SET.matcher(statement);
                if (set.matches()) {
                    tEnv.getConfig().set(set.group(1), set.group(2)); // what the SQL client does with SET
                } else {
                    TableResult r = tEnv.executeSql(statement);
                    if (statement.toUpperCase().startsWith("INSERT INTO FORECASTS")) {
                        insertStatement = statement;
                        insert = r;
                    } else if (statement.toUpperCase().startsWith("INSERT INTO DEAD_LETTERS")) {
                        deadLetterInsert = r;
                    }
                }
            }
            assertThat(insert).as("the script's INSERT into forecasts").isNotNull();
            assertThat(deadLetterInsert).as("the script's INSERT into dead_letters").isNotNull();
            JobClient deadLetterJob = deadLetterInsert.getJobClient().orElseThrow();
            JobClient first = insert.getJobClient().orElseThrow();
            String savepoint;
            try {
                awaitForecasts(broker.bootstrapServers(), half, Duration.ofMinutes(3));
            } finally {
                savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
            }

            // the last record that is not an event while the forecasts job is stopped, then the second half
            expectedDeadLetters.add(produceNotAnEvent(broker.bootstrapServers(), NOT_EVENTS.get(NOT_EVENTS.size() - 1)));
            produce(broker.bootstrapServers(), events.subList(half, events.size()));
            tEnv.getConfig().set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            JobClient second = tEnv.executeSql(insertStatement).getJobClient().orElseThrow();
            try {
                List<ForecastRecord> out = awaitForecasts(broker.bootstrapServers(), events.size(), Duration.ofMinutes(3));
                List<ForecastRecord> expected = StreamcastForecastITCase.jobRecords(ModelBundle.bundledDefault(), events);
                var sqlByKey = StreamcastForecastITCase.byKey(out);
                var jobByKey = StreamcastForecastITCase.byKey(expected);
                assertThat(sqlByKey.keySet()).containsExactlyInAnyOrderElementsOf(jobByKey.keySet());
                for (String key : jobByKey.keySet()) {
                    assertThat(sqlByKey.get(key)).as("key %s", key).containsExactlyElementsOf(jobByKey.get(key));
                }

                // every record that is not an event is in the dead-letter topic once, as the job dead-letters it: the
                // record's text, the job's reason, where it came from, when it was rejected
                List<DeadLetter> deadLetters = awaitDeadLetters(broker.bootstrapServers(), expectedDeadLetters.size(),
                        Duration.ofMinutes(2));
                long t1 = System.currentTimeMillis();
                assertThat(deadLetters).extracting(DeadLetter::getOffset)
                        .containsExactlyElementsOf(expectedDeadLetters.stream().map(DeadLetter::getOffset).toList());
                for (int i = 0; i < deadLetters.size(); i++) {
                    DeadLetter sql = deadLetters.get(i);
                    DeadLetter job = expectedDeadLetters.get(i);
                    assertThat(sql.getRaw()).isEqualTo(job.getRaw());
                    assertThat(sql.getReason()).as("the reason of %s", job.getRaw()).isEqualTo(job.getReason());
                    assertThat(sql.getTopic()).isEqualTo("events");
                    assertThat(sql.getPartition()).isZero();
                    assertThat(sql.getDetail()).isNotBlank();
                    assertThat(sql.getSeenAt()).isBetween(t0 - 1000, t1);
                }
                assertThat(expectedDeadLetters).extracting(DeadLetter::getReason).contains(
                        DeadLetterReason.MALFORMED_JSON, DeadLetterReason.MISSING_KEY, DeadLetterReason.BAD_TIMESTAMP,
                        DeadLetterReason.BAD_VALUE, DeadLetterReason.BLANK_KEY);
            } finally {
                second.cancel().get();
                deadLetterJob.cancel().get();
            }
        }
    }

    /**
     * Sends one record that is not an event to the events topic (one partition) and returns the DataStream job's
     * dead letter for it: what the job's parser makes of the same bytes at the same offset.
     */
    static DeadLetter produceNotAnEvent(String bootstrapServers, String line) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            long offset = producer.send(new ProducerRecord<>("events", null, line)).get().offset();
            ParsedEvent parsed = new EventParser(EventValidation.defaults()).parseJson(
                    line.getBytes(StandardCharsets.UTF_8), "events", 0, offset, System.currentTimeMillis());
            assertThat(parsed.isValid()).as("the job rejects %s", line).isFalse();
            return parsed.getDeadLetter();
        }
    }

    /** The committed dead letters, once there are {@code n} of them, in offset order. */
    static List<DeadLetter> awaitDeadLetters(String bootstrapServers, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<DeadLetter> out = new ArrayList<>();
            TopicReader.forEach(bootstrapServers, DEAD_LETTER_TOPIC, Duration.ofSeconds(30),
                    r -> out.add(JsonCodec.fromJson(r.value(), DeadLetter.class)));
            if (out.size() >= n || System.nanoTime() > deadline) {
                assertThat(out).as("committed dead letters").hasSize(n);
                out.sort(java.util.Comparator.comparingLong(DeadLetter::getOffset));
                return out;
            }
            Thread.sleep(1000);
        }
    }

    @Test
    void theJarCarriesTheFunctionAndItsModelButNotFlinkOrKafka() throws Exception {
        List<String> entries = new ArrayList<>();
        try (var jar = new java.util.jar.JarFile(JAR.toFile())) {
            jar.stream().forEach(e -> entries.add(e.getName()));
        }
        assertThat(entries).contains("io/streamcast/sql/StreamcastForecast.class",
                "io/streamcast/model/core/series/SeriesStep.class", "io/streamcast/jobs/forecast/ModelBundle.class",
                "models/default.scm");
        assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/") || e.startsWith("org/apache/kafka/"));
    }

    /** Sends these records' values to {@code topic}, without keys. */
    static void produce(String bootstrapServers, String topic, String... values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, null, v));
            }
            producer.flush();
        }
    }

    static void produce(String bootstrapServers, List<Event> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>("events", e.getKey(), JsonCodec.toJson(e)));
            }
            producer.flush();
        }
    }

    /** The committed forecast records, once there are {@code n} of them. */
    static List<ForecastRecord> awaitForecasts(String bootstrapServers, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ForecastRecord> out = new ArrayList<>();
            TopicReader.forEach(bootstrapServers, "forecasts", Duration.ofSeconds(30),
                    r -> out.add(JsonCodec.fromJson(r.value(), ForecastRecord.class)));
            if (out.size() >= n || System.nanoTime() > deadline) {
                assertThat(out).as("committed forecasts").hasSize(n);
                return out;
            }
            Thread.sleep(1000);
        }
    }
}
