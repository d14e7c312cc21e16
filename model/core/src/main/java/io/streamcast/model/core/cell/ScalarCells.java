package io.streamcast.model.core.cell;

/**
 * Plain Java float kernels for the three cell types.
 *
 * <p>Each kernel packs the input and recurrent weights into one matrix {@code [D+H][columns]} at
 * construction, so a step is a single pass of {@code z += xh[k] * row_k} over the concatenated
 * vector {@code xh = [x, h]}: contiguous, branch-free inner loops that C2 can unroll. Accumulation
 * runs over k in ascending order with separate multiply and add (no FMA), the same order a textbook
 * float implementation uses.
 */
final class ScalarCells {

    private ScalarCells() {
    }

    static RecurrentCell create(LayerWeights weights) {
        return switch (weights.type()) {
            case RNN -> new Rnn(weights);
            case LSTM -> new Lstm(weights);
            case GRU -> new Gru(weights);
            case GRU_RESET_AFTER -> new GruResetAfter(weights);
        };
    }

    /**
     * Packs the columns {@code [c0, c0+width)} of W (D rows) and RW (H rows), each of row length
     * {@code cols}, into one row-major matrix of {@code rows(D+H or H-only)} rows and {@code width} columns.
     */
    static float[] packRows(LayerWeights lw, int c0, int width, boolean input, boolean recurrent) {
        int d = lw.inputSize();
        int h = lw.hiddenSize();
        int cols = lw.columns();
        int rows = (input ? d : 0) + (recurrent ? h : 0);
        float[] packed = new float[rows * width];
        int r = 0;
        if (input) {
            for (int k = 0; k < d; k++, r++) {
                System.arraycopy(lw.w(), k * cols + c0, packed, r * width, width);
            }
        }
        if (recurrent) {
            for (int k = 0; k < h; k++, r++) {
                System.arraycopy(lw.rw(), k * cols + c0, packed, r * width, width);
            }
        }
        return packed;
    }

    /** z[0, n) += Σ_k v[k] * m[k][0, n) for k in [0, rows). */
    static void accumulate(float[] v, int rows, float[] m, float[] z, int n) {
        for (int k = 0; k < rows; k++) {
            float vk = v[k];
            int row = k * n;
            for (int j = 0; j < n; j++) {
                z[j] += vk * m[row + j];
            }
        }
    }

    private abstract static class Base implements RecurrentCell {
        final LayerWeights weights;
        final int d;
        final int h;
        /** [x, h] of the current step: h must be copied because the state is overwritten in place. */
        final float[] xh;

        Base(LayerWeights weights) {
            this.weights = weights;
            this.d = weights.inputSize();
            this.h = weights.hiddenSize();
            this.xh = new float[d + h];
        }

        @Override
        public final LayerWeights weights() {
            return weights;
        }

        final void loadInput(float[] x, int xOff, float[] state, int sOff) {
            System.arraycopy(x, xOff, xh, 0, d);
            System.arraycopy(state, sOff, xh, d, h);
        }
    }

    /** h' = tanh(x·W + h·RW + b). */
    static final class Rnn extends Base {
        private final float[] m;
        private final float[] z;

        Rnn(LayerWeights weights) {
            super(weights);
            this.m = packRows(weights, 0, h, true, true);
            this.z = new float[h];
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            System.arraycopy(weights.b(), 0, z, 0, h);
            accumulate(xh, d + h, m, z, h);
            for (int j = 0; j < h; j++) {
                state[sOff + j] = Activations.tanh(z[j]);
            }
        }
    }

    /** DL4J LSTM, gate blocks (a, f, o, i); state h then c. See {@link LayerWeights}. */
    static final class Lstm extends Base {
        private final float[] m;
        private final float[] z;

