package io.streamcast.tools.evaluate;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.output.ForecastRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The two layouts of the forecast columns, on records whose forecasts name their origin row and horizon. */
class ForecastScoresTest {

    static final int ROWS = 5;
    static final int K = 3;

    /** Row t's record forecasts 10·t + k for horizon k, so a cell says where it came from. */
    static List<ForecastRecord> records() {
        List<ForecastRecord> out = new ArrayList<>();
        for (int t = 0; t < ROWS; t++) {
            float[] f = new float[K];
            float[] lo = new float[K];
            float[] hi = new float[K];
            for (int k = 1; k <= K; k++) {
                f[k - 1] = 10 * t + k;
                lo[k - 1] = f[k - 1] - 0.5f * k;
                hi[k - 1] = f[k - 1] + 0.5f * k;
            }
            out.add(new ForecastRecord("s", 1000L * t, t, f, lo, hi, 0.1 * t, false, 0, 0, 0, false, "v"));
        }
        return out;
    }

    static RecordedSeries series() {
        List<RecordedSeries.Row> rows = new ArrayList<>();
        for (int t = 0; t < ROWS; t++) {
            rows.add(new RecordedSeries.Row(t + 2, Long.toString(1000L * t), Integer.toString(t),
                    ParsedEvent.valid(new Event("s", 1000L * t, t), "file", 0, t)));
        }
        return new RecordedSeries("s.csv", "s", rows);
    }

    @Test
    void targetRowsHoldTheForecastsOfTheirValueMadeKRowsEarlier() {
        ScoredSeries s = ForecastScores.join(series(), records(), ForecastLayout.TARGET);
        // row 3: horizon 1 from row 2 (21), horizon 2 from row 1 (12), horizon 3 from row 0 (3)
        assertThat(s.forecasts()[0][3]).isEqualTo(21);
        assertThat(s.forecasts()[1][3]).isEqualTo(12);
        assertThat(s.forecasts()[2][3]).isEqualTo(3);
        assertThat(s.forecasts()[2][1]).as("no row three rows before row 1").isNaN();
        assertThat(s.lower()[3]).isEqualTo(20.5);
        assertThat(s.anomalyScore()[3]).isEqualTo(0.1 * 3);
    }

    @Test
    void theIntervalsOfHorizonsKOver2AndKAreJoinedWithTheirForecastsAndReadBackFromTheFile(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(ScoredSeries.boundHorizons(8)).containsExactly(1, 4, 8);
        assertThat(ScoredSeries.boundHorizons(3)).containsExactly(1, 3);
        assertThat(ScoredSeries.boundHorizons(1)).containsExactly(1);
        ScoredSeries s = ForecastScores.join(series(), records(), ForecastLayout.TARGET);
        assertThat(s.bounds().keySet()).containsExactly(3);
        // row 3's horizon-3 forecast was made at row 0: 3 ± 1.5
        assertThat(s.lower(3)[3]).isEqualTo(1.5);
        assertThat(s.upper(3)[3]).isEqualTo(4.5);
        assertThat(s.lower(3)[2]).as("no row three rows before row 2").isNaN();
        ScoredSeries origin = ForecastScores.join(series(), records(), ForecastLayout.ORIGIN);
        assertThat(origin.lower(3)[4]).as("made at row 4 for row 7: 43 - 1.5").isEqualTo(41.5);

        java.nio.file.Path file = dir.resolve("s.csv");
        s.write(file);
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,forecast,lower,upper,forecast_h2,forecast_h3,"
                + "lower_h3,upper_h3");
        ScoredSeries back = ScoredSeries.read(file);
        assertThat(back.lower(3)).containsExactly(s.lower(3));
        assertThat(back.upper(3)).containsExactly(s.upper(3));

        // coverage at horizon 3, rows 3 and 4 (the only ones with a horizon-3 forecast): row 3's value 3 lies in
        // [1.5, 4.5] (made at row 0), row 4's value 4 not in [11.5, 14.5] (made at row 1): 1 of 2
        int[] c = ForecastMetrics.coverage(back.numericValues(), back.forecasts()[2], back.lower(3), back.upper(3), 0);
        assertThat(c).containsExactly(2, 1);
    }

    @Test
    void originRowsHoldTheForecastsMadeThereSoTheLastRowIsTheForecastFromTheEnd() {
        ScoredSeries s = ForecastScores.join(series(), records(), ForecastLayout.ORIGIN);
        int last = ROWS - 1;
        assertThat(new double[] {s.forecasts()[0][last], s.forecasts()[1][last], s.forecasts()[2][last]})
                .containsExactly(41, 42, 43);
        assertThat(s.forecasts()[1][0]).isEqualTo(2);
        assertThat(s.lower()[last]).isEqualTo(40.5);
        assertThat(s.upper()[last]).isEqualTo(41.5);
        assertThat(s.anomalyScore()[last]).as("the row's own score in both layouts").isEqualTo(0.1 * last);
        assertThat(s.timestamps()).isEqualTo(ForecastScores.join(series(), records(), ForecastLayout.TARGET).timestamps());
    }
}
