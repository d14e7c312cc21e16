package io.streamcast.model.training.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.RecurrentCell;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.GRUCell;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.GRUWeights;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The core GRU cell against ND4J's {@code gruCell} op ({@link GRUCell} through {@code Nd4j.exec}) over 1,000 steps.
 *
 * <p>DL4J 1.0.0-M2.1's MultiLayerNetwork has no GRU layer, so the reference is the op itself. The core layout is
 * ND4J's split by rows: {@code Wru [D+H, 2H]} = rows of W's (r, u) blocks, then rows of RW's (r, u) blocks;
 * {@code Wc [D+H, H]} likewise with the c block; {@code bru} = b's (r, u) blocks, {@code bc} = b's c block.
 */
class GruParityTest {
    private static final int D = 5;
    private static final int H = 24;

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void coreGruCellMatchesNd4jGruCellOp(KernelKind kind) {
        assumeTrue(kind == KernelKind.SCALAR || Kernels.vectorAvailable(), "Vector API module not present");
        Random r = new Random(17);
        LayerWeights w = new LayerWeights(CellType.GRU, D, H, gaussian(r, D * 3 * H, 0.4),
                gaussian(r, H * 3 * H, 0.3), gaussian(r, 3 * H, 0.5));
        GRUWeights nd4j = GRUWeights.builder()
                .iRuWeights(stackRows(w.w(), D, w.rw(), H, 3 * H, 0, 2 * H))
                .iCWeight(stackRows(w.w(), D, w.rw(), H, 3 * H, 2 * H, 3 * H))
                .iRUBias(Nd4j.create(slice(w.b(), 0, 2 * H), new long[] {2 * H}, 'c'))
                .iCBias(Nd4j.create(slice(w.b(), 2 * H, 3 * H), new long[] {H}, 'c'))
                .build();

        RecurrentCell cell = Kernels.create(w, kind);
        float[][] x = Parity.inputs(Parity.STEPS, D, 4);
        float[] state = new float[H];
        INDArray h = Nd4j.zeros(DataType.FLOAT, 1, H);
        float[] core = new float[Parity.STEPS * H];
        float[] ref = new float[Parity.STEPS * H];
        for (int t = 0; t < Parity.STEPS; t++) {
            cell.step(x[t], 0, state, 0);
            INDArray xt = Nd4j.create(x[t], new long[] {1, D}, 'c');
            INDArray[] outputs = Nd4j.exec(gruCell(xt, h, nd4j)); // r, u, c, h
            h = outputs[3];
            System.arraycopy(state, 0, core, t * H, H);
            System.arraycopy(h.reshape(H).toFloatVector(), 0, ref, t * H, H);
        }
        assertThat(Parity.norm(ref)).as("ND4J h is not trivially zero").isGreaterThan(10.0);
        assertThat(Parity.normwiseRelativeError(core, ref)).as("GRU h, %s kernel", kind)
                .isLessThanOrEqualTo(Parity.TOLERANCE);
    }

