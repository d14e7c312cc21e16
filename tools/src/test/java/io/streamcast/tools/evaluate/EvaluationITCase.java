package io.streamcast.tools.evaluate;

import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.tools.plot.ForecastPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code evaluate} end to end on a small synthetic labelled set: the real job in a mini-cluster over two daily sine
 * series (5-minute steps), one with a spike inside a labelled window, one clean with a malformed line.
 */
class EvaluationITCase {

    static final int ROWS = 2400;
    static final int SPIKE_ROW = 1800;
    static final int WINDOW_START = 1780;
    static final int WINDOW_END = 1840;
    static final LocalDateTime T0 = LocalDateTime.of(2024, 3, 4, 0, 0);

    static String ts(int row) {
        return T0.plusMinutes(5L * row).toString().replace('T', ' ') + ":00";
    }

    static double sine(int row) {
        return 50 + 20 * Math.sin(2 * Math.PI * row / 288.0);
    }

    @Test
    void aSpikeInsideALabelledWindowIsItsFirstDetectionAndTheCleanSeriesStaysQuiet(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("synthetic"));
        StringBuilder spiky = new StringBuilder("timestamp,value\n");
        StringBuilder clean = new StringBuilder("timestamp,value\n");
        for (int t = 0; t < ROWS; t++) {
            spiky.append(ts(t)).append(',').append(t == SPIKE_ROW ? 160.0 : sine(t)).append('\n');
            clean.append(ts(t)).append(',').append(t == 1000 ? "not-a-number" : Double.toString(sine(t))).append('\n');
        }
        Files.writeString(data.resolve("synthetic/spike.csv"), spiky);
        Files.writeString(data.resolve("synthetic/clean.csv"), clean);
        Path labels = tmp.resolve("windows.json");
        Files.writeString(labels, "{\"synthetic/spike.csv\": [[\"" + ts(WINDOW_START) + ".000000\", \"" + ts(WINDOW_END)
                + ".000000\"]], \"synthetic/clean.csv\": []}");
        Path out = tmp.resolve("out");

        Evaluation.Result r = new Evaluation(new Evaluation.Options(data, labels, null, out, ModelBundle.bundledDefault(),
                null, 2, Map.of(), "test"), System.out).run();

        // one output row per input row, same timestamps, same order; the malformed row is kept without a forecast
        ScoredSeries spike = ScoredSeries.read(out.resolve("synthetic/spike.csv"));
        ScoredSeries cleanOut = ScoredSeries.read(out.resolve("synthetic/clean.csv"));
        assertThat(spike.rows()).isEqualTo(ROWS);
        assertThat(cleanOut.rows()).isEqualTo(ROWS);
        for (int t = 0; t < ROWS; t += 97) {
            assertThat(spike.timestamps().get(t)).isEqualTo(ts(t));
        }
        assertThat(cleanOut.values().get(1000)).isEqualTo("not-a-number");
        assertThat(cleanOut.anomalyScore()[1000]).isZero();
        assertThat(cleanOut.forecasts()[0][1000]).isFinite();  // made at row 999
        assertThat(cleanOut.forecasts()[0][1001]).isNaN();     // nothing was forecast from the malformed row
        assertThat(cleanOut.forecasts()[0][1002]).isFinite();
        assertThat(spike.forecasts()[0][0]).isNaN();
        assertThat(spike.forecasts()[0][1]).isFinite();
        assertThat(spike.horizon()).isGreaterThan(1);
        assertThat(r.deadLettersByReason()).containsEntry("invalid-input-row", 1L);

        // the spike is the window's first detection at the chosen threshold, and nothing else is detected
        NabScorer.ProfileScore standard = r.nab().get(0);
        assertThat(standard.profile().name()).isEqualTo("standard");
        double threshold = standard.threshold();
        assertThat(spike.anomalyScore()[SPIKE_ROW]).isGreaterThanOrEqualTo(threshold);
        for (int t = WINDOW_START; t < SPIKE_ROW; t++) {
            assertThat(spike.anomalyScore()[t]).as("row %d", t).isLessThan(threshold);
        }
        assertThat(standard.detectedWindows()).isEqualTo(1);
        assertThat(standard.missedWindows()).isZero();
        assertThat(standard.falsePositiveDetections()).isZero();
        // detection at row 1800 of window 1780..1840 (W = 61): y = −41/61, sig(y)/sig(−1) = 0.9456;
        // null detector: −1 (it would pay for thousands of false positives); perfect 1 → 100 · 1.9456 / 2 = 97.3
        assertThat(standard.normalisedScore()).isBetween(97.0, 97.6);

        // forecast metrics and reports
        assertThat(r.series()).hasSize(2);
        assertThat(r.summaries().get(0).series()).isEqualTo(2);
        assertThat(r.series().get(0).intervalRows()).isPositive();
        assertThat(Files.readString(out.resolve("report.md"))).contains("| standard |").contains("synthetic/spike.csv");
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"normalised_score\"");

        // and the plot of it
        Path png = tmp.resolve("spike.png");
        ForecastPlot.Drawn d = ForecastPlot.write(png, "synthetic/spike.csv", spike,
                LabelledWindows.read(labels).windows("synthetic/spike.csv"), threshold, 1200, 700);
        assertThat(d.detections()).isGreaterThanOrEqualTo(1);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1200);
        assertThat(img.getHeight()).isEqualTo(700);
    }
}
