package io.streamcast.model.core.cell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ScalarKernelTest {

    private static final int STEPS = 1_000;

    @ParameterizedTest
    @EnumSource(CellType.class)
    void scalarKernelTracksFloat64ReferenceOverThousandSteps(CellType type) {
        for (int[] dh : new int[][] {{4, 32}, {1, 8}, {8, 33}}) {
            int d = dh[0];
            int h = dh[1];
            SplittableRandom rnd = new SplittableRandom(31 * d + h + type.ordinal());
            LayerWeights lw = TestWeights.random(type, d, h, rnd);
            RecurrentCell cell = Kernels.create(lw, KernelKind.SCALAR);
            float[] state = new float[lw.stateSize()];
            double[] ref = new double[lw.stateSize()];
            float[] x = new float[d];
            double[] xd = new double[d];
            double worst = 0;
            for (int t = 0; t < STEPS; t++) {
                for (int k = 0; k < d; k++) {
                    x[k] = (float) (Math.sin(0.07 * t + k) * 2 + rnd.nextGaussian() * 0.3);
                    xd[k] = x[k];
                }
                cell.step(x, 0, state, 0);
                ReferenceCells.step(lw, xd, ref);
                worst = Math.max(worst, ReferenceCells.relativeError(state, 0, ref));
            }
            assertThat(worst).as("%s D=%d H=%d worst normwise relative error", type, d, h).isLessThanOrEqualTo(1e-5);
            assertThat(state).as("state must have moved").isNotEqualTo(new float[lw.stateSize()]);
        }
    }

    @Test
    void lstmUsesDl4jGateOrderAFOI() {
        // H = 1, D = 1, zero weights: the gates are σ/tanh of their biases alone, so every block is identifiable.
        float ba = 0.3f;
        float bf = -1.2f;
        float bo = 0.8f;
        float bi = 2.0f;
        LayerWeights lw = new LayerWeights(CellType.LSTM, 1, 1, new float[4], new float[4],
                new float[] {ba, bf, bo, bi});
        for (KernelKind kind : KernelKind.values()) {
            float[] state = {0.5f, -0.7f}; // h, c
            Kernels.create(lw, kind).step(new float[] {1f}, 0, state, 0);
            double c = sig(bf) * -0.7 + sig(bi) * Math.tanh(ba);
            double h = sig(bo) * Math.tanh(c);
            assertThat(state[1]).as(kind + " c").isCloseTo((float) c, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(state[0]).as(kind + " h").isCloseTo((float) h, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void gruMixesPreviousHAndCandidateWithUpdateGate() {
        // H = 1, D = 1. W = [wr, wu, wc], RW = [rr, ru, rc], b = [br, bu, bc].
        float[] w = {0.2f, -0.4f, 0.9f};
        float[] rw = {0.5f, 0.3f, -1.1f};
        float[] b = {0.1f, -0.2f, 0.05f};
        LayerWeights lw = new LayerWeights(CellType.GRU, 1, 1, w, rw, b);
        double x = 0.7;
        double hPrev = -0.4;
        double r = sig(x * w[0] + hPrev * rw[0] + b[0]);
        double u = sig(x * w[1] + hPrev * rw[1] + b[1]);
        double c = Math.tanh(x * w[2] + (r * hPrev) * rw[2] + b[2]);
        double expected = u * hPrev + (1 - u) * c;
        for (KernelKind kind : KernelKind.values()) {
            float[] state = {(float) hPrev};
            Kernels.create(lw, kind).step(new float[] {(float) x}, 0, state, 0);
            assertThat(state[0]).as(kind.name()).isCloseTo((float) expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void scalarActivationsAreWithinOneFloatUlpOfDouble() {
        for (double v = -40; v <= 40; v += 0.001) {
            float x = (float) v;
            float tanh = Activations.tanh(x);
            float sig = Activations.sigmoid(x);
            assertThat((double) tanh).as("tanh(%s)", x).isCloseTo(Math.tanh(x),
                    org.assertj.core.data.Offset.offset((double) Math.ulp((float) Math.tanh(x))));
            assertThat((double) sig).as("sigmoid(%s)", x).isCloseTo(1 / (1 + Math.exp(-x)),
                    org.assertj.core.data.Offset.offset((double) Math.ulp((float) (1 / (1 + Math.exp(-x))))));
        }
        assertThat(Activations.tanh(1e-20f)).isEqualTo(1e-20f);
        assertThat(Activations.tanh(-500f)).isEqualTo(-1f);
        assertThat(Activations.sigmoid(-500f)).isEqualTo(0f);
        assertThat(Activations.sigmoid(500f)).isEqualTo(1f);
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
