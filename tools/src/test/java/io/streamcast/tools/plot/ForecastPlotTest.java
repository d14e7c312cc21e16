package io.streamcast.tools.plot;

import io.streamcast.tools.evaluate.LabelledWindows;
import io.streamcast.tools.evaluate.ScoredSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The plot breaks its lines at gaps in the data and tells detections inside labelled windows from those outside. */
class ForecastPlotTest {

    @Test
    void segmentsSplitWhereTheStepJumps() {
        long m = 300_000;
        long[] x = {0, m, 2 * m, 3 * m, 3 * m, 40 * m, 41 * m, 43 * m, 44 * m};
        assertThat(ForecastPlot.segments(x)).containsExactly(new int[] {0, 5}, new int[] {5, 9});
        assertThat(ForecastPlot.segments(new long[] {5})).containsExactly(new int[] {0, 1});
        // irregular sampling: steps of 3-6 times the median, each short against the span, stay joined
        long[] irregular = new long[1000];
        for (int i = 1; i < irregular.length; i++) {
            irregular[i] = irregular[i - 1] + (i % 50 == 0 ? 5 * m : m);
        }
        assertThat(ForecastPlot.segments(irregular)).containsExactly(new int[] {0, 1000});
        assertThat(ForecastPlot.segments(new long[0])).isEmpty();
    }

    @Test
    void detectionsAreInsideAWindowOnlyBetweenItsEnds() {
        long[][] windows = {{100, 200}, {500, 600}};
        assertThat(ForecastPlot.inWindow(100, windows)).isTrue();
        assertThat(ForecastPlot.inWindow(600, windows)).isTrue();
        assertThat(ForecastPlot.inWindow(300, windows)).isFalse();
        assertThat(ForecastPlot.inWindow(300, new long[0][])).isFalse();
    }

    @Test
    void aGapInTheDataIsNotDrawnAsALine(@TempDir Path dir) throws Exception {
        // 200 five-minute rows, a 10-day gap, 200 more: the gap is most of the time axis
        List<String> ts = new ArrayList<>();
        List<String> vs = new ArrayList<>();
        LocalDateTime t = LocalDateTime.of(2015, 9, 1, 0, 0);
        for (int i = 0; i < 400; i++) {
            if (i == 200) {
                t = t.plusDays(10);
            }
            ts.add(t.toString().replace('T', ' ') + ":00");
            vs.add(Double.toString(i < 200 ? 10 + i % 3 : 20 + i % 3));
            t = t.plusMinutes(5);
        }
        int n = ts.size();
        double[] score = new double[n];
        score[50] = 0.9;   // inside the window below
        score[300] = 0.9;  // outside
        double[] f = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = Double.parseDouble(vs.get(i));
            lo[i] = f[i] - 1;
            hi[i] = f[i] + 1;
        }
        ScoredSeries s = new ScoredSeries(ts, vs, score, new double[][] {f}, lo, hi);
        List<LabelledWindows.Window> windows = List.of(new LabelledWindows.Window(ts.get(40), ts.get(60)));
        Path png = dir.resolve("gap.png");
        ForecastPlot.Drawn d = ForecastPlot.write(png, "gap", s, windows, 0.5, 1200, 700);
        assertThat(d.detections()).isEqualTo(2);
        assertThat(Files.size(png)).isPositive();

        // in the top panel, the longest run of pixel columns without the actual line's blue spans the gap
        BufferedImage img = ImageIO.read(png.toFile());
        int longest = 0;
        int run = 0;
        for (int col = 0; col < img.getWidth(); col++) {
            boolean blue = false;
            for (int row = img.getHeight() / 10; row < img.getHeight() / 2 && !blue; row++) {
                int rgb = img.getRGB(col, row);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                blue = b > 120 && r < 100 && g < 120;
            }
            run = blue ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        assertThat(longest).isGreaterThan(img.getWidth() / 2);
    }
}
