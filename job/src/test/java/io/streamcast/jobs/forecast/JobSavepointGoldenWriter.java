package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.streamcast.jobs.forecast.GoldenJobSavepoint.DIR;
import static io.streamcast.jobs.forecast.GoldenJobSavepoint.KEYS;
import static io.streamcast.jobs.forecast.GoldenJobSavepoint.MODEL;
import static io.streamcast.jobs.forecast.GoldenJobSavepoint.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the golden whole-job savepoint {@code src/test/resources/golden/}{@link GoldenJobSavepoint#NAME} (see
 * {@link GoldenJobSavepoint}): an in-process Kafka broker with the golden input topics, the prefix produced, the
 * production job started on a mini-cluster, and, once every prefix event's forecast and dead letter is committed
 * (so nothing is in flight and no transaction is pending), a stop with a canonical savepoint, copied into the
 * golden directory with {@value GoldenJobSavepoint#DESCRIPTION_FILE} beside it.
 *
 * <p>Not part of the build (its name matches neither {@code *Test} nor {@code *ITCase}); run it by name, once, for
 * a new golden version:
 * <pre>
 *   mvn -B -ntp -o -pl job -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dit.test=JobSavepointGoldenWriter -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 * It refuses to overwrite an existing golden directory: a released savepoint is never regenerated. For a new
 * layout, raise the version in {@link GoldenJobSavepoint#NAME} and keep the old directory and its test.
 */
@Timeout(300)
class JobSavepointGoldenWriter {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(GoldenJobSavepoint.PARALLELISM).build());

    @Test
    void writeTheGoldenJobSavepoint(@TempDir Path work) throws Exception {
        assertThat(DIR).as("%s exists: a released golden savepoint is never rewritten; raise the version in "
                + "GoldenJobSavepoint.NAME to write a new one", DIR).doesNotExist();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).start()) {
            GoldenJobSavepoint.createInputTopics(kafka);
            GoldenJobSavepoint.Run golden = GoldenJobSavepoint.Run.continuing("golden");
            golden.createOutputTopics(kafka);
            GoldenJobSavepoint.producePrefix(kafka);

            JobClient job = golden.start(kafka.bootstrapServers(), SavepointRestoreSettings.none());
            GoldenJobSavepoint.awaitCommitted(kafka, golden.forecasts(), (long) KEYS * PREFIX, Duration.ofSeconds(120));
            GoldenJobSavepoint.awaitCommitted(kafka, golden.deadLetters(), 1, Duration.ofSeconds(60));
            Path savepoint = GoldenJobSavepoint.stopWithSavepoint(job, work.resolve("savepoints"));

            // the state in the savepoint is that of exactly the prefix
            List<ForecastRecord> forecasts = GoldenJobSavepoint.forecasts(kafka, golden.forecasts());
            assertThat(forecasts).hasSize(KEYS * PREFIX);
            Map<String, List<ForecastRecord>> got = GoldenJobSavepoint.byKey(forecasts);
            for (Map.Entry<String, List<Event>> e : GoldenJobSavepoint.series().entrySet()) {
                ForecastFunctionTest.assertForecastsEqual(got.get(e.getKey()),
                        TestModels.referenceForecasts(MODEL, e.getValue().subList(0, PREFIX)));
            }
            assertThat(GoldenJobSavepoint.deadLetters(kafka, golden.deadLetters())).hasSize(1);

            copy(savepoint, DIR);
            List<String> description = new ArrayList<>();
            description.add("# The job and input of this golden savepoint (java.util.Properties): see GoldenJobSavepoint");
            GoldenJobSavepoint.describe().forEach((k, v) -> description.add(k + "=" + v));
            description.add("written-with-flink=" + EnvironmentInformation.getVersion());
            Files.write(DIR.resolve(GoldenJobSavepoint.DESCRIPTION_FILE), description, StandardCharsets.UTF_8);
        }
        try (Stream<Path> files = Files.walk(DIR)) {
            files.filter(Files::isRegularFile).forEach(f -> System.out.printf("%8d %s%n", size(f), f));
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
