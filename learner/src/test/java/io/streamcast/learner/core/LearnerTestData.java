package io.streamcast.learner.core;

import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.Feature;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded models and series for the learner's tests. */
final class LearnerTestData {
    static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;

    private LearnerTestData() {}

    /** An untrained LSTM (seeded random weights): value and calendar features, {@code hidden} units, horizon k. */
    static ForecastModel untrained(int hidden, int k, long seed) {
        FeatureSpec features = FeatureSpec.VALUE_AND_CALENDAR;
        int d = features.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        int g = 4 * hidden;
        double a = 1.0 / Math.sqrt(hidden);
        LayerWeights layer = new LayerWeights(CellType.LSTM, d, hidden, random(rnd, d * g, a),
                random(rnd, hidden * g, a), random(rnd, g, a));
        DenseHead head = new DenseHead(hidden, k, random(rnd, hidden * k, a), random(rnd, k, 0.1));
        return new ForecastModel(List.of(layer), head, features, k);
    }

    /**
     * An untrained LSTM with a seasonal head ({@link HeadMode#SEASONAL}, as {@code train --seasonal} makes it): value,
     * calendar and seasonal-difference features, {@code hidden} units, horizon k; seeded random weights, the head's
     * scaled by {@code headScale} (0: the network's forecast is exactly its seasonal-naive base).
     */
    static ForecastModel untrainedSeasonal(int hidden, int k, long seed, float headScale) {
        List<Feature> f = new ArrayList<>(FeatureSpec.VALUE_AND_CALENDAR.features());
        f.add(Feature.SEASONAL_DIFF);
        FeatureSpec features = new FeatureSpec(f);
        int d = features.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        int g = 4 * hidden;
        double a = 1.0 / Math.sqrt(hidden);
        LayerWeights layer = new LayerWeights(CellType.LSTM, d, hidden, random(rnd, d * g, a),
                random(rnd, hidden * g, a), random(rnd, g, a));
        float[] w = random(rnd, hidden * k, a);
        float[] b = random(rnd, k, 0.1);
        for (int i = 0; i < w.length; i++) {
            w[i] *= headScale;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] *= headScale;
        }
        return new ForecastModel(List.of(layer), new DenseHead(hidden, k, w, b), features, k, HeadMode.SEASONAL);
    }

    static ModelArtifact artifact(ForecastModel m, String version) {
        return ModelArtifact.of(m, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH), version);
    }

    static String sha(ModelArtifact a) {
        return ModelArtifactReader.sha256(ModelArtifactWriter.toBytes(a));
    }

    /**
     * Hourly values of key {@code i}: a level, a daily season and AR(1) noise (phi 0.9): persistence and seasonal
     * naive both leave something a model can learn.
     */
    static double value(int key, int t, double[] noise) {
        double level = 20 + 5 * key;
        return level + (3 + key) * Math.sin(2 * Math.PI * ((t + 3 * key) % 24) / 24.0) + noise[t];
    }

    static double[] noise(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] e = new double[n];
        double x = 0;
        for (int t = 0; t < n; t++) {
            x = 0.9 * x + rnd.nextDouble(-1, 1);
            e[t] = x;
        }
        return e;
    }

    /** Copies {@code m} with {@code bad} at the first weight of its first layer. */
    static ForecastModel withFirstWeight(ForecastModel m, float bad) {
        LayerWeights l = m.layers().get(0);
        float[] w = l.w().clone();
        w[0] = bad;
        return new ForecastModel(List.of(new LayerWeights(l.type(), l.inputSize(), l.hiddenSize(), w, l.rw(), l.b())),
                m.head(), m.features(), m.horizon(), m.headMode());
    }

    private static float[] random(SplittableRandom rnd, int n, double a) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rnd.nextDouble(-a, a);
        }
        return f;
    }
}
