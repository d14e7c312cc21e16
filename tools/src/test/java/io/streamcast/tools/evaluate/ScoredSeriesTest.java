package io.streamcast.tools.evaluate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScoredSeriesTest {

    @Test
    void writesTheEvaluateLayoutAndReadsItBack(@TempDir Path dir) throws Exception {
        double nan = Double.NaN;
        ScoredSeries s = new ScoredSeries(List.of("2014-04-01 00:00:00", "2014-04-01 00:05:00", "2014-04-01 00:10:00"),
                List.of("1.5", "2", "say \"x\", then"), new double[] {0, 0.25, 1},
                new double[][] {{nan, 1.25f, 2.5f}, {nan, nan, 3.75f}}, new double[] {nan, 1, 2}, new double[] {nan, 1.5, 3});
        Path f = dir.resolve("a/b.csv");
        s.write(f);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,forecast,lower,upper,forecast_h2");
        assertThat(lines.get(1)).isEqualTo("2014-04-01 00:00:00,1.5,0.0,,,,");
        assertThat(lines.get(2)).isEqualTo("2014-04-01 00:05:00,2,0.25,1.25,1.0,1.5,");

        ScoredSeries back = ScoredSeries.read(f);
        assertThat(back.timestamps()).isEqualTo(s.timestamps());
        assertThat(back.values()).isEqualTo(s.values());
        assertThat(back.anomalyScore()).containsExactly(s.anomalyScore());
        assertThat(back.horizon()).isEqualTo(2);
        assertThat(back.forecasts()[1][2]).isEqualTo(3.75);
        assertThat(back.forecasts()[0][0]).isNaN();
        assertThat(back.upper()[2]).isEqualTo(3.0);
    }
}
