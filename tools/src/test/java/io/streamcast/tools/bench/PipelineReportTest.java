package io.streamcast.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results store keeps what was not measured again; the report fills only its blocks. */
class PipelineReportTest {

    private static final Path DOCS = Path.of("..", "docs");

    private static PipelineRow row(String scenario, int p, int keys, double eps) {
        return new PipelineRow(scenario, "hashmap", p, keys, 10, eps, "", 3, "2026-01-01T00:00:00Z");
    }

    @Test
    void theDocsAreTheReportOfTheStoredResults(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("benchmarks.md");
        Files.copy(DOCS.resolve("benchmarks.md"), md);

        PipelineReport.write(md, PipelineResults.read(DOCS.resolve("benchmarks-pipeline.json")));

        assertThat(Files.readString(md, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(DOCS.resolve("benchmarks.md"), StandardCharsets.UTF_8));
    }

    @Test
    void theStoreReadsWhatItWrote(@TempDir Path dir) throws Exception {
        PipelineResults stored = PipelineResults.read(DOCS.resolve("benchmarks-pipeline.json"));
        Path json = dir.resolve("pipeline.json");

        stored.write(json);

        assertThat(PipelineResults.read(json)).isEqualTo(stored);
        assertThat(stored.latency().p99Ms()).isEqualTo(5);
        assertThat(stored.state().keys()).isEqualTo(100_000);
    }

    @Test
    void aFocusedRunReplacesOnlyWhatItMeasured() {
        PipelineResults.StateSize state = new PipelineResults.StateSize(100, 40_000, 400, 1000, 1 << 30, "t0");
        PipelineResults before = PipelineResults.ofRows(List.of(row(GeneratorScenario.TITLE, 1, 100_000, 1),
                row(GeneratorScenario.TITLE, 2, 100_000, 2))).withState(state);
        PipelineResults.Latency latency = new PipelineResults.Latency(5, 100, 10, 1, 2, 3, 5, "t1");
        PipelineResults fresh = PipelineResults.ofRows(List.of(row(GeneratorScenario.TITLE, 2, 100_000, 20)))
                .withLatency(latency);

        PipelineResults after = before.with(fresh);

        assertThat(after.rows()).extracting(PipelineRow::eventsPerSecond).containsExactly(1.0, 20.0);
        assertThat(after.state()).isEqualTo(state);
        assertThat(after.latency()).isEqualTo(latency);
    }

    @Test
    void textOutsideTheMarkersStaysAndMissingFiguresSaySo(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("b.md");
        Files.writeString(md, "# B\n\nhand-written\n\n<!-- pipeline-state:start -->\nold\n<!-- pipeline-state:end -->\n\nafter\n");

        PipelineReport.write(md, PipelineResults.EMPTY);

        String doc = Files.readString(md);
        assertThat(doc).startsWith("# B\n\nhand-written\n\n<!-- pipeline-state:start -->\nNot measured yet: "
                + "`bench pipeline --scenarios state`.\n<!-- pipeline-state:end -->\n\nafter\n");
        assertThat(doc).contains("<!-- pipeline-throughput:start -->", "<!-- pipeline-latency:end -->",
                "<!-- pipeline-sizing:end -->").doesNotContain("old");
    }
}
