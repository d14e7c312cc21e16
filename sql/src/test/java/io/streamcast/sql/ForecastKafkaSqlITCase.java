package io.streamcast.sql;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.Event;
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
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Path SCRIPT = Path.of("src", "main", "sql", "forecast-kafka.sql");
    static final Path JAR = Path.of("target", "streamcast-sql.jar");
    static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

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
            broker.createTopics(1, "events", "forecasts");
            produce(broker.bootstrapServers(), events.subList(0, half));

            TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode()
                    .withConfiguration(Configuration.fromMap(Map.of("parallelism.default", "2"))).build());
            String insertStatement = null;
            TableResult insert = null;
            for (String statement : statements(broker.bootstrapServers())) {
                Matcher set = SET.matcher(statement);
                if (set.matches()) {
                    tEnv.getConfig().set(set.group(1), set.group(2)); // what the SQL client does with SET
                } else {
                    TableResult r = tEnv.executeSql(statement);
                    if (statement.toUpperCase().startsWith("INSERT")) {
                        insertStatement = statement;
                        insert = r;
                    }
                }
            }
            assertThat(insert).as("the script's INSERT").isNotNull();
            JobClient first = insert.getJobClient().orElseThrow();
            String savepoint;
            try {
                awaitForecasts(broker.bootstrapServers(), half, Duration.ofMinutes(3));
            } finally {
                savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
            }

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
            } finally {
                second.cancel().get();
            }
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
