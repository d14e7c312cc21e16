package io.streamcast.sql;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.cluster.StandaloneCluster;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's SQL script ({@code sql/src/main/sql/forecast-kafka.sql}) run by Flink's own SQL client
 * ({@code scripts/sql-client.sh -f}) on a real standalone Flink session cluster and Kafka broker, each its own JVM,
 * started by {@code scripts/start-kafka.sh} and {@code STREAMCAST_FLINK_SQL=true scripts/start-flink.sh}: the function
 * registered from {@code target/streamcast-sql.jar} with {@code CREATE FUNCTION ... USING JAR}, the Kafka SQL
 * connector from the cluster's class path. The forecasts topic read under {@code read_committed} holds the DataStream
 * job's records for the same events (bundled model), record for record, each once; a record that is not JSON is in
 * the dead-letter topic with the job's reason, {@code malformed-json}.
 *
 * <p>The script is edited only where it says EDIT (the jar's path, the bootstrap servers). Every process the scripts
 * start is stopped by its PID when the test ends ({@link StandaloneCluster}). Run with {@code mvn -Pcluster-it verify} (after {@code package}).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SqlClientScriptITCase {

    static final Path REPO = StandaloneCluster.repository();
    static final Path JAR = Path.of("target", "streamcast-sql.jar").toAbsolutePath();
    static final Path DIR = Path.of("target", "sql-cluster-it").toAbsolutePath();
    static final Pattern JOB_ID = Pattern.compile("Job ID: ([0-9a-f]{32})");
    static StandaloneCluster cluster;
    static String bootstrap;

    @BeforeAll
    static void startBrokerAndCluster() throws Exception {
        assertThat(JAR).as("the shaded jar (mvn package)").exists();
        // the script's two jobs (dead letters, forecasts) at the cluster's default parallelism of 2
        cluster = new StandaloneCluster(REPO, DIR, Map.of("STREAMCAST_FLINK_SQL", "true", "STREAMCAST_FLINK_SLOTS", "4"));
        bootstrap = cluster.bootstrap();
        cluster.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // the output stamped with the broker's append time, as scripts/create-topics.sh does (see there)
            admin.createTopics(List.of(new NewTopic("events", 2, (short) 1),
                    new NewTopic("forecasts", 2, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")),
                    new NewTopic(ForecastKafkaSqlITCase.DEAD_LETTER_TOPIC, 1, (short) 1)
                            .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void theSqlClientRunsTheScriptOnTheClusterAndTheForecastsAreTheJobsExactlyOnce() throws Exception {
        List<Event> events = StreamcastForecastITCase.interleaved(80);
        ForecastKafkaSqlITCase.produce(bootstrap, events);
        long t0 = System.currentTimeMillis();
        String notJson = ForecastKafkaSqlITCase.NOT_EVENTS.get(0);
        ForecastKafkaSqlITCase.produce(bootstrap, "events", notJson);
        Path script = DIR.resolve("forecast-kafka.sql");
        Files.writeString(script, Files.readString(REPO.resolve("sql/src/main/sql/forecast-kafka.sql"))
                .replace("file:///opt/streamcast/streamcast-sql.jar", JAR.toUri().toString())
                .replace("localhost:9092", bootstrap));

        String out = script(Duration.ofMinutes(4), "sql-client.sh", "-f", script.toString());

        // the client exits 0 also when a statement fails: it prints [ERROR] and stops
        assertThat(out).as("the SQL client's output").doesNotContain("[ERROR]");
        // two jobs: the dead letters, then the forecasts
        Matcher job = JOB_ID.matcher(out);
        List<String> jobs = new ArrayList<>();
        while (job.find()) {
            jobs.add(job.group(1));
        }
        assertThat(jobs).as("the SQL client submitted both INSERTs:%n%s", out).hasSize(2);
        try {
            List<ForecastRecord> forecasts = ForecastKafkaSqlITCase.awaitForecasts(bootstrap, events.size(),
                    Duration.ofMinutes(3));
            var sqlByKey = StreamcastForecastITCase.byKey(forecasts);
            var jobByKey = StreamcastForecastITCase.byKey(
                    StreamcastForecastITCase.jobRecords(ModelBundle.bundledDefault(), events));
            assertThat(sqlByKey.keySet()).containsExactlyInAnyOrderElementsOf(jobByKey.keySet());
            for (String key : jobByKey.keySet()) {
                assertThat(sqlByKey.get(key)).as("key %s", key).containsExactlyElementsOf(jobByKey.get(key));
            }
            // the record that is not JSON is dead-lettered as the job does it, once
            List<DeadLetter> deadLetters = ForecastKafkaSqlITCase.awaitDeadLetters(bootstrap, 1, Duration.ofMinutes(2));
            DeadLetter d = deadLetters.get(0);
            assertThat(d.getRaw()).isEqualTo(notJson);
            assertThat(d.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
            assertThat(d.getTopic()).isEqualTo("events");
            assertThat(d.getSeenAt()).isBetween(t0 - 1000, System.currentTimeMillis());
        } finally {
            for (String id : jobs) {
                script(Duration.ofMinutes(1), "flink.sh", "cancel", id);
            }
        }
    }

    static String script(Duration timeout, String name, String... args) throws Exception {
        return cluster.script(timeout, name, args);
    }
}
