package io.streamcast.model.core.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.Feature;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link HeadMode#SEASONAL} model in the stream: its forecast is the key's seasonal naive forecast plus the head's
 * correction (in the key's scaled units), persistence plus the correction before the key has a whole season, and its
 * {@link Feature#SEASONAL_DIFF} input is the change since one season earlier. Expected numbers come from the series
 * and an independent scaler, not from the classes under test.
 */
class SeasonalHeadServingTest {
    private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final int P = 24;
    private static final int K = 30;
    private static final FeatureSpec FEATURES = new FeatureSpec(List.of(Feature.VALUE, Feature.HOUR_SIN,
            Feature.HOUR_COS, Feature.SEASONAL_DIFF));

    /** A daily profile on a rising level: seasonal naive is good but not exact, persistence is poor. */
    private static double value(int t) {
        int hour = t % P;
        return 100 + 0.5 * t + 40 * Math.sin(2 * Math.PI * hour / P) + (hour == 7 ? 25 : 0);
    }

    /** A seasonal model whose head outputs the constant {@code bias} in scaled units (zero weights). */
    private static ServingModel constantCorrection(float bias) {
        return constantCorrection(bias, ScalerPolicy.DEFAULT);
    }

    private static ServingModel constantCorrection(float bias, ScalerPolicy policy) {
        ForecastModel random = TestModels.random(5, FEATURES, K, new CellType[] {CellType.LSTM}, new int[] {8});
        float[] b = new float[K];
        java.util.Arrays.fill(b, bias);
        ForecastModel m = new ForecastModel(random.layers(), new DenseHead(8, K, new float[8 * K], b), FEATURES, K,
                HeadMode.SEASONAL);
        return new ServingModel(ModelArtifact.of(m, policy, Provenance.none(Instant.EPOCH), "seasonal"), "sha");
    }

    @Test
    void theModelForecastIsSeasonalNaivePlusTheCorrectionOnceTheKeyHasASeasonAndPersistencePlusItBefore() throws Exception {
        float bias = 0.25f;
        ServingModel m = constantCorrection(bias);
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        SeriesState s = step.newState(m);
        OnlineScaler scaler = new OnlineScaler(ScalerPolicy.DEFAULT);
        int diffIndex = FEATURES.indexOf(Feature.SEASONAL_DIFF);
        for (int t = 0; t < 4 * P; t++) {
            double v = value(t);
            step.step(s, m, T0 + t * HOUR, v, SeriesStep.Lineage.NONE);
            scaler.observe(v);
            double std = scaler.std();
            // the input: 0 until y_{t−P} is in the key's ring (its first value is not: the season starts at its second)
            double diff = t >= P + 1 ? (v - value(t - P)) / std : 0.0;
            assertThat((double) m.features[diffIndex]).as("SEASONAL_DIFF at %d", t).isCloseTo(diff, within(1e-4));
            if (t == 0) {
                continue; // no season yet, no model forecast kept apart from the served one
            }
            for (int k = 1; k <= K; k++) {
                double base = t >= P ? value(t + k - P * ((k + P - 1) / P)) : v;
                assertThat((double) m.modelForecast[k - 1]).as("event %d, horizon %d", t, k)
                        .isCloseTo(base + bias * std, within(2e-3 * Math.abs(base)));
            }
        }
    }

    @Test
    void underTheSignedLogTheCorrectionIsRelativeToTheLevel() throws Exception {
        // scaled units are standardised logarithms: a correction c multiplies seasonal naive by e^(c·σ_log)
        float bias = 0.25f;
        ServingModel m = constantCorrection(bias, ScalerPolicy.SIGNED_LOG);
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        SeriesState s = step.newState(m);
        double n = 0;
        double mean = 0;
        double m2 = 0;
        int diffIndex = FEATURES.indexOf(Feature.SEASONAL_DIFF);
        for (int t = 0; t < 4 * P; t++) {
            double v = value(t);
            step.step(s, m, T0 + t * HOUR, v, SeriesStep.Lineage.NONE);
            double u = Math.log1p(v); // every value here is positive
            n++;
            double d = u - mean;
            mean += d / n;
            m2 += d * (u - mean);
            double std = Math.max(Math.sqrt(m2 / n), Math.max(1e-3 * Math.abs(mean), 1e-6));
            double diff = t >= P + 1 ? (u - Math.log1p(value(t - P))) / std : 0.0;
            assertThat((double) m.features[diffIndex]).as("SEASONAL_DIFF at %d", t).isCloseTo(diff, within(1e-4));
            if (t == 0) {
                continue;
            }
            for (int k = 1; k <= K; k++) {
                double base = t >= P ? value(t + k - P * ((k + P - 1) / P)) : v;
                double expected = Math.expm1(Math.log1p(base) + bias * std);
                assertThat((double) m.modelForecast[k - 1]).as("event %d, horizon %d", t, k)
                        .isCloseTo(expected, within(2e-3 * Math.abs(base)));
            }
        }
        assertThat(s.scalerMean).as("the key's statistics are those of the logarithms").isCloseTo(mean, within(1e-9));
    }

    @Test
    void aModelWithoutTheSeasonalFeaturesServesAsBefore() throws Exception {
        // a residual model with the same weights: no seasonal base, no SEASONAL_DIFF input
        ForecastModel random = TestModels.random(5, FeatureSpec.VALUE_AND_CALENDAR, K, new CellType[] {CellType.LSTM},
                new int[] {8}, HeadMode.RESIDUAL);
        ServingModel m = new ServingModel(ModelArtifact.of(random, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH),
                "residual"), "sha");
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        SeriesState s = step.newState(m);
        float[] state = random.newState();
        float[] x = new float[random.inputSize()];
        float[] out = new float[K];
        OnlineScaler scaler = new OnlineScaler(ScalerPolicy.DEFAULT);
        io.streamcast.model.core.feature.FeatureEncoder enc =
                new io.streamcast.model.core.feature.FeatureEncoder(FeatureSpec.VALUE_AND_CALENDAR);
        io.streamcast.model.core.Forecaster f = random.newForecaster();
        for (int t = 0; t < 2 * P; t++) {
            step.step(s, m, T0 + t * HOUR, value(t), SeriesStep.Lineage.NONE);
            scaler.observe(value(t));
            enc.encode(scaler.scale(value(t)), T0 + t * HOUR, x);
            f.step(x, state, out);
            io.streamcast.model.core.HalfFloat.roundInPlace(state); // the step keeps it in half precision
            if (t > 0) {
                for (int k = 0; k < K; k++) {
                    assertThat(m.modelForecast[k]).isEqualTo((float) scaler.unscale(out[k]));
                }
            }
        }
    }
}
