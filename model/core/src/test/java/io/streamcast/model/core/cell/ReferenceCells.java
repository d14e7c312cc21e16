package io.streamcast.model.core.cell;

/**
 * Straightforward float64 implementations of the cell equations documented on {@link LayerWeights},
 * written independently of the kernels (no packing, no scratch reuse, textbook loops) to test them.
 */
public final class ReferenceCells {

    private ReferenceCells() {
    }

    /** Advances {@code state} (this layer's block only, length stateSize) by one step; returns it. */
    public static double[] step(LayerWeights lw, double[] x, double[] state) {
        int h = lw.hiddenSize();
        double[] hPrev = java.util.Arrays.copyOf(state, h);
        switch (lw.type()) {
            case RNN -> {
                for (int j = 0; j < h; j++) {
                    state[j] = Math.tanh(z(lw, 0, j, x, hPrev));
                }
            }
            case LSTM -> {
                for (int j = 0; j < h; j++) {
                    double a = Math.tanh(z(lw, 0, j, x, hPrev));
                    double f = sigmoid(z(lw, 1, j, x, hPrev));
                    double o = sigmoid(z(lw, 2, j, x, hPrev));
                    double i = sigmoid(z(lw, 3, j, x, hPrev));
                    double c = f * state[h + j] + i * a;
                    state[h + j] = c;
                    state[j] = o * Math.tanh(c);
                }
            }
            case GRU -> {
                double[] rh = new double[h];
                double[] u = new double[h];
                for (int j = 0; j < h; j++) {
                    rh[j] = sigmoid(z(lw, 0, j, x, hPrev)) * hPrev[j];
                    u[j] = sigmoid(z(lw, 1, j, x, hPrev));
                }
                for (int j = 0; j < h; j++) {
                    double c = Math.tanh(z(lw, 2, j, x, rh));
                    state[j] = u[j] * hPrev[j] + (1 - u[j]) * c;
                }
            }
            case GRU_RESET_AFTER -> {
                double[] zero = new double[h];
                double[] hz = new double[h]; // h·RWc alone
                for (int j = 0; j < h; j++) {
                    hz[j] = z(lw, 2, j, new double[lw.inputSize()], hPrev) - lw.b()[2 * h + j];
                }
                double[] next = new double[h];
                for (int j = 0; j < h; j++) {
                    double r = sigmoid(z(lw, 0, j, x, hPrev));
                    double u = sigmoid(z(lw, 1, j, x, hPrev));
                    double c = Math.tanh(z(lw, 2, j, x, zero) + r * hz[j]);
                    next[j] = u * hPrev[j] + (1 - u) * c;
                }
                System.arraycopy(next, 0, state, 0, h);
            }
        }
        return state;
    }

    /** Pre-activation of gate block {@code gate}, column j: x·W[:,col] + hIn·RW[:,col] + b[col]. */
    private static double z(LayerWeights lw, int gate, int j, double[] x, double[] hIn) {
        int cols = lw.columns();
        int col = gate * lw.hiddenSize() + j;
        double s = lw.b()[col];
        for (int k = 0; k < lw.inputSize(); k++) {
            s += x[k] * lw.w()[k * cols + col];
        }
        for (int k = 0; k < lw.hiddenSize(); k++) {
            s += hIn[k] * lw.rw()[k * cols + col];
        }
        return s;
    }

    public static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** ‖a − b‖₂ / ‖b‖₂ with a float and a double vector. */
    public static double relativeError(float[] a, int aOff, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double diff = a[aOff + i] - b[i];
            num += diff * diff;
            den += b[i] * b[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }

    /** ‖a − b‖₂ / ‖b‖₂ for two float vectors. */
    public static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double diff = (double) a[i] - b[i];
            num += diff * diff;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }
}
