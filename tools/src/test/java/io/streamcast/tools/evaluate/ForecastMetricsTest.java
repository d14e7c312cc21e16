package io.streamcast.tools.evaluate;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Forecast metrics on series small enough to work out by hand. */
class ForecastMetricsTest {

    private static List<String> daily(int n) {
        List<String> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(LocalDate.of(2020, 1, 1).plusDays(i) + " 00:00:00");
        }
        return ts;
    }

    private static List<String> every(int n, int minutes) {
        List<String> ts = new ArrayList<>();
        LocalDateTime t0 = LocalDateTime.of(2020, 1, 1, 0, 0);
        for (int i = 0; i < n; i++) {
            ts.add(t0.plusMinutes((long) i * minutes).toString().replace('T', ' '));
        }
        return ts;
    }

    @Test
    void theSeasonIsOneDayInRowsOrAWeekForDailyData() {
        assertThat(ForecastMetrics.seasonRows(ForecastMetrics.medianStepSeconds(every(10, 5)))).isEqualTo(288);
        assertThat(ForecastMetrics.seasonRows(ForecastMetrics.medianStepSeconds(every(10, 60)))).isEqualTo(24);
        assertThat(ForecastMetrics.seasonRows(ForecastMetrics.medianStepSeconds(daily(10)))).isEqualTo(7);
        assertThat(ForecastMetrics.seasonRows(2 * 86400)).isEqualTo(1);
        // irregular steps: the median decides (steps 60, 60, 300 s → 60 s → 1440 rows a day)
        List<String> irregular = List.of("2020-01-01 00:00:00", "2020-01-01 00:01:00", "2020-01-01 00:02:00",
                "2020-01-01 00:07:00");
        assertThat(ForecastMetrics.medianStepSeconds(irregular)).isEqualTo(60.0);
    }

    @Test
    void errorsOfALinearSeriesForecastHalfAStepHigh() {
        // y[t] = t for 20 daily rows, forecast y[t] + 0.5 from row 1.
        // probation floor(0.15·20) = 3, season 7 → start = max(3, 7, 1) = 7: rows 7..19 (13 rows)
        // MAE = 0.5; RMSE = 0.5; persistence error |y[t] − y[t−1]| = 1 → MASE = 0.5;
        // seasonal naive error |y[t] − y[t−7]| = 7 → seasonal MASE = 0.5/7 = 0.0714286;
        // std of 13 consecutive integers = sqrt((13² − 1)/12) = sqrt(14) = 3.7416574 → NRMSE = 0.1336306;
        // MAPE = 100 · 0.5 · (1/7 + ... + 1/19) / 13 = 100 · 0.5 · 1.0977397 / 13 = 4.2220756 %
        int n = 20;
        double[] y = new double[n];
        double[] f = new double[n];
        Arrays.fill(f, Double.NaN);
        for (int t = 0; t < n; t++) {
            y[t] = t;
            if (t >= 1) {
                f[t] = t + 0.5;
            }
        }
        ForecastMetrics.SeriesResult r = ForecastMetrics.score("lin", daily(n), y, Map.of(1, f), null, null);
        assertThat(r.startRow()).isEqualTo(7);
        ForecastMetrics.HorizonResult h = r.horizon(1);
        assertThat(h.rows()).isEqualTo(13);
        assertThat(h.model().mae()).isCloseTo(0.5, within(1e-12));
        assertThat(h.model().mase()).isCloseTo(0.5, within(1e-12));
        assertThat(h.model().maseSeasonal()).isCloseTo(0.0714286, within(1e-7));
        assertThat(h.model().nrmse()).isCloseTo(0.1336306, within(1e-7));
        assertThat(h.model().mape()).isCloseTo(4.2220756, within(1e-6));
        // the baselines on the same rows: persistence MASE is 1 by construction, seasonal naive 7
        assertThat(h.persistence().mase()).isCloseTo(1.0, within(1e-12));
        assertThat(h.seasonalNaive().mase()).isCloseTo(7.0, within(1e-12));
    }

    @Test
    void zerosAreSkippedInMapeAndCounted() {
        // y alternates 0, 2 over 30 daily rows; forecast 1 everywhere. start = max(floor(4.5) = 4, 7) = 7 → 23 rows,
        // of which rows 8, 10, .., 28 (11 rows) are 0: MAPE over the 12 rows of value 2 = |1 − 2|/2 = 50 %
        int n = 30;
        double[] y = new double[n];
        double[] f = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = t % 2 == 0 ? 0 : 2;
            f[t] = 1;
        }
        ForecastMetrics.Errors e = ForecastMetrics.score("alt", daily(n), y, Map.of(1, f), null, null).horizon(1).model();
        assertThat(e.n()).isEqualTo(23);
        assertThat(e.mapeZerosSkipped()).isEqualTo(11);
        assertThat(e.mape()).isCloseTo(50.0, within(1e-12));
    }

    @Test
    void rowsWithoutAForecastAreLeftOutForTheModelAndTheBaselinesAlike() {
        int n = 20;
        double[] y = new double[n];
        double[] f = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = t * t;
            f[t] = t < 15 ? Double.NaN : y[t];
        }
        ForecastMetrics.HorizonResult h = ForecastMetrics.score("sq", daily(n), y, Map.of(1, f), null, null).horizon(1);
        // rows 15..19 only: 5 of the 13 candidate rows
        assertThat(h.rows()).isEqualTo(5);
        assertThat(h.modelCoverage()).isCloseTo(5 / 13.0, within(1e-12));
        assertThat(h.model().mae()).isZero();
        // persistence error on rows 15..19: |t² − (t−1)²| = 2t − 1 → mean of 29, 31, 33, 35, 37 = 33
        assertThat(h.persistence().mae()).isCloseTo(33.0, within(1e-12));
    }

    @Test
    void intervalCoverageCountsActualsInsideTheOneStepBounds() {
        // 20 daily rows, scored rows 7..19 (13); bounds f ± 1 hold y on rows 7..16 (10 rows), and on rows 17..19 the
        // bounds are f ± 0.1 with y = f + 0.5 outside them → coverage 10/13
        int n = 20;
        double[] y = new double[n];
        double[] f = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int t = 0; t < n; t++) {
            f[t] = 10;
            y[t] = t >= 17 ? 10.5 : 10.2;
            double w = t >= 17 ? 0.1 : 1;
            lo[t] = f[t] - w;
            hi[t] = f[t] + w;
        }
        ForecastMetrics.SeriesResult r = ForecastMetrics.score("band", daily(n), y, Map.of(1, f), lo, hi);
        assertThat(r.intervalRows()).isEqualTo(13);
        assertThat(r.intervalCoverage()).isCloseTo(10 / 13.0, within(1e-12));
        ForecastMetrics.Summary s = ForecastMetrics.summarise(List.of(r, r), 1);
        assertThat(s.pooledIntervalCoverage()).isCloseTo(10 / 13.0, within(1e-12));
        assertThat(s.series()).isEqualTo(2);
    }

    @Test
    void rowsWithAMissingActualAreNotScored() {
        // y[t] = t over 20 daily rows, y[12] missing; forecast y[t] + 0.5. Scored rows 7..19 lose row 12 (no actual)
        // row 13 (its persistence needs y[12]) and row 19 (its seasonal naive, lag 7, needs y[12]): 10 rows, MAE 0.5
        int n = 20;
        double[] y = new double[n];
        double[] f = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = t;
            f[t] = t + 0.5;
        }
        y[12] = Double.NaN;
        ForecastMetrics.HorizonResult h = ForecastMetrics.score("gap", daily(n), y, Map.of(1, f), null, null).horizon(1);
        assertThat(h.rows()).isEqualTo(10);
        assertThat(h.model().mae()).isCloseTo(0.5, within(1e-12));
        assertThat(h.model().mase()).isCloseTo(0.5, within(1e-12));
    }
}
