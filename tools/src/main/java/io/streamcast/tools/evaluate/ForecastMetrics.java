package io.streamcast.tools.evaluate;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Point-forecast error of one series, with the same definitions as the project's reference scorer
 * ({@code forecast_score.py}), plus the coverage of the one-step prediction interval.
 *
 * <h2>Rows scored</h2>
 * Rows {@code t ≥ start}, {@code start = max(probation, largest lag any method needs)}: probation is NAB's
 * {@code min(floor(0.15 N), 750)}, the lags are every horizon k, the seasonal-naive lag {@code m·ceil(k/m)} and 1.
 * At horizon k only rows where the model gave a forecast count, for the model and the baselines alike (and rows
 * whose actual, or a lagged actual a baseline or scale needs, is missing are left out; the reference scorer
 * refuses such files).
 *
 * <h2>Metrics</h2>
 * MAE; RMSE; NRMSE = RMSE / std(actuals of the scored rows, population); MAPE % over rows whose actual is not 0
 * (zeros skipped and counted); MASE = MAE / mean |y[t] − y[t−1]| over the scored rows (scaled by the one-step
 * persistence error, the same scale at every horizon); seasonal MASE = MAE / mean |y[t] − y[t−m]|. Baselines
 * at horizon k: persistence {@code y[t−k]} and seasonal naive {@code y[t − m·ceil(k/m)]}, m = one day in rows
 * (one day / median step: 288 for 5-minute data, 24 hourly; daily data: 7; coarser: 1).
 * Interval coverage: the share of scored rows whose actual lies in {@code [lower, upper]}, at horizon 1 and at every
 * horizon whose bounds are given (evaluate gives K/2 and K).
 */
public final class ForecastMetrics {

    /** Errors of one method at one horizon. */
    public record Errors(int n, double mae, double rmse, double nrmse, double mape, int mapeZerosSkipped,
                         double mase, double maseSeasonal) {}

    /** One horizon of one series: the model and the two naive baselines on the same rows. */
    public record HorizonResult(int horizon, int rows, double modelCoverage, Errors model, Errors persistence,
                                Errors seasonalNaive) {}

    /** Everything about one series. */
    public record SeriesResult(String series, int rows, double stepSeconds, int seasonRows, int startRow,
                               List<HorizonResult> horizons, int intervalRows, int intervalInside,
                               Map<Integer, int[]> horizonIntervals) {

        /** Share of scored one-step rows inside the interval; NaN when no row had one. */
        public double intervalCoverage() {
            return intervalRows == 0 ? Double.NaN : (double) intervalInside / intervalRows;
        }

        /** {rows with an interval, rows inside it} at horizon k; null if its bounds were not given. */
        public int[] intervalCounts(int k) {
            return k == 1 ? new int[] {intervalRows, intervalInside} : horizonIntervals.get(k);
        }

        public HorizonResult horizon(int k) {
            for (HorizonResult h : horizons) {
                if (h.horizon() == k) {
                    return h;
                }
            }
            return null;
        }
    }

    private ForecastMetrics() {}

    /**
     * Scores one series.
     *
     * @param series     name (relative path)
     * @param timestamps timestamps of the rows, for the season
     * @param actual     actual values
     * @param forecasts  per horizon k (1-based) the forecast made k rows earlier for each row; NaN = none
     * @param lower      lower bound of the one-step interval per row (NaN = none); may be null
     * @param upper      upper bound of the one-step interval per row (NaN = none); may be null
     */
    public static SeriesResult score(String series, List<String> timestamps, double[] actual,
                                     Map<Integer, double[]> forecasts, double[] lower, double[] upper) {
        return score(series, timestamps, actual, forecasts, lower, upper, Map.of());
    }

