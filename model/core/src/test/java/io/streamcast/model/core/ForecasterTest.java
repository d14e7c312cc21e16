package io.streamcast.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.RecurrentCell;
import io.streamcast.model.core.cell.ReferenceCells;
import io.streamcast.model.core.cell.TestWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ForecasterTest {

    private static final CellType[] MIXED = {CellType.LSTM, CellType.GRU, CellType.RNN};
    private static final int[] HIDDEN = {16, 9, 12};

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void stackedLayersAndHeadMatchFloat64Reference(KernelKind kind) {
        ForecastModel model = TestModels.random(11, FeatureSpec.VALUE_AND_CALENDAR, 6, MIXED, HIDDEN);
        assertThat(model.stateSize()).isEqualTo(32 + 9 + 12);
        assertThat(model.stateOffset(1)).isEqualTo(32);
        assertThat(model.stateOffset(2)).isEqualTo(41);
        Forecaster forecaster = model.newForecaster(kind);
        float[] state = model.newState();
        double[][] ref = TestModels.referenceState(model);
        float[] x = new float[5];
        double[] xd = new double[5];
        float[] out = new float[6];
        double worst = 0;
        for (int t = 0; t < 500; t++) {
            for (int k = 0; k < 5; k++) {
                x[k] = (float) Math.sin(0.1 * t + 0.7 * k);
                xd[k] = x[k];
            }
            forecaster.step(x, state, out);
            double[] expected = TestModels.referenceStep(model, xd, ref);
            worst = Math.max(worst, ReferenceCells.relativeError(out, 0, expected));
            for (int l = 0; l < 3; l++) {
                worst = Math.max(worst, ReferenceCells.relativeError(state, model.stateOffset(l), ref[l]));
            }
        }
        assertThat(worst).isLessThanOrEqualTo(1e-5);
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void residualHeadAddsTheInputValueToTheSameWeightsDirectForecast(KernelKind kind) {
        ForecastModel direct = TestModels.random(17, FeatureSpec.VALUE_AND_CALENDAR, 4,
                new CellType[] {CellType.LSTM, CellType.RNN}, new int[] {8, 6});
        ForecastModel residual = TestModels.random(17, FeatureSpec.VALUE_AND_CALENDAR, 4,
                new CellType[] {CellType.LSTM, CellType.RNN}, new int[] {8, 6}, HeadMode.RESIDUAL);
        assertThat(direct.headMode()).isEqualTo(HeadMode.DIRECT);
        assertThat(direct.residual()).isFalse();
        assertThat(residual.residual()).isTrue();
        assertThat(residual.layers()).isEqualTo(direct.layers());
        assertThat(residual.head()).isEqualTo(direct.head());
        Forecaster fd = direct.newForecaster(kind);
        Forecaster fr = residual.newForecaster(kind);
        float[] sd = direct.newState();
        float[] sr = residual.newState();
        double[][] ref = TestModels.referenceState(residual);
        float[] x = new float[5];
        double[] xd = new double[5];
        float[] od = new float[4];
        float[] or = new float[4];
        double worst = 0;
        for (int t = 0; t < 200; t++) {
            for (int k = 0; k < 5; k++) {
                x[k] = (float) (3 * Math.sin(0.05 * t + k));
                xd[k] = x[k];
            }
            fd.step(x, sd, od);
            fr.step(x, sr, or);
            // the state does not depend on the head mode; the forecast is the value plus the direct output
            assertThat(sr).containsExactly(sd);
            for (int j = 0; j < 4; j++) {
                assertThat(or[j]).isEqualTo(x[0] + od[j]);
            }
            double[] expected = TestModels.referenceStep(residual, xd, ref);
            worst = Math.max(worst, ReferenceCells.relativeError(or, 0, expected));
        }
        assertThat(worst).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void residualStepDoesNotAllocate() {
        ForecastModel model = TestModels.random(2, FeatureSpec.VALUE_AND_CALENDAR, 8, new CellType[] {CellType.LSTM},
                new int[] {16}, HeadMode.RESIDUAL);
        Forecaster f = model.newForecaster(KernelKind.SCALAR);
        float[] state = model.newState();
        float[] x = {0.5f, 0.1f, 0.2f, 0.3f, 0.4f};
        float[] out = new float[8];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 60 && best > 0; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int t = 0; t < 10_000; t++) {
                f.step(x, state, out);
            }
            best = Math.min(best, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertThat(best).as("bytes allocated by 10,000 steps").isZero();
    }

    @Test
    void layerOneReadsLayerZeroHiddenState() {
        ForecastModel model = TestModels.random(3, FeatureSpec.VALUE_ONLY, 2, new CellType[] {CellType.LSTM,
            CellType.LSTM}, new int[] {4, 3});
        // Step the two cells by hand, the second on the first's h, and compare with the forecaster's state.
        RecurrentCell c0 = Kernels.create(model.layers().get(0), KernelKind.SCALAR);
        RecurrentCell c1 = Kernels.create(model.layers().get(1), KernelKind.SCALAR);
        float[] s0 = new float[8];
        float[] s1 = new float[6];
        float[] state = model.newState();
        float[] out = new float[2];
        Forecaster f = model.newForecaster(KernelKind.SCALAR);
        for (int t = 0; t < 20; t++) {
            float[] x = {(float) Math.cos(t)};
            c0.step(x, 0, s0, 0);
            c1.step(s0, 0, s1, 0);
            f.step(x, state, out);
        }
        float[] expected = new float[14];
        System.arraycopy(s0, 0, expected, 0, 8);
        System.arraycopy(s1, 0, expected, 8, 6);
        assertThat(state).containsExactly(expected);
        float[] head = new float[2];
        model.head().apply(s1, 0, head);
        assertThat(out).containsExactly(head);
    }

    @Test
    void separateStatesAreIndependentKeys() {
        ForecastModel model = TestModels.random(5, FeatureSpec.VALUE_ONLY, 3, new CellType[] {CellType.LSTM},
                new int[] {8});
        Forecaster f = model.newForecaster();
        float[] a = model.newState();
        float[] b = model.newState();
        float[] outA = new float[3];
        float[] outB = new float[3];
        for (int t = 0; t < 10; t++) {
            f.step(new float[] {1f}, a, outA);
            f.step(new float[] {-1f}, b, outB);
        }
        float[] fresh = model.newState();
        float[] outFresh = new float[3];
        for (int t = 0; t < 10; t++) {
            f.step(new float[] {1f}, fresh, outFresh);
        }
        assertThat(a).containsExactly(fresh);
        assertThat(outA).containsExactly(outFresh);
        assertThat(outB).isNotEqualTo(outA);
    }

    @Test
    void rejectsLayersThatDoNotChain() {
        SplittableRandom rnd = new SplittableRandom(1);
        LayerWeights l0 = TestWeights.random(CellType.LSTM, 1, 8, rnd);
        LayerWeights l1 = TestWeights.random(CellType.LSTM, 7, 4, rnd);
        DenseHead head = new DenseHead(4, 2, new float[8], new float[2]);
        assertThatThrownBy(() -> new ForecastModel(List.of(l0, l1), head, FeatureSpec.VALUE_ONLY, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 1 has inputSize 7, expected 8 (hiddenSize of layer 0)");
        assertThatThrownBy(() -> new ForecastModel(List.of(l0), head, FeatureSpec.VALUE_AND_CALENDAR, 2))
                .hasMessage("layer 0 has inputSize 1, expected 5 (one per feature: "
                        + "[VALUE, HOUR_SIN, HOUR_COS, DOW_SIN, DOW_COS])");
        assertThatThrownBy(() -> new ForecastModel(List.of(l0), head, FeatureSpec.VALUE_ONLY, 2))
                .hasMessage("head inputSize 4 does not match the last layer's hiddenSize 8");
        DenseHead head8 = new DenseHead(8, 2, new float[16], new float[2]);
        assertThatThrownBy(() -> new ForecastModel(List.of(l0), head8, FeatureSpec.VALUE_ONLY, 3))
                .hasMessage("head outputSize 2 does not match horizon 3");
        assertThatThrownBy(() -> new DenseHead(8, 2, new float[15], new float[2]))
                .hasMessage("head W has 15 floats, expected 16 for inputSize=8 outputSize=2");
        assertThatThrownBy(() -> new ForecastModel(List.of(l0), head8, FeatureSpec.VALUE_ONLY, 2, null))
                .isInstanceOf(NullPointerException.class).hasMessage("headMode");
    }

    @Test
    void stepRejectsShortArrays() {
        ForecastModel model = TestModels.random(5, FeatureSpec.VALUE_ONLY, 3, new CellType[] {CellType.GRU},
                new int[] {4});
        Forecaster f = model.newForecaster();
        assertThatThrownBy(() -> f.step(new float[1], new float[4], new float[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out 2 (need 3)");
    }
}