    /**
     * ND4J's whole-sequence {@code gru} op (the one {@code SameDiff.rnn().gru(...)} builds) is a different GRU: with
     * {@code Wx [D, 3H]}, {@code Wh [H, 3H]}, {@code b [3H]} in blocks (r, u, c) it computes
     * {@code ĉ = tanh(x·Wxc + bc + r⊙(h·Whc))}, the reset gate applied <em>after</em> the recurrent product (the
     * cuDNN/PyTorch form), while the core cell and {@code gruCell} compute {@code tanh(x·Wc + (r⊙h)·RWc + bc)}.
     * Pinned here because a GRU trained with that op cannot be exported to the core cell as is.
     */
    @org.junit.jupiter.api.Test
    void nd4jSequenceGruOpAppliesTheResetGateAfterTheRecurrentProduct() {
        int steps = 200;
        Random r = new Random(23);
        float[] wx = gaussian(r, D * 3 * H, 0.5);
        float[] wh = gaussian(r, H * 3 * H, 0.5);
        float[] b = gaussian(r, 3 * H, 0.5);
        float[][] x = Parity.inputs(steps, D, 8);
        float[] xs = new float[steps * D];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x[t], 0, xs, t * D, D);
        }
        INDArray out = Nd4j.create(DataType.FLOAT, steps, 1, H);
        Nd4j.exec(DynamicCustomOp.builder("gru")
                .addInputs(Nd4j.create(xs, new long[] {steps, 1, D}, 'c'), Nd4j.zeros(DataType.FLOAT, 1, H),
                        Nd4j.create(wx, new long[] {D, 3 * H}, 'c'), Nd4j.create(wh, new long[] {H, 3 * H}, 'c'),
                        Nd4j.create(b, new long[] {3 * H}, 'c'))
                .addOutputs(out)
                .build());
        float[] op = out.dup('c').data().asFloat();

        float[] core = new float[steps * H];
        RecurrentCell cell = Kernels.create(new LayerWeights(CellType.GRU, D, H, wx, wh, b), KernelKind.SCALAR);
        float[] state = new float[H];
        float[] resetAfter = new float[steps * H];
        double[] h = new double[H];
        for (int t = 0; t < steps; t++) {
            cell.step(x[t], 0, state, 0);
            System.arraycopy(state, 0, core, t * H, H);
            h = resetAfterStep(x[t], h, wx, wh, b);
            for (int j = 0; j < H; j++) {
                resetAfter[t * H + j] = (float) h[j];
            }
        }
        assertThat(Parity.norm(op)).isGreaterThan(10.0);
        assertThat(Parity.normwiseRelativeError(resetAfter, op)).as("reset-after reference vs gru op")
                .isLessThanOrEqualTo(Parity.TOLERANCE);
        assertThat(Parity.normwiseRelativeError(core, op)).as("core (reset-before) vs gru op").isGreaterThan(1e-2);
    }

    /**
     * The core {@link CellType#GRU_RESET_AFTER} cell (what {@code train --cell gru} exports) against ND4J's {@code gru}
     * op over 1,000 steps, with the op's own weight arrays as the core's W, RW and b.
     */
    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void coreResetAfterGruMatchesNd4jGruOpOverAThousandSteps(KernelKind kind) {
        assumeTrue(kind == KernelKind.SCALAR || Kernels.vectorAvailable(), "Vector API module not present");
        int steps = Parity.STEPS;
        Random r = new Random(31);
        float[] wx = gaussian(r, D * 3 * H, 0.4);
        float[] wh = gaussian(r, H * 3 * H, 0.3);
        float[] b = gaussian(r, 3 * H, 0.5);
        float[][] x = Parity.inputs(steps, D, 6);
        float[] xs = new float[steps * D];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x[t], 0, xs, t * D, D);
        }
        INDArray out = Nd4j.create(DataType.FLOAT, steps, 1, H);
        Nd4j.exec(DynamicCustomOp.builder("gru")
                .addInputs(Nd4j.create(xs, new long[] {steps, 1, D}, 'c'), Nd4j.zeros(DataType.FLOAT, 1, H),
                        Nd4j.create(wx, new long[] {D, 3 * H}, 'c'), Nd4j.create(wh, new long[] {H, 3 * H}, 'c'),
                        Nd4j.create(b, new long[] {3 * H}, 'c'))
                .addOutputs(out)
                .build());
        float[] op = out.dup('c').data().asFloat();
        RecurrentCell cell = Kernels.create(new LayerWeights(CellType.GRU_RESET_AFTER, D, H, wx, wh, b), kind);
        float[] state = new float[H];
        float[] core = new float[steps * H];
        for (int t = 0; t < steps; t++) {
            cell.step(x[t], 0, state, 0);
            System.arraycopy(state, 0, core, t * H, H);
        }
        assertThat(Parity.norm(op)).isGreaterThan(10.0);
        assertThat(Parity.normwiseRelativeError(core, op)).as("GRU_RESET_AFTER h, %s kernel", kind)
                .isLessThanOrEqualTo(Parity.TOLERANCE);
    }

    /** One step of the reset-after GRU in double: blocks (r, u, c); h' = u⊙h + (1−u)⊙ĉ. */
    private static double[] resetAfterStep(float[] x, double[] h, float[] wx, float[] wh, float[] b) {
        int cols = 3 * H;
        double[] z = new double[cols];
        double[] hz = new double[cols];
        for (int c = 0; c < cols; c++) {
            z[c] = b[c];
            for (int i = 0; i < D; i++) {
                z[c] += x[i] * wx[i * cols + c];
            }
            for (int i = 0; i < H; i++) {
                hz[c] += h[i] * wh[i * cols + c];
            }
        }
        double[] next = new double[H];
        for (int j = 0; j < H; j++) {
            double reset = sigmoid(z[j] + hz[j]);
            double update = sigmoid(z[H + j] + hz[H + j]);
            double candidate = Math.tanh(z[2 * H + j] + reset * hz[2 * H + j]);
            next[j] = update * h[j] + (1 - update) * candidate;
        }
        return next;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /**
     * The {@code gruCell} op with its six inputs. Built with {@link DynamicCustomOp#builder} because in ND4J
     * 1.0.0-M2.1 the {@code GRUCell(INDArray, INDArray, GRUWeights)} constructor registers the arrays as outputs,
     * and execution then fails with "gruCell: no operands provided".
     */
    private static DynamicCustomOp gruCell(INDArray x, INDArray h, GRUWeights w) {
        long batch = x.size(0);
        long hidden = h.size(1);
        return DynamicCustomOp.builder(new GRUCell().opName())
                .addInputs(x, h, w.getIRuWeights(), w.getICWeight(), w.getIRUBias(), w.getICBias())
                .addOutputs(Nd4j.create(DataType.FLOAT, batch, hidden), Nd4j.create(DataType.FLOAT, batch, hidden),
                        Nd4j.create(DataType.FLOAT, batch, hidden), Nd4j.create(DataType.FLOAT, batch, hidden))
                .build();
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    /** Columns [c0, c1) of top [rowsTop][cols] stacked over the same columns of bottom [rowsBottom][cols]. */
    private static INDArray stackRows(float[] top, int rowsTop, float[] bottom, int rowsBottom, int cols, int c0,
            int c1) {
        int width = c1 - c0;
        float[] out = new float[(rowsTop + rowsBottom) * width];
        for (int i = 0; i < rowsTop; i++) {
            System.arraycopy(top, i * cols + c0, out, i * width, width);
        }
        for (int i = 0; i < rowsBottom; i++) {
            System.arraycopy(bottom, i * cols + c0, out, (rowsTop + i) * width, width);
        }
        return Nd4j.create(out, new long[] {rowsTop + rowsBottom, width}, 'c');
    }
}
