package io.streamcast.learner.core;

import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import java.util.List;

/**
 * Scores a model on the held-back part of the sample exactly as the stream would serve it: each key is stepped by
 * {@link SeriesStep} (the per-key algorithm of the forecast job, with its combination with the baselines) from the
 * first event the sample holds; every forecast made at or after the key's last training point whose target lies in
 * the held-back part is scored, at every horizon 1..K. The baselines are scored on the same (origin, target) pairs:
 * persistence (the origin's value) and seasonal naive (the value one season before the target, from data at or
 * before the origin; the season as the job decides it from the key's event spacing, persistence without one).
 *
 * <p>Two forecasts are scored per model, both as {@code SeriesStep} computes them: the network's own
 * ({@link SeriesStep#modelForecast()}: for a seasonal head on its seasonal-naive base) and the served one
 * ({@link SeriesStep#forecast()}, after the combination).
 *
 * <p>The score is scale-free so keys of any size count alike: a key's mean absolute error divided by the mean
 * absolute one-step change over its training part (MASE-style), averaged over keys. Keys with no held-back point, no
 * training part of two points, or a flat training part are not scored.
 */
public final class CandidateValidator {

    /**
     * Scores of one model and of the baselines on the same pairs.
     *
     * @param model  the model's own forecasts (the network, scaled and unscaled as the job does, on its seasonal
     *               base for a seasonal head, before any combination): what training changes
     * @param served the forecasts the job serves with that model (combined with persistence and seasonal naive)
     */
    public record Scores(double model, double served, double persistence, double seasonalNaive, int keys, long pairs) {
        /** The better of the two baselines. */
        public double bestBaseline() {
            return Math.min(persistence, seasonalNaive);
        }
    }

    private final SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);

    /** Scores the model of {@code artifact} on the sample's splits. */
    public Scores score(ModelArtifact artifact, List<WindowSample.KeySplit> splits) throws Exception {
        ServingModel m = new ServingModel(artifact, "-");
        double sumModel = 0;
        double sumServed = 0;
        double sumPersistence = 0;
        double sumSeasonal = 0;
        int keys = 0;
        long pairs = 0;
        for (WindowSample.KeySplit s : splits) {
            int split = s.validationStart();
            int n = s.size();
            if (split >= n || split < 2) {
                continue;
            }
            double[] y = s.values();
            double scale = 0;
            for (int i = 1; i < split; i++) {
                scale += Math.abs(y[i] - y[i - 1]);
            }
            scale /= split - 1;
            if (!(scale > 0)) {
                continue;
            }
            int period = HorizonCombination.detectPeriod(s.timestamps()[1] - s.timestamps()[0]);
            SeriesState state = step.newState(m);
            double em = 0;
            double ev = 0;
            double ep = 0;
            double es = 0;
            long count = 0;
            for (int i = 0; i < n - 1; i++) {
                step.step(state, m, s.timestamps()[i], y[i], SeriesStep.Lineage.NONE);
                if (i < split - 1) {
                    continue;
                }
                float[] f = step.forecast();
                float[] own = step.modelForecast();
                int k = f.length;
                for (int j = 0; j < k && i + 1 + j < n; j++) {
                    int t = i + 1 + j;
                    int h = j + 1;
                    double sn = y[i];
                    if (period > 0) {
                        int back = period * ((h + period - 1) / period);
                        if (t - back >= 0) {
                            sn = y[t - back];
                        }
                    }
                    ev += Math.abs(f[j] - y[t]);
                    em += Math.abs(own[j] - y[t]);
                    ep += Math.abs(y[i] - y[t]);
                    es += Math.abs(sn - y[t]);
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            sumModel += em / count / scale;
            sumServed += ev / count / scale;
            sumPersistence += ep / count / scale;
            sumSeasonal += es / count / scale;
            keys++;
            pairs += count;
        }
        if (keys == 0) {
            return new Scores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        }
        return new Scores(sumModel / keys, sumServed / keys, sumPersistence / keys, sumSeasonal / keys, keys, pairs);
    }
}
