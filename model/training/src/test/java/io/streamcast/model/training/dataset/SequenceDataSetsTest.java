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
                        assertThat(residual.outputOffset(0, t)).isEqualTo(sf.feature(t, 0));
                        assertThat(direct.outputOffset(0, t)).isZero();
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

    private static int startOf(SeriesFeatures sf, float first) {
        for (int t = 0; t < sf.length(); t++) {
            if (sf.feature(t, 0) == first) {
                return t;
            }
        }
        throw new AssertionError("sequence start not found");
    }
}
