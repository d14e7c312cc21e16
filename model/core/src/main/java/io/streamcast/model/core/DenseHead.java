package io.streamcast.model.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The linear output layer that maps the last layer's h to the K forecast steps: {@code out = h·W + b}
 * (identity activation, as DL4J's output layer with {@code Activation.IDENTITY}).
 *
 * @param inputSize H of the last recurrent layer
 * @param outputSize K, the forecast horizon
 * @param w weights [inputSize][outputSize] row-major (DL4J {@code W}); not copied, treat as immutable
 * @param b bias [outputSize] (DL4J {@code b})
 */
public record DenseHead(int inputSize, int outputSize, float[] w, float[] b) {

    public DenseHead {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("head inputSize must be positive, got " + inputSize);
        }
        if (outputSize <= 0) {
            throw new IllegalArgumentException("head outputSize must be positive, got " + outputSize);
        }
        Objects.requireNonNull(w, "head W");
        Objects.requireNonNull(b, "head b");
        if (w.length != (long) inputSize * outputSize) {
            throw new IllegalArgumentException("head W has " + w.length + " floats, expected "
                    + (long) inputSize * outputSize + " for inputSize=" + inputSize + " outputSize=" + outputSize);
        }
        if (b.length != outputSize) {
            throw new IllegalArgumentException("head b has " + b.length + " floats, expected " + outputSize
                    + " for outputSize=" + outputSize);
        }
    }

    /** out[0, K) = h[hOff, hOff + inputSize) · W + b. Allocation-free. */
    public void apply(float[] h, int hOff, float[] out) {
        int k = outputSize;
        System.arraycopy(b, 0, out, 0, k);
        for (int i = 0; i < inputSize; i++) {
            float hi = h[hOff + i];
            int row = i * k;
            for (int j = 0; j < k; j++) {
                out[j] += hi * w[row + j];
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseHead other && inputSize == other.inputSize && outputSize == other.outputSize
                && Arrays.equals(w, other.w) && Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputSize, outputSize, Arrays.hashCode(w), Arrays.hashCode(b));
    }

    @Override
    public String toString() {
        return "DenseHead[" + inputSize + " -> " + outputSize + "]";
    }
}
