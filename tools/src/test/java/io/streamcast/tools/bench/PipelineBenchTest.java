package io.streamcast.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A limited pipeline benchmark run replaces only its own rows; selections are checked. */
class PipelineBenchTest {

    private static PipelineRow row(String scenario, String backend, int p, int keys, double eps) {
        return new PipelineRow(scenario, backend, p, keys, 10, eps, "", 3, "2026-01-01T00:00:00Z");
    }

    @Test
    void freshRowsReplaceTheSameRowsAndTheRestStayInTableOrder() {
        List<PipelineRow> previous = List.of(
                row(GeneratorScenario.TITLE, "hashmap", 1, 1_000, 1),
                row(GeneratorScenario.TITLE, "hashmap", 1, 100_000, 2),
                row(GeneratorScenario.TITLE, "rocksdb", 2, 1_000, 3),
                row(KafkaScenario.title(Duration.ofSeconds(2), null), "hashmap", 2, 100_000, 4),
                row(Dl4jScenario.TITLE, "hashmap", 1, 1_000, 5));
        List<PipelineRow> fresh = List.of(
                row(KafkaScenario.title(Duration.ofSeconds(10), null), "hashmap", 2, 100_000, 40),
                row(GeneratorScenario.TITLE, "hashmap", 1, 100_000, 20),
                row(GeneratorScenario.TITLE, "hashmap", 2, 100_000, 21));

        List<PipelineRow> merged = PipelineResults.merge(previous, fresh);

        assertThat(merged).extracting(PipelineRow::eventsPerSecond)
                .containsExactly(1.0, 20.0, 21.0, 3.0, 4.0, 40.0, 5.0);
    }

    @Test
    void naturalOrderComparesNumbersAsNumbers() {
        assertThat(PipelineResults.naturalOrder("every 2 s", "every 10 s")).isNegative();
        assertThat(PipelineResults.naturalOrder("every 10 s", "every 2 s")).isPositive();
        assertThat(PipelineResults.naturalOrder("every 2 s", "every 2 s")).isZero();
        assertThat(PipelineResults.naturalOrder("every 2 s", "every 2 s, client properties a")).isNegative();
        assertThat(PipelineResults.naturalOrder("a", "b")).isNegative();
    }

    @Test
    void rowsOfAnOlderFileReadWithTheFileDateAndTheKafkaRowsIntervalInItsName(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("benchmarks-pipeline.json");
        Files.writeString(json, "{\"written\":\"2026-11-24T08:19:33Z\",\"quick\":false,\"rows\":["
                + "{\"scenario\":\"Kafka → job → Kafka, exactly-once\",\"backend\":\"hashmap\",\"parallelism\":2,"
                + "\"keys\":100000,\"events\":1000000,\"eventsPerSecond\":42604.0,\"note\":\"n\"}]}", StandardCharsets.UTF_8);

        List<PipelineRow> rows = PipelineResults.readRows(json);

        assertThat(rows).containsExactly(new PipelineRow(
                "Kafka → job → Kafka, exactly-once, checkpoints every 2 s", "hashmap", 2, 100_000, 1_000_000, 42604.0,
                "n", 3, "2026-11-24T08:19:33Z"));
        assertThat(PipelineResults.readRows(dir.resolve("missing.json"))).isEmpty();
    }

    @Test
    void selectionNamesWhatIsWrong() {
        PipelineBench.Selection all = PipelineBench.Selection.all(false);
        assertThatThrownBy(() -> new PipelineBench.Selection(List.of("generator", "kafak"), all.keys(), all.backends(),
                all.parallelisms(), 3, 10, Duration.ofSeconds(2), null, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown scenario 'kafak': choose from generator, kafka, latency, state, seasonal, sql, learner, dl4j");
        assertThatThrownBy(() -> new PipelineBench.Selection(all.scenarios(), List.of(1001), all.backends(),
                all.parallelisms(), 3, 10, Duration.ofSeconds(2), null, List.of()))
                .hasMessageContaining("Key count 1001 must be even");
        assertThatThrownBy(() -> new PipelineBench.Selection(all.scenarios(), all.keys(), List.of("heap"),
                all.parallelisms(), 3, 10, Duration.ofSeconds(2), null, List.of()))
                .hasMessage("Unknown state backend 'heap': choose hashmap or rocksdb");
        assertThatThrownBy(() -> new PipelineBench.Selection(all.scenarios(), all.keys(), all.backends(),
                List.of(4), 3, 10, Duration.ofSeconds(2), null, List.of()))
                .hasMessage("Parallelism 4 is not measured: choose 1 or 2");
        assertThatThrownBy(() -> new PipelineBench.Selection(all.scenarios(), all.keys(), all.backends(),
                all.parallelisms(), 0, 10, Duration.ofSeconds(2), null, List.of()))
                .hasMessage("repeats must be at least 1; got 0");
        assertThatThrownBy(() -> new PipelineBench.Selection(all.scenarios(), all.keys(), all.backends(),
                all.parallelisms(), 3, 10, Duration.ofSeconds(2), Path.of("no-such.properties"), List.of()))
                .hasMessage("Kafka client properties file no-such.properties does not exist");
        assertThatThrownBy(() -> new PipelineBench.Selection(List.of("seasonal"), all.keys(), all.backends(),
                all.parallelisms(), 3, 10, Duration.ofSeconds(2), null, List.of(Path.of("no-such.scm"))))
                .hasMessage("Model file 'no-such.scm' does not exist: give a model artifact written by 'streamcast train'");
        assertThat(KafkaScenario.title(Duration.ofMillis(500), Path.of("/x/batch.properties")))
                .isEqualTo("Kafka → job → Kafka, exactly-once, checkpoints every 500 ms, client properties batch.properties");
    }
}
