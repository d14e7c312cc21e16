package io.streamcast.model.training.dataset;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forecast accuracy on the validation part of every series, next to the persistence baseline
 * (forecast for t + j = the last seen value v_t).
 *
 * <p>Scored steps: t from the series' split to its end, horizon step j wherever {@code t + j} is still inside the
 * series. {@code mse} is in scaled (model) units over all scored (t, j), what early stopping watches;
 * {@code mae[j-1]} and {@code persistenceMae[j-1]} are in the series' original units.
 *
 * @param mse            mean squared error in scaled units over every scored (t, j)
 * @param persistenceMse the persistence baseline's mean squared error in scaled units
 * @param mae            mean absolute error per horizon step, original units
 * @param persistenceMae the persistence baseline's mean absolute error per horizon step, original units
 * @param points         scored (t, j) pairs
 * @param seriesMae1     per series (in data order), the horizon-1 MAE in that series' units
 * @param seriesPersistenceMae1 per series, the persistence baseline's horizon-1 MAE
 */
public record ValidationMetrics(double mse, double persistenceMse, double[] mae, double[] persistenceMae, long points,
        double[] seriesMae1, double[] seriesPersistenceMae1) {

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
        for (int j = 0; j < k; j++) {
            ae[j] = count[j] == 0 ? Double.NaN : ae[j] / count[j];
            pae[j] = count[j] == 0 ? Double.NaN : pae[j] / count[j];
        }
        return new ValidationMetrics(se / n, pse / n, ae, pae, n, sae, spae);
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
        return m;
    }
}