    /**
     * As {@link #score(String, List, double[], Map, double[], double[])}, with the intervals of horizons above 1:
     * {@code bounds.get(k)} = {lower, upper} per row of the interval of the horizon-k forecast (NaN = none).
     */
    public static SeriesResult score(String series, List<String> timestamps, double[] actual,
                                     Map<Integer, double[]> forecasts, double[] lower, double[] upper,
                                     Map<Integer, double[][]> bounds) {
        int n = actual.length;
        double step = medianStepSeconds(timestamps);
        int m = seasonRows(step);
        int warm = NabSeries.probationLength(n);
        int maxLag = 1;
        TreeMap<Integer, double[]> byHorizon = new TreeMap<>(forecasts);
        if (byHorizon.isEmpty()) {
            byHorizon.put(1, null);
        }
        for (int k : byHorizon.keySet()) {
            maxLag = Math.max(maxLag, Math.max(k, seasonalLag(k, m)));
        }
        int start = Math.max(warm, maxLag);
        List<HorizonResult> results = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : byHorizon.entrySet()) {
            int k = e.getKey();
            double[] model = e.getValue();
            int candidates = Math.max(0, n - start);
            int seasonalLag = seasonalLag(k, m);
            List<Integer> rows = new ArrayList<>();
            for (int t = start; t < n; t++) {
                // rows whose actual (or a value a baseline or scale needs) is missing cannot be scored
                boolean actuals = Double.isFinite(actual[t]) && Double.isFinite(actual[t - 1])
                        && Double.isFinite(actual[t - k]) && Double.isFinite(actual[t - m])
                        && Double.isFinite(actual[t - seasonalLag]);
                if (actuals && (model == null || Double.isFinite(model[t]))) {
                    rows.add(t);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            int[] idx = rows.stream().mapToInt(Integer::intValue).toArray();
            double scale1 = meanAbsLagDiff(actual, idx, 1);
            double scaleM = meanAbsLagDiff(actual, idx, m);
            double[] persistence = lagged(actual, k);
            double[] seasonal = lagged(actual, seasonalLag);
            results.add(new HorizonResult(k, idx.length, candidates == 0 ? 0 : (double) idx.length / candidates,
                    model == null ? null : errors(actual, model, idx, scale1, scaleM),
                    errors(actual, persistence, idx, scale1, scaleM),
                    errors(actual, seasonal, idx, scale1, scaleM)));
        }
        int inside = 0;
        int counted = 0;
        if (lower != null && upper != null && forecasts.containsKey(1)) {
            double[] f1 = forecasts.get(1);
            for (int t = start; t < n; t++) {
                if (Double.isFinite(actual[t]) && Double.isFinite(f1[t]) && Double.isFinite(lower[t])
                        && Double.isFinite(upper[t])) {
                    counted++;
                    if (actual[t] >= lower[t] && actual[t] <= upper[t]) {
                        inside++;
                    }
                }
            }
        }
        Map<Integer, int[]> horizonIntervals = new TreeMap<>();
        for (Map.Entry<Integer, double[][]> b : bounds.entrySet()) {
            double[] fk = forecasts.get(b.getKey());
            if (fk == null) {
                continue;
            }
            horizonIntervals.put(b.getKey(), coverage(actual, fk, b.getValue()[0], b.getValue()[1], start));
        }
        return new SeriesResult(series, n, step, m, start, results, counted, inside, horizonIntervals);
    }

    /** {rows from {@code start} with an actual, a forecast and both bounds, rows whose actual is within them}. */
    static int[] coverage(double[] actual, double[] forecast, double[] lower, double[] upper, int start) {
        int counted = 0;
        int inside = 0;
        for (int t = start; t < actual.length; t++) {
            if (Double.isFinite(actual[t]) && Double.isFinite(forecast[t]) && Double.isFinite(lower[t])
                    && Double.isFinite(upper[t])) {
                counted++;
                if (actual[t] >= lower[t] && actual[t] <= upper[t]) {
                    inside++;
                }
            }
        }
        return new int[] {counted, inside};
    }

    static int seasonalLag(int k, int m) {
        return m * (int) Math.ceil(k / (double) m);
    }

    /** One day in rows from the median positive step: round(86400 / step) below a day, 7 for daily, else 1. */
    static int seasonRows(double stepSeconds) {
        if (!(stepSeconds > 0)) {
            return 1;
        }
        int m;
        if (stepSeconds < 86400) {
            m = (int) Math.rint(86400.0 / stepSeconds);
        } else if (Math.abs(stepSeconds - 86400) < 1) {
            m = 7;
        } else {
            m = 1;
        }
        return Math.max(m, 1);
    }

    /** Median of the positive steps between consecutive timestamps, in seconds (0 when there is none). */
    static double medianStepSeconds(List<String> timestamps) {
        double[] steps = new double[Math.max(0, timestamps.size() - 1)];
        int c = 0;
        LocalDateTime previous = null;
        for (String s : timestamps) {
            LocalDateTime t = NabTimestamps.parse(s);
            if (previous != null) {
                double d = Duration.between(previous, t).toNanos() / 1e9;
                if (d > 0) {
                    steps[c++] = d;
                }
            }
            previous = t;
        }
        if (c == 0) {
            return 0;
        }
        double[] pos = Arrays.copyOf(steps, c);
        Arrays.sort(pos);
        return c % 2 == 1 ? pos[c / 2] : (pos[c / 2 - 1] + pos[c / 2]) / 2.0;
    }

    private static double[] lagged(double[] y, int lag) {
        double[] f = new double[y.length];
        Arrays.fill(f, Double.NaN);
        for (int t = lag; t < y.length; t++) {
            f[t] = y[t - lag];
        }
        return f;
    }

    private static double meanAbsLagDiff(double[] y, int[] idx, int lag) {
        double sum = 0;
        for (int t : idx) {
            sum += Math.abs(y[t] - y[t - lag]);
        }
        return sum / idx.length;
    }

    static Errors errors(double[] y, double[] f, int[] idx, double scale1, double scaleM) {
        int n = idx.length;
        double abs = 0;
        double sq = 0;
        double mean = 0;
        double ape = 0;
        int nonZero = 0;
        for (int t : idx) {
            double e = f[t] - y[t];
            abs += Math.abs(e);
            sq += e * e;
            mean += y[t];
            if (y[t] != 0) {
                ape += Math.abs(e) / Math.abs(y[t]);
                nonZero++;
            }
        }
        mean /= n;
        double var = 0;
        for (int t : idx) {
            var += (y[t] - mean) * (y[t] - mean);
        }
        double sd = Math.sqrt(var / n);
        double mae = abs / n;
        double rmse = Math.sqrt(sq / n);
        return new Errors(n, mae, rmse, sd > 0 ? rmse / sd : Double.NaN,
                nonZero > 0 ? ape / nonZero * 100.0 : Double.NaN, n - nonZero,
                scale1 > 0 ? mae / scale1 : Double.NaN, scaleM > 0 ? mae / scaleM : Double.NaN);
    }

    /** Aggregates over series at one horizon, as the reference scorer reports them, plus coverage. */
    public record Summary(int horizon, int series, double meanNrmse, double medianNrmse, double meanMase,
                          double medianMase, double meanMaseSeasonal, double medianMaseSeasonal, double meanMape,
                          double medianMape, double gmeanRelMaeVsPersistence, double gmeanRelMaeVsSeasonalNaive,
                          int seriesBeatingPersistence, double pooledIntervalCoverage, double medianIntervalCoverage,
                          double persistenceMeanMase, double seasonalNaiveMeanMase) {}

    /** Mean and median (finite values only) and geometric mean of MAE ratios over every series with horizon k. */
    public static Summary summarise(List<SeriesResult> all, int k) {
        List<Double> nrmse = new ArrayList<>();
        List<Double> mase = new ArrayList<>();
        List<Double> maseS = new ArrayList<>();
        List<Double> mape = new ArrayList<>();
        List<Double> relP = new ArrayList<>();
        List<Double> relS = new ArrayList<>();
        List<Double> cover = new ArrayList<>();
        List<Double> pMase = new ArrayList<>();
        List<Double> sMase = new ArrayList<>();
        int beating = 0;
        int series = 0;
        long inside = 0;
        long counted = 0;
        for (SeriesResult s : all) {
            HorizonResult h = s.horizon(k);
            if (h == null || h.model() == null) {
                continue;
            }
            series++;
            nrmse.add(h.model().nrmse());
            mase.add(h.model().mase());
            maseS.add(h.model().maseSeasonal());
            mape.add(h.model().mape());
            pMase.add(h.persistence().mase());
            sMase.add(h.seasonalNaive().mase());
            if (h.persistence().mae() > 0 && h.model().mae() > 0) {
                relP.add(Math.log(h.model().mae() / h.persistence().mae()));
            }
            if (h.seasonalNaive().mae() > 0 && h.model().mae() > 0) {
                relS.add(Math.log(h.model().mae() / h.seasonalNaive().mae()));
            }
            if (h.model().mae() < h.persistence().mae()) {
                beating++;
            }
            int[] c = s.intervalCounts(k);
            if (c != null && c[0] > 0) {
                cover.add((double) c[1] / c[0]);
                inside += c[1];
                counted += c[0];
            }
        }
        return new Summary(k, series, mean(nrmse), median(nrmse), mean(mase), median(mase), mean(maseS), median(maseS),
                mean(mape), median(mape), relP.isEmpty() ? Double.NaN : Math.exp(mean(relP)),
                relS.isEmpty() ? Double.NaN : Math.exp(mean(relS)), beating,
                counted == 0 ? Double.NaN : (double) inside / counted, median(cover), mean(pMase), mean(sMase));
    }

    static double mean(List<Double> values) {
        double s = 0;
        int c = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                s += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
