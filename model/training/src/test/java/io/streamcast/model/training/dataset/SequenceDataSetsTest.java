package io.streamcast.model.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.training.data.Series;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class SequenceDataSetsTest {
    private static final int K = 3;

    private static Series ramp(String key, int n) {
        long[] ts = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + i * 60_000L;
            v[i] = 10 + i + (i % 3) * 0.5;
        }
        return new Series(key, "test", ts, v);
    }

    @Test
    void featuresAndTargetsFollowTheStreamingConvention() {
        Series s = ramp("a", 40);
        SeriesFeatures sf = SeriesFeatures.compute(s, FeatureSpec.VALUE_AND_CALENDAR, ScalerPolicy.DEFAULT, K);
        OnlineScaler scaler = new OnlineScaler(ScalerPolicy.DEFAULT);
        FeatureEncoder enc = new FeatureEncoder(FeatureSpec.VALUE_AND_CALENDAR);
        float[] row = new float[5];
        for (int t = 0; t < s.size(); t++) {
            scaler.observe(s.value(t));
            enc.encode(scaler.scale(s.value(t)), s.timestamp(t), row);
            for (int c = 0; c < 5; c++) {
                assertThat(sf.feature(t, c)).isEqualTo(row[c]);
            }
            for (int j = 1; j <= K; j++) {
                float expected = t + j < s.size() ? (float) scaler.scale(s.value(t + j)) : Float.NaN;
                assertThat(Float.valueOf(sf.target(t, j))).isEqualTo(Float.valueOf(expected)); // NaN equals NaN
            }
            assertThat(sf.unscale(t, 0.7)).isCloseTo(scaler.unscale(0.7), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void trainingLabelsNeverReachIntoTheValidationPart() {
        Series s = ramp("a", 100);
        SeriesFeatures sf = SeriesFeatures.compute(s, FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SequenceDataSets data = new SequenceDataSets(List.of(sf), 0.2, 30);
        assertThat(data.split(0)).isEqualTo(80);
        int labelled = 0;
        int maxLabelledT = -1;
        for (DataSet ds : data.trainBatches(2, new Random(1))) {
            INDArray features = ds.getFeatures();
            INDArray mask = ds.getLabelsMaskArray();
            for (int b = 0; b < features.size(0); b++) {
                // find the sequence's start by matching its first feature against the series
                int start = startOf(sf, features.getFloat(b, 0, 0));
                for (int k = 0; k < features.size(2); k++) {
                    if (mask == null || mask.getFloat(b, k) > 0) {
                        int t = start + k;
                        labelled++;
                        maxLabelledT = Math.max(maxLabelledT, t);
                        assertThat(ds.getLabels().getFloat(b, 0, k)).isEqualTo(sf.target(t, 1));
                        assertThat(ds.getLabels().getFloat(b, K - 1, k)).isEqualTo(sf.target(t, K));
                    }
                }
            }
        }
        // t = 0 is masked (scaler has seen one value); the last label is at split - 1 - K
        assertThat(maxLabelledT).isEqualTo(80 - 1 - K);
        assertThat(labelled).isEqualTo(80 - K - 1);
    }

    @Test
    void residualLabelsAreTheChangeFromTheCurrentScaledValueOnTheSameSteps() {
        SeriesFeatures sf = SeriesFeatures.compute(ramp("a", 100), FeatureSpec.VALUE_AND_CALENDAR, ScalerPolicy.DEFAULT,
                K);
        SequenceDataSets direct = new SequenceDataSets(List.of(sf), 0.2, 30);
        SequenceDataSets residual = new SequenceDataSets(List.of(sf), 0.2, 30, true);
        assertThat(direct.residual()).isFalse();
        assertThat(residual.residual()).isTrue();
        List<DataSet> d = direct.trainBatches(4, new Random(3));
        List<DataSet> r = residual.trainBatches(4, new Random(3));
        assertThat(r).hasSameSizeAs(d);
        int labelled = 0;
        for (int i = 0; i < d.size(); i++) {
            assertThat(r.get(i).getFeatures()).isEqualTo(d.get(i).getFeatures());
            assertThat(r.get(i).getLabelsMaskArray()).isEqualTo(d.get(i).getLabelsMaskArray());
            INDArray features = r.get(i).getFeatures();
            INDArray mask = r.get(i).getLabelsMaskArray();
            for (int b = 0; b < features.size(0); b++) {
                int start = startOf(sf, features.getFloat(b, 0, 0));
                for (int k = 0; k < features.size(2); k++) {
                    if (mask == null || mask.getFloat(b, k) > 0) {
                        int t = start + k;
                        labelled++;
                        for (int j = 1; j <= K; j++) {
                            float expected = sf.target(t, j) - sf.feature(t, 0);
                            assertThat(r.get(i).getLabels().getFloat(b, j - 1, k)).isEqualTo(expected);
                            assertThat(residual.label(0, t, j)).isEqualTo(expected);
                            assertThat(direct.label(0, t, j)).isEqualTo(sf.target(t, j));
                        }
                        assertThat(residual.outputOffset(0, t, 1)).isEqualTo(sf.feature(t, 0));
                        assertThat(direct.outputOffset(0, t, 1)).isZero();
                    }
                }
            }
        }
        assertThat(labelled).isEqualTo(80 - K - 1);
    }

    @Test
    void validationWindowsLocateEveryScoredStep() {
        SeriesFeatures a = SeriesFeatures.compute(ramp("a", 101), FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SeriesFeatures b = SeriesFeatures.compute(ramp("b", 57), FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SequenceDataSets data = new SequenceDataSets(List.of(a, b), 0.3, 10);
        SequenceDataSets.ValidationWindows w = data.validationWindows();
        for (int s = 0; s < 2; s++) {
            SeriesFeatures sf = data.series().get(s);
            for (int t = data.split(s); t < sf.length(); t++) {
                assertThat(w.features().getFloat(w.window(s, t), 0, w.offset(s, t))).isEqualTo(sf.feature(t, 0));
            }
        }
    }

    @Test
    void persistencePredictionsScoreExactlyTheBaseline() {
        SeriesFeatures sf = SeriesFeatures.compute(ramp("a", 60), FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SequenceDataSets data = new SequenceDataSets(List.of(sf), 0.25, 10);
        ValidationMetrics m = ValidationMetrics.compute(data, (s, t, j) -> sf.feature(t, 0));
        for (int j = 0; j < K; j++) {
            assertThat(m.mae()[j]).isCloseTo(m.persistenceMae()[j], org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(m.mse()).isEqualTo(m.persistenceMse());
        assertThat(m.persistenceMae()[0]).isGreaterThan(0.5);
    }

    @Test
    void contextStepsWarmTheStateUnlabelledAndEveryLabelIsStillCoveredOnce() {
        Series s = ramp("a", 200);
        SeriesFeatures sf = SeriesFeatures.compute(s, FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SequenceDataSets data = new SequenceDataSets(List.of(sf), 0.2, 0, 30, 12, false);
        assertThat(data.context()).isEqualTo(12);
        assertThat(data.maxSequenceSteps()).isEqualTo(42);
        int[] labelledAt = new int[200];
        for (DataSet ds : data.trainBatches(3, new Random(5))) {
            INDArray features = ds.getFeatures();
            INDArray mask = ds.getLabelsMaskArray();
            for (int b = 0; b < features.size(0); b++) {
                int start = startOf(sf, features.getFloat(b, 0, 0));
                int firstLabel = -1;
                for (int k = 0; k < features.size(2); k++) {
                    if (mask.getFloat(b, k) > 0) {
                        int t = start + k;
                        labelledAt[t]++;
                        if (firstLabel < 0) {
                            firstLabel = t;
                        }
                        assertThat(ds.getLabels().getFloat(b, 0, k)).isEqualTo(sf.target(t, 1));
                    }
                }
                // a sequence that does not start the series has 12 unlabelled steps of context before its labels
                if (start > 0) {
                    assertThat(firstLabel - start).isEqualTo(12);
                }
            }
        }
        for (int t = 0; t < 200; t++) {
            assertThat(labelledAt[t]).as("labels at t=%d", t).isEqualTo(t >= 1 && t <= 160 - 1 - K ? 1 : 0);
        }
    }

    @Test
    void validationPointsHoldOutExactlyThatManyPointsOfEverySeries() {
        SeriesFeatures a = SeriesFeatures.compute(ramp("a", 100), FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SeriesFeatures b = SeriesFeatures.compute(ramp("b", 9), FeatureSpec.VALUE_ONLY, ScalerPolicy.DEFAULT, K);
        SequenceDataSets data = new SequenceDataSets(List.of(a, b), 0.25, 7, 10, 0, false);
        assertThat(data.split(0)).isEqualTo(93);
        // 9 - 7 = 2 training steps cannot hold a label of K = 3: that series falls back to the fraction
        assertThat(data.split(1)).isEqualTo(SequenceDataSets.splitIndex(9, 0.25));
    }

    @Test
    void originScoresOfAnExactSeasonalNaiveAreZeroAndOfPersistenceMatchAHandCount() {
        // hourly, season 24: a repeating daily profile, so seasonal naive is exact; validation: the last 48 points
        int n = 24 * 10;
        long[] ts = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + i * 3_600_000L;
            v[i] = 100 + (i % 24 < 12 ? i % 24 : 24 - i % 24); // a triangle 100..112
        }
        int k = 48;
        SeriesFeatures sf = SeriesFeatures.compute(new Series("tri", "test", ts, v), FeatureSpec.VALUE_ONLY,
                ScalerPolicy.DEFAULT, k);
        assertThat(sf.season()).isEqualTo(24);
        SequenceDataSets data = new SequenceDataSets(List.of(sf), 0.2, 48, 50, 0, false);
        int split = data.split(0);
        assertThat(split).isEqualTo(n - 48);
        // the model forecasts seasonal naive, in scaled units at its origin
        ValidationMetrics exact = ValidationMetrics.compute(data, (s, t, j) -> {
            double f = v[t + j - 24 * ((j + 23) / 24)];
            return (f - sf.unscale(t, 0)) / (sf.unscale(t, 1) - sf.unscale(t, 0));
        });
        assertThat(exact.origin().smape()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(exact.origin().seasonalSmape()).isZero();
        assertThat(exact.origin().persistenceSmape()).isGreaterThan(1);
        // the scale (the in-sample seasonal difference) is 0, so the series has no MASE and is not counted
        assertThat(exact.origin().series()).isZero();
        assertThat(exact.origin().mase()).isNaN();

        // with noise on the profile, persistence's sMAPE and MASE counted by hand over the one origin split - 1
        Random r = new Random(9);
        double[] w = v.clone();
        for (int i = 0; i < n; i++) {
            w[i] += r.nextDouble();
        }
        SeriesFeatures noisy = SeriesFeatures.compute(new Series("noisy", "test", ts, w), FeatureSpec.VALUE_ONLY,
                ScalerPolicy.DEFAULT, k);
        SequenceDataSets d2 = new SequenceDataSets(List.of(noisy), 0.2, 48, 50, 0, false);
        ValidationMetrics p = ValidationMetrics.compute(d2, (s, t, j) -> noisy.feature(t, 0));
        double scale = 0;
        for (int i = 24; i < split; i++) {
            scale += Math.abs(w[i] - w[i - 24]);
        }
        scale /= split - 24;
        double smape = 0;
        double mae = 0;
        double last = w[split - 1];
        for (int i = split; i < n; i++) {
            smape += 200 * Math.abs(last - w[i]) / (Math.abs(last) + Math.abs(w[i]));
            mae += Math.abs(last - w[i]);
        }
        assertThat(p.origin().series()).isEqualTo(1);
        assertThat(p.origin().smape()).isCloseTo(smape / 48, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(p.origin().mase()).isCloseTo(mae / 48 / scale, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(p.origin().persistenceMase()).isCloseTo(mae / 48 / scale, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.origin().seasonalMase()).isLessThan(p.origin().persistenceMase());
        assertThat(p.origin().betterThanSeasonal()).isZero();
    }

    /**
     * The seasonal input and base as the stream computes them (SeasonalHeadServingTest in model core holds the stream
     * to the same definitions): SEASONAL_DIFF = (v_t − v_{t−P}) / std from t = P + 1 on (the key's ring starts at its
     * second value), 0 before; the base of t + j is v_{t + j − P·ceil(j/P)} in t's scaled units from t = P on; the
     * seasonal labels are the targets minus that base (minus x_t[VALUE] before).
     */
    @Test
    void seasonalInputBaseAndLabelsFollowTheStreamsDefinitions() {
        int p = 24;
        int n = 24 * 8;
        long[] ts = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + i * 3_600_000L;
            v[i] = 50 + 0.3 * i + 10 * Math.sin(2 * Math.PI * i / p);
        }
        io.streamcast.model.core.feature.FeatureSpec spec = new io.streamcast.model.core.feature.FeatureSpec(List.of(
                io.streamcast.model.core.feature.Feature.VALUE, io.streamcast.model.core.feature.Feature.SEASONAL_DIFF));
        int k = 30;
        SeriesFeatures sf = SeriesFeatures.compute(new Series("s", "test", ts, v), spec, ScalerPolicy.DEFAULT, k);
        assertThat(sf.season()).isEqualTo(p);
        OnlineScaler scaler = new OnlineScaler(ScalerPolicy.DEFAULT);
        SequenceDataSets data = new SequenceDataSets(List.of(sf), 0.2, 0, 50, 0,
                io.streamcast.model.core.HeadMode.SEASONAL);
        for (int t = 0; t < n; t++) {
            scaler.observe(v[t]);
            double diff = t >= p + 1 ? (v[t] - v[t - p]) / scaler.std() : 0;
            assertThat((double) sf.feature(t, 1)).as("diff at %d", t)
                    .isCloseTo(diff, org.assertj.core.data.Offset.offset(1e-5));
            for (int j = 1; j <= k && t + j < n; j++) {
                double base = t >= p ? scaler.scale(v[t + j - p * ((j + p - 1) / p)]) : Double.NaN;
                if (t >= p) {
                    assertThat((double) sf.seasonalBase(t, j)).isCloseTo(base, org.assertj.core.data.Offset.offset(1e-4));
                    assertThat((double) data.label(0, t, j)).isCloseTo(sf.target(t, j) - base,
                            org.assertj.core.data.Offset.offset(1e-4));
                } else {
                    assertThat(sf.seasonalBase(t, j)).isNaN();
                    assertThat(data.label(0, t, j)).isEqualTo(sf.target(t, j) - sf.feature(t, 0));
                }
            }
        }
    }

    @Test
    void underTheSignedLogTheTargetsBasesAndUnscalingAreThoseOfTheLogarithms() {
        int p = 24;
        int n = 24 * 4;
        long[] ts = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + i * 3_600_000L;
            v[i] = 500 + 4 * i + 200 * Math.sin(2 * Math.PI * i / p);
        }
        io.streamcast.model.core.feature.FeatureSpec spec = new io.streamcast.model.core.feature.FeatureSpec(List.of(
                io.streamcast.model.core.feature.Feature.VALUE, io.streamcast.model.core.feature.Feature.SEASONAL_DIFF));
        int k = 5;
        SeriesFeatures sf = SeriesFeatures.compute(new Series("s", "test", ts, v), spec, ScalerPolicy.SIGNED_LOG, k);
        // independently: Welford over ln(1 + v)
        double count = 0;
        double mean = 0;
        double m2 = 0;
        for (int t = 0; t < n; t++) {
            double u = Math.log1p(v[t]);
            count++;
            double d = u - mean;
            mean += d / count;
            m2 += d * (u - mean);
            double std = Math.max(Math.sqrt(m2 / count), 1e-3 * Math.abs(mean));
            assertThat((double) sf.feature(t, 0)).as("input at %d", t)
                    .isCloseTo((u - mean) / std, org.assertj.core.data.Offset.offset(1e-5));
            for (int j = 1; j <= k && t + j < n; j++) {
                double target = (Math.log1p(v[t + j]) - mean) / std;
                assertThat((double) sf.target(t, j)).isCloseTo(target, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(sf.unscale(t, target)).as("unscaled target %d+%d", t, j)
                        .isCloseTo(v[t + j], org.assertj.core.data.Offset.offset(1e-6 * v[t + j]));
                if (t >= p) {
                    double base = v[t + j - p * ((j + p - 1) / p)];
                    assertThat((double) sf.seasonalBase(t, j))
                            .isCloseTo((Math.log1p((float) base) - mean) / std, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    private static int startOf(SeriesFeatures sf, float first) {
        for (int t = 0; t < sf.length(); t++) {
            if (sf.feature(t, 0) == first) {
                return t;
            }
        }
        throw new AssertionError("sequence start not found");
    }
}