        Lstm(LayerWeights weights) {
            super(weights);
            this.m = packRows(weights, 0, 4 * h, true, true);
            this.z = new float[4 * h];
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            System.arraycopy(weights.b(), 0, z, 0, 4 * h);
            accumulate(xh, d + h, m, z, 4 * h);
            int cOff = sOff + h;
            for (int j = 0; j < h; j++) {
                float a = Activations.tanh(z[j]);
                float f = Activations.sigmoid(z[h + j]);
                float o = Activations.sigmoid(z[2 * h + j]);
                float i = Activations.sigmoid(z[3 * h + j]);
                float c = f * state[cOff + j] + i * a;
                state[cOff + j] = c;
                state[sOff + j] = o * Activations.tanh(c);
            }
        }
    }

    /** ND4J GRUCell convention, gate blocks (r, u, c). See {@link LayerWeights}. */
    static final class Gru extends Base {
        /** [D+H][2H]: the r and u columns of W and RW. */
        private final float[] mru;
        /** [D][H]: the c columns of W. */
        private final float[] mcx;
        /** [H][H]: the c columns of RW, applied to r⊙h. */
        private final float[] mch;
        private final float[] zru;
        private final float[] zc;
        private final float[] rh;

        Gru(LayerWeights weights) {
            super(weights);
            this.mru = packRows(weights, 0, 2 * h, true, true);
            this.mcx = packRows(weights, 2 * h, h, true, false);
            this.mch = packRows(weights, 2 * h, h, false, true);
            this.zru = new float[2 * h];
            this.zc = new float[h];
            this.rh = new float[h];
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            float[] b = weights.b();
            System.arraycopy(b, 0, zru, 0, 2 * h);
            System.arraycopy(b, 2 * h, zc, 0, h);
            accumulate(xh, d + h, mru, zru, 2 * h);
            accumulate(xh, d, mcx, zc, h);
            for (int j = 0; j < h; j++) {
                float r = Activations.sigmoid(zru[j]);
                rh[j] = r * xh[d + j];
            }
            accumulate(rh, h, mch, zc, h);
            for (int j = 0; j < h; j++) {
                float u = Activations.sigmoid(zru[h + j]);
                float c = Activations.tanh(zc[j]);
                float hPrev = xh[d + j];
                state[sOff + j] = u * hPrev + (1f - u) * c;
            }
        }
    }

    /** ND4J/SameDiff gru op: gate blocks (r, u, c), reset applied after the recurrent product. See {@link LayerWeights}. */
    static final class GruResetAfter extends Base {
        /** [D+H][3H]: every column of W and RW. */
        private final float[] m;
        /** [D][H]: the c columns of W. */
        private final float[] mcx;
        /** [H][H]: the c columns of RW. */
        private final float[] mch;
        private final float[] zru;
        private final float[] zcx;
        private final float[] zch;
        private final float[] hPrev;

        GruResetAfter(LayerWeights weights) {
            super(weights);
            this.m = packRows(weights, 0, 2 * h, true, true);
            this.mcx = packRows(weights, 2 * h, h, true, false);
            this.mch = packRows(weights, 2 * h, h, false, true);
            this.zru = new float[2 * h];
            this.zcx = new float[h];
            this.zch = new float[h];
            this.hPrev = new float[h];
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            float[] b = weights.b();
            System.arraycopy(b, 0, zru, 0, 2 * h);
            System.arraycopy(b, 2 * h, zcx, 0, h);
            java.util.Arrays.fill(zch, 0f);
            accumulate(xh, d + h, m, zru, 2 * h);
            accumulate(xh, d, mcx, zcx, h);
            System.arraycopy(xh, d, hPrev, 0, h);
            accumulate(hPrev, h, mch, zch, h);
            for (int j = 0; j < h; j++) {
                float r = Activations.sigmoid(zru[j]);
                float u = Activations.sigmoid(zru[h + j]);
                float c = Activations.tanh(zcx[j] + r * zch[j]);
                float prev = xh[d + j];
                state[sOff + j] = u * prev + (1f - u) * c;
            }
        }
    }
}
