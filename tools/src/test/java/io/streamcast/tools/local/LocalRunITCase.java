package io.streamcast.tools.local;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What {@code streamcast run} does, end to end in a local mini-cluster: on Kafka (the in-process broker,
 * a replayed file, exactly-once sinks read back with read_committed) and on a recorded file with
 * event-time bucketing.
 */
@Timeout(240)
class LocalRunITCase {

    static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    /** {@code key,timestamp,value} rows, one a minute per key, plus one malformed line. */
    static Path recorded(Path dir, int minutes) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("key,timestamp,value");
        for (int m = 0; m < minutes; m++) {
            for (String key : List.of("a", "b")) {
                double v = (key.equals("a") ? 10 : 1000) + m % 7;
                lines.add(key + "," + T0.plusSeconds(60L * m) + "," + v);
            }
            if (m == minutes / 2) {
                lines.add("a,not-a-time,1.0");
            }
        }
        Path file = dir.resolve("recorded.csv");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    static LocalRun.Summary run(LocalRun.Options options) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        return new LocalRun(options, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    }

    @Test
    void onKafkaEveryValidEventIsForecastOnceAndTheBadOneIsDeadLettered(@TempDir Path dir) throws Exception {
        Path input = recorded(dir, 300);
        LocalRun.Summary s = run(new LocalRun.Options(ForecastJobConfig.defaults(), ModelBundle.bundledDefault(), 2,
                false, null, input, true, dir.resolve("out")));
        // the malformed CSV line is not sent by the replay (it is reported there); all 600 valid events are
        assertThat(s.eventsIn()).isEqualTo(600);
        assertThat(s.forecastsOut()).isEqualTo(600);
        assertThat(s.deadLettered()).isZero();
        List<String> csv = Files.readAllLines(s.csv());
        assertThat(csv).hasSize(601);
        assertThat(csv.get(0)).startsWith("key,timestamp,value,forecast_h1");
        assertThat(csv.get(1)).startsWith("a,2026-01-05T00:00:00Z,10.0,");
        assertThat(csv.get(301)).startsWith("b,2026-01-05T00:00:00Z,1000.0,");
    }

    @Test
    void onARecordedFileEventsAreBucketedAndMalformedLinesDeadLettered(@TempDir Path dir) throws Exception {
        Path input = recorded(dir, 300);
        ForecastJobConfig config = ForecastJobConfig.fromConfiguration(Configuration.fromMap(Map.of(
                "streamcast.bucket.interval", "5 min", "streamcast.bucket.aggregate", "MEAN")));
        LocalRun.Summary s = run(new LocalRun.Options(config, ModelBundle.bundledDefault(), 2, false,
                "file:" + input, null, false, dir.resolve("out")));
        assertThat(s.forecastsOut()).as("300 minutes in 5-minute buckets, two keys").isEqualTo(120);
        assertThat(s.deadLettered()).isEqualTo(1);
        List<String> csv = Files.readAllLines(s.csv());
        assertThat(csv).hasSize(121);
        String[] first = csv.get(1).split(",");
        assertThat(first[0]).isEqualTo("a");
        assertThat(first[1]).isEqualTo("2026-01-05T00:00:00Z");
        // minutes 0..4 of key a: 10, 11, 12, 13, 14
        assertThat(Double.parseDouble(first[2])).isCloseTo(12.0, within(1e-9));
        assertThat(csv.get(2).split(",")[1]).isEqualTo("2026-01-05T00:05:00Z");
        // minutes 5..9: 15, 16, 10, 11, 12
        assertThat(Double.parseDouble(csv.get(2).split(",")[2])).isCloseTo(12.8, within(1e-9));
    }

    @Test
    void aSecondRunOnTheSameBrokerRefusesOldDataAndResetTopicsGivesTheFirstRunsOutput(@TempDir Path dir)
            throws Exception {
        Path input = recorded(dir, 60);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            ForecastJobConfig config = ForecastJobConfig.defaults().withBootstrapServers(broker.bootstrapServers());
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            LocalRun.Summary first = new LocalRun(new LocalRun.Options(config, ModelBundle.bundledDefault(), 2, false,
                    null, input, true, dir.resolve("out1")), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
            assertThat(first.eventsIn()).isEqualTo(120);
            assertThat(first.forecastsOut()).isEqualTo(120);
            // the replay reports the line it does not send, with file and line
            assertThat(log.toString(StandardCharsets.UTF_8)).contains(input + ":64: ").contains("(not sent)");
            assertThat(first.line()).contains("dead letters are in topic 'events-dlq', anomalies in topic "
                    + "'anomalies' and forecasts in topic 'forecasts' at " + broker.bootstrapServers());

            assertThatThrownBy(() -> run(new LocalRun.Options(config, ModelBundle.bundledDefault(), 2, false, null,
                    input, true, dir.resolve("out2"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the broker at " + broker.bootstrapServers() + " holds records of an earlier run "
                            + "(in topics 'events', 'forecasts'); this run would read the old events "
                            + "again and report old and new output together (duplicate forecasts), so it did not "
                            + "start. To start clean, run again with --reset-topics (deletes and recreates topics "
                            + "events, forecasts, anomalies, events-dlq), or empty the broker of "
                            + "scripts/start-kafka.sh: scripts/stop-kafka.sh && rm -r target/cluster/kafka && "
                            + "scripts/start-kafka.sh");
            assertThat(dir.resolve("out2/forecasts.csv")).doesNotExist();

            LocalRun.Summary again = run(new LocalRun.Options(config, ModelBundle.bundledDefault(), 2, false, null,
                    input, true, dir.resolve("out3"), true));
            assertThat(again.eventsIn()).isEqualTo(first.eventsIn());
            assertThat(again.forecastsOut()).isEqualTo(first.forecastsOut());
            assertThat(again.deadLettered()).isEqualTo(first.deadLettered());
            assertThat(Files.readAllLines(again.csv())).isEqualTo(Files.readAllLines(first.csv()));
        }
    }
}
