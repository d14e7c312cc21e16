package io.streamcast.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.tools.evaluate.PrequentialErrorsTest;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotPrequentialCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesThePlotAndReplacesOnlyTheTableBetweenTheMarkers() throws Exception {
        PrequentialErrorsTest.writeRuns(tmp);
        Path doc = Files.writeString(tmp.resolve("doc.md"), "# Results\n\nbefore\n\n<!-- learn:start -->\nold table\n"
                + "<!-- learn:end -->\n\nafter\n");
        Path png = tmp.resolve("plots/learn.png");

        StreamcastCliTest.Result r = StreamcastCliTest.execute("plot", "--prequential", tmp.resolve("learn").toString(),
                "--fixed", tmp.resolve("fixed").toString(), "--horizons", "1,2", "--out", png.toString(), "--doc",
                doc.toString(), "--section", "learn");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1600);
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Results\n\nbefore\n\n<!-- learn:start -->\n| h | learning (mean / median MASE)")
                .endsWith("<!-- learn:end -->\n\nafter\n").doesNotContain("old table")
                .contains("| 1 | ", "| 2 | ", "1 of 1 |", "![error over time, learner against fixed model]"
                        + "(plots/learn.png)", "learned-1-20200114T000000Z 200");
    }

    @Test
    void needsTheFixedRun() {
        StreamcastCliTest.Result r = StreamcastCliTest.execute("plot", "--prequential", tmp.toString(), "--out",
                tmp.resolve("x.png").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--prequential needs --fixed");
    }
}
