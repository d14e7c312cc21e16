package io.streamcast.model.core.cell;

/**
 * The dense products of the week model ({@link io.streamcast.model.core.WeekModel}): {@code out += x·W} for a
 * row-major W, row by row, each term a fused multiply-add, and one column of it alone. Both kernels add the same
 * terms in the same order with the same rounding, so they give the same floats, and {@link #column} gives the float
 * {@link #accumulate} gives in that column, bit for bit.
 */
public interface MatVec {

    /**
     * What the column count of {@link #accumulate} must be a multiple of (pad W with zero columns): 1 for the scalar
     * kernel, a vector's lanes for the SIMD one.
     */
    int blockColumns();

    /**
     * Adds {@code Σ_i x[i]·w[i·cols + j]} to {@code out[j]} for every j &lt; cols, i in row order; rows whose x is 0
     * add nothing. {@code cols} is a multiple of {@link #blockColumns()}.
     */
    void accumulate(float[] x, int rows, float[] w, int cols, float[] out);

    /** {@code start + Σ_i x[i]·w[i·cols + j]}, as {@link #accumulate} computes column j. */
    static float column(float[] x, int rows, float[] w, int cols, int j, float start) {
        float o = start;
        for (int i = 0; i < rows; i++) {
            float xi = x[i];
            if (xi != 0f) {
                o = Math.fma(xi, w[i * cols + j], o);
            }
        }
        return o;
    }

    /** The kernel {@link Kernels#best()} names: SIMD on the Vector API where the module is present, else scalar. */
    static MatVec best() {
        return Kernels.best() == KernelKind.VECTOR ? VectorMatVec.INSTANCE : ScalarMatVec.INSTANCE;
    }

    /** Plain loops with {@link Math#fma}. */
    final class ScalarMatVec implements MatVec {
        static final MatVec INSTANCE = new ScalarMatVec();

        private ScalarMatVec() {
        }

        @Override
        public int blockColumns() {
            return 1;
        }

        @Override
        public void accumulate(float[] x, int rows, float[] w, int cols, float[] out) {
            for (int i = 0; i < rows; i++) {
                float xi = x[i];
                if (xi == 0f) {
                    continue;
                }
                int row = i * cols;
                for (int j = 0; j < cols; j++) {
                    out[j] = Math.fma(xi, w[row + j], out[j]);
                }
            }
        }
    }
}
