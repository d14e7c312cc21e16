package io.streamcast.model.training.dataset;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forecast accuracy on the validation part of every series, next to the persistence baseline
 * (forecast for t + j = the last seen value v_t).
 *
 * <p>Scored steps for {@code mse} and {@code mae}: t from the series' split to its end, horizon step j wherever
 * {@code t + j} is still inside the series. {@code mse} is in scaled (model) units over all scored (t, j);
 * {@code mae[j-1]} and {@code persistenceMae[j-1]} are in the series' original units. {@link OriginScores} are M4's
 * measures of forecasts made from the last training step on, which early stopping watches by default.
 *
 * @param mse            mean squared error in scaled units over every scored (t, j)
 * @param persistenceMse the persistence baseline's mean squared error in scaled units
 * @param mae            mean absolute error per horizon step, original units
 * @param persistenceMae the persistence baseline's mean absolute error per horizon step, original units
 * @param points         scored (t, j) pairs
 * @param seriesMae1     per series (in data order), the horizon-1 MAE in that series' units
 * @param seriesPersistenceMae1 per series, the persistence baseline's horizon-1 MAE
 * @param origin         the multi-step measures of the model, persistence and seasonal naive, as M4 scores them
 */
public record ValidationMetrics(double mse, double persistenceMse, double[] mae, double[] persistenceMae, long points,
        double[] seriesMae1, double[] seriesPersistenceMae1, OriginScores origin) {

    /**
     * Forecasts scored as M4 scores them, per series and then averaged over series: each forecast made at an origin
     * t whose K targets all lie in the validation part, from the last training step on (with the M4 split of the
     * last 48 points and K = 48 that is exactly one forecast per series, the competition's); a series whose
     * validation part is shorter than K + 1 scores its origins from the last training step with the horizons that
     * fit. sMAPE = mean of 200·|F − A| / (|F| + |A|); MASE = mean |F − A| over the mean absolute seasonal difference
     * of the series' training part (season m: the series' own, {@link SeriesFeatures#season()}; 1 without one).
     * Seasonal naive forecasts t + j with the value m·ceil(j/m) steps earlier (persistence without a season).
     *
     * @param smape                     model, mean over series
     * @param mase                      model, mean over series with a non-zero scale
     * @param persistenceSmape          persistence
     * @param persistenceMase           persistence
     * @param seasonalSmape             seasonal naive
     * @param seasonalMase              seasonal naive
     * @param series                    series with a non-zero scale (counted in the MASE means)
     * @param betterThanSeasonal        series whose MASE is below seasonal naive's
     */
    public record OriginScores(double smape, double mase, double persistenceSmape, double persistenceMase,
            double seasonalSmape, double seasonalMase, int series, int betterThanSeasonal) {

        /** The model's sMAPE and MASE relative to seasonal naive's, averaged: M4's OWA with seasonal naive as the
         *  reference instead of Naive2 (below 1: better than seasonal naive). */
        public double relativeToSeasonal() {
            return (smape / seasonalSmape + mase / seasonalMase) / 2;
        }
    }

    /** A model's output at series s, step t, horizon step j (1-based), in scaled units. */
    @FunctionalInterface
    public interface Predictions {
        double get(int series, int t, int j);
    }

    /** Scores {@code predictions} on the validation part of every series of {@code data}. */
    public static ValidationMetrics compute(SequenceDataSets data, Predictions predictions) {
        int k = data.horizon();
        double se = 0;
        double pse = 0;
        long n = 0;
        double[] ae = new double[k];
        double[] pae = new double[k];
        long[] count = new long[k];
        int seriesCount = data.series().size();
        double[] sae = new double[seriesCount];
        double[] spae = new double[seriesCount];
        for (int s = 0; s < seriesCount; s++) {
            SeriesFeatures sf = data.series().get(s);
            long scored = 0;
            for (int t = data.split(s); t < sf.length() - 1; t++) {
                double last = sf.value(t);
                for (int j = 1; j <= k && t + j < sf.length(); j++) {
                    double z = predictions.get(s, t, j);
                    double d = z - sf.target(t, j);
                    se += d * d;
                    double pd = sf.feature(t, 0) - sf.target(t, j);
                    pse += pd * pd;
                    n++;
                    double actual = sf.value(t + j);
                    double err = Math.abs(sf.unscale(t, z) - actual);
                    double persistenceErr = Math.abs(last - actual);
                    ae[j - 1] += err;
                    pae[j - 1] += persistenceErr;
                    count[j - 1]++;
                    if (j == 1) {
                        sae[s] += err;
                        spae[s] += persistenceErr;
                        scored++;
                    }
                }
            }
            sae[s] = scored == 0 ? Double.NaN : sae[s] / scored;
            spae[s] = scored == 0 ? Double.NaN : spae[s] / scored;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no validation steps: every series' validation part is shorter than 2 steps");
        }
        OriginScores origin = originScores(data, predictions);
        for (int j = 0; j < k; j++) {
            ae[j] = count[j] == 0 ? Double.NaN : ae[j] / count[j];
            pae[j] = count[j] == 0 ? Double.NaN : pae[j] / count[j];
        }
        return new ValidationMetrics(se / n, pse / n, ae, pae, n, sae, spae, origin);
    }

    private static OriginScores originScores(SequenceDataSets data, Predictions predictions) {
        int k = data.horizon();
        double[] sum = new double[6]; // sMAPE and MASE of model, persistence, seasonal naive, summed over series
        int smapeSeries = 0;
        int maseSeries = 0;
        int better = 0;
        for (int s = 0; s < data.series().size(); s++) {
            SeriesFeatures sf = data.series().get(s);
            int n = sf.length();
            int split = data.split(s);
            int m = sf.season() > 0 && sf.season() < split ? sf.season() : 1;
            double scale = 0;
            for (int i = m; i < split; i++) {
                scale += Math.abs(sf.value(i) - sf.value(i - m));
            }
            scale = split > m ? scale / (split - m) : 0;
            int lastOrigin = n - 1 - k >= split - 1 ? n - 1 - k : n - 2;
            double[] smape = new double[3];
            double[] ae = new double[3];
            long pairs = 0;
            for (int t = split - 1; t <= lastOrigin; t++) {
                for (int j = 1; j <= k && t + j < n; j++) {
                    double actual = sf.value(t + j);
                    int back = t + j - m * ((j + m - 1) / m);
                    double[] f = {sf.unscale(t, predictions.get(s, t, j)), sf.value(t),
                            sf.value(m > 1 && back >= 0 ? back : t)};
                    for (int c = 0; c < 3; c++) {
                        double err = Math.abs(f[c] - actual);
                        double denom = Math.abs(f[c]) + Math.abs(actual);
                        smape[c] += denom == 0 ? 0 : 200 * err / denom;
                        ae[c] += err;
                    }
                    pairs++;
                }
            }
            if (pairs == 0) {
                continue;
            }
            smapeSeries++;
            for (int c = 0; c < 3; c++) {
                sum[2 * c] += smape[c] / pairs;
            }
            if (scale > 0) {
                maseSeries++;
                for (int c = 0; c < 3; c++) {
                    sum[2 * c + 1] += ae[c] / pairs / scale;
                }
                if (ae[0] < ae[2]) {
                    better++;
                }
            }
        }
        double ns = Math.max(smapeSeries, 1);
        double nm = maseSeries == 0 ? Double.NaN : maseSeries;
        return new OriginScores(sum[0] / ns, sum[1] / nm, sum[2] / ns, sum[3] / nm, sum[4] / ns, sum[5] / nm,
                maseSeries, better);
    }

    /** MAE of horizon step 1, original units. */
    public double mae1() {
        return mae[0];
    }

    /** Persistence MAE of horizon step 1, original units. */
    public double persistenceMae1() {
        return persistenceMae[0];
    }

    /** Mean over horizon steps of the MAE, original units. */
    public double maeMean() {
        return mean(mae);
    }

    /** Mean over horizon steps of the persistence MAE, original units. */
    public double persistenceMaeMean() {
        return mean(persistenceMae);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /**
     * Mean over series of (model MAE / persistence MAE) at horizon 1: a scale-free summary that a series with
     * large units cannot dominate, unlike the pooled {@link #mae1()}. Below 1 means better than persistence on the
     * typical series. Series whose persistence MAE is 0 are left out.
     */
    public double meanSeriesRatio1() {
        double sum = 0;
        int n = 0;
        for (int s = 0; s < seriesMae1.length; s++) {
            if (seriesPersistenceMae1[s] > 0 && Double.isFinite(seriesMae1[s])) {
                sum += seriesMae1[s] / seriesPersistenceMae1[s];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Flat name → value map for the artifact's provenance. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_mse_scaled", mse);
        m.put("val_mse_scaled_persistence", persistenceMse);
        m.put("val_mae", mae1());
        m.put("val_mae_persistence", persistenceMae1());
        m.put("val_mae_mean", maeMean());
        m.put("val_mae_persistence_mean", persistenceMaeMean());
        for (int j = 0; j < mae.length; j++) {
            m.put("val_mae_h" + (j + 1), mae[j]);
            m.put("val_mae_persistence_h" + (j + 1), persistenceMae[j]);
        }
        m.put("val_mae_ratio_series_mean", meanSeriesRatio1());
        m.put("val_points", (double) points);
        m.put("val_smape", origin.smape());
        m.put("val_mase", origin.mase());
        m.put("val_smape_seasonal_naive", origin.seasonalSmape());
        m.put("val_mase_seasonal_naive", origin.seasonalMase());
        m.put("val_smape_persistence", origin.persistenceSmape());
        m.put("val_mase_persistence", origin.persistenceMase());
        m.put("val_series_better_than_seasonal_naive", (double) origin.betterThanSeasonal());
        m.put("val_series_scored", (double) origin.series());
        return m;
    }
}
