package io.streamcast.tools.cli;

import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line in-process: help, inspect-model on good and damaged artifacts, and argument errors. */
class StreamcastCliTest {

    record Result(int exit, String out, String err) {}

    static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StreamcastCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    static Path bundledModel(Path dir) throws Exception {
        Path p = dir.resolve("default.scm");
        try (InputStream in = ModelBundle.class.getResourceAsStream(ModelBundle.DEFAULT_RESOURCE)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void helpListsTheSubcommands() {
        Result r = execute("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("run", "train", "inspect-model", "bench", "sample", "replay", "evaluate", "plot");
    }

    @Test
    void inspectModelPrintsArchitectureVersionChecksumAndProvenance(@TempDir Path dir) throws Exception {
        Path model = bundledModel(dir);
        Result r = execute("inspect-model", model.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("sha256:          " + ModelArtifactReader.sha256(model))
                .contains("model version:   " + ModelArtifactReader.read(model).modelVersion())
                .contains("layer 0:         LSTM")
                .contains("val_mae");
    }

    @Test
    void inspectModelNamesTheWeekModel(@TempDir Path dir) throws Exception {
        io.streamcast.model.core.artifact.ModelArtifact bundled = ModelArtifactReader.read(bundledModel(dir));
        int k = bundled.model().horizon();
        io.streamcast.model.core.WeekModel week = new io.streamcast.model.core.WeekModel(24, 3, k, new float[168 * k],
                new float[k], new float[168 * 3], new float[3], new float[3 * k]);
        Path model = dir.resolve("week.scm");
        io.streamcast.model.core.artifact.ModelArtifactWriter.write(bundled.withWeekModel(week), model);
        Result r = execute("inspect-model", model.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("format version:  5")
                .contains("week model:      season 24, window 168 -> 3 hidden (relu) -> " + k + ", linear skip; "
                        + week.parameters() + " parameters");
        assertThat(execute("inspect-model", bundledModel(Files.createDirectories(dir.resolve("b"))).toString()).out()).doesNotContain("week model");
    }

    @Test
    void inspectModelOnADamagedFileExitsNonZeroWithTheReason(@TempDir Path dir) throws Exception {
        Path model = bundledModel(dir);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(model, bytes);
        Result r = execute("inspect-model", model.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a valid model artifact").contains("checksum mismatch");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadArgumentIsReportedWithoutAStackTrace() {
        Result r = execute("run", "--source", "s3-bucket-please");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--source must be 'kafka' or 'file:PATH', got 's3-bucket-please'")
                .doesNotContain("Exception");
    }
}
