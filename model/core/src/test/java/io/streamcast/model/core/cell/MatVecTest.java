package io.streamcast.model.core.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two dense-product kernels give the same floats, and one column alone is the same float as in the product. */
class MatVecTest {

    @Test
    void vectorAndScalarKernelsAgreeBitForBitAndAColumnAloneIsTheSameFloat() {
        assertThat(Kernels.vectorAvailable()).as("the tests run with the Vector API module").isTrue();
        MatVec vector = VectorMatVec.INSTANCE;
        MatVec scalar = MatVec.ScalarMatVec.INSTANCE;
        assertThat(scalar.blockColumns()).isEqualTo(1);
        Random r = new Random(3);
        for (int blocks = 1; blocks <= 3; blocks++) {
            int cols = blocks * vector.blockColumns();
            int rows = 1 + r.nextInt(200);
            float[] x = new float[rows];
            float[] w = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                x[i] = i % 5 == 0 ? 0f : (float) r.nextGaussian();
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextGaussian();
            }
            float[] start = new float[cols];
            for (int j = 0; j < cols; j++) {
                start[j] = (float) r.nextGaussian();
            }
            float[] s = start.clone();
            float[] v = start.clone();
            scalar.accumulate(x, rows, w, cols, s);
            vector.accumulate(x, rows, w, cols, v);
            assertThat(v).as("cols %d", cols).isEqualTo(s);
            for (int j = 0; j < cols; j++) {
                assertThat(MatVec.column(x, rows, w, cols, j, start[j])).as("column %d", j).isEqualTo(v[j]);
                double sum = start[j];
                for (int i = 0; i < rows; i++) {
                    sum += (double) x[i] * w[i * cols + j];
                }
                assertThat((double) v[j]).isCloseTo(sum, within(1e-3 * (1 + Math.abs(sum))));
            }
        }
    }
}
