package io.streamcast.model.core.cell;

import java.util.Objects;

/**
 * Weights of one recurrent layer: float32, row-major, in Deeplearning4j's parameter layout.
 *
 * <p>Shapes, with {@code G = type.gates()}:
 * <ul>
 *   <li>{@code w}: input weights [inputSize][G*H] (DL4J {@code W})</li>
 *   <li>{@code rw}: recurrent weights [H][G*H] (DL4J {@code RW})</li>
 *   <li>{@code b}: bias [G*H] (DL4J {@code b})</li>
 * </ul>
 * With {@code z = x·W + h·RW + b}, the column blocks of width H are, per type:
 * <pre>
 * RNN:  h' = tanh(z)                                              (DL4J SimpleRnn, TANH)
 * LSTM: [0,H) a = tanh(z0)   cell input                           (DL4J LSTM gate order a, f, o, i)
 *       [H,2H) f = σ(z1)     forget gate
 *       [2H,3H) o = σ(z2)    output gate
 *       [3H,4H) i = σ(z3)    input gate
 *       c' = f⊙c + i⊙a;  h' = o⊙tanh(c')                         no peepholes; state = h then c
 * GRU:  blocks (r, u, c):
 *       r = σ(x·Wr + h·RWr + br);  u = σ(x·Wu + h·RWu + bu)
 *       ĉ = tanh(x·Wc + (r⊙h)·RWc + bc);  h' = u⊙h + (1−u)⊙ĉ       (ND4J GRUCell convention)
 * GRU_RESET_AFTER: blocks (r, u, c), r and u as GRU;
 *       ĉ = tanh(x·Wc + r⊙(h·RWc) + bc);  h' = u⊙h + (1−u)⊙ĉ       (ND4J/SameDiff gru op; W = its Wx,
 *                                                                   RW = its Wh, b = its b, as they are)
 * </pre>
 * For GRU, ND4J's {@code Wru [D+H, 2H]} and {@code Wc [D+H, H]} are split by rows into the input
 * part (first D rows, concatenated by columns into {@code w}) and the recurrent part (last H rows,
 * into {@code rw}); {@code bru} and {@code bc} are concatenated into {@code b}.
 *
 * <p>The constructor validates every shape and throws {@link IllegalArgumentException} naming the
 * offending array. The arrays are not copied (models can be large and are shared by all keys):
 * treat them as immutable once handed over. Equality compares array contents.
 */
public record LayerWeights(CellType type, int inputSize, int hiddenSize, float[] w, float[] rw, float[] b) {

    public LayerWeights {
        Objects.requireNonNull(type, "type");
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be positive, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be positive, got " + hiddenSize);
        }
        checkLength("W", w, expectedW(type, inputSize, hiddenSize), type, inputSize, hiddenSize);
        checkLength("RW", rw, expectedRW(type, hiddenSize), type, inputSize, hiddenSize);
        checkLength("b", b, expectedB(type, hiddenSize), type, inputSize, hiddenSize);
    }

    /** Floats in {@code W} for this architecture: D * G * H. */
    public static long expectedW(CellType type, int inputSize, int hiddenSize) {
        return (long) inputSize * type.gates() * hiddenSize;
    }

    /** Floats in {@code RW} for this architecture: H * G * H. */
    public static long expectedRW(CellType type, int hiddenSize) {
        return (long) hiddenSize * type.gates() * hiddenSize;
    }

    /** Floats in {@code b} for this architecture: G * H. */
    public static long expectedB(CellType type, int hiddenSize) {
        return (long) type.gates() * hiddenSize;
    }

    /**
     * The message used whenever a tensor has the wrong size, e.g.
     * {@code "W has 96 floats, expected 128 for LSTM D=1 H=32"}.
     */
    public static String shapeMessage(String tensor, long actual, long expected, CellType type, int inputSize,
            int hiddenSize) {
        return tensor + " has " + actual + " floats, expected " + expected + " for " + type + " D=" + inputSize
                + " H=" + hiddenSize;
    }

    private static void checkLength(String name, float[] array, long expected, CellType type, int d, int h) {
        if (array == null) {
            throw new IllegalArgumentException(name + " is null, expected " + expected + " floats for " + type
                    + " D=" + d + " H=" + h);
        }
        if (array.length != expected) {
            throw new IllegalArgumentException(shapeMessage(name, array.length, expected, type, d, h));
        }
    }

    /** Number of gate columns, G * H. */
    public int columns() {
        return type.gates() * hiddenSize;
    }

    /** Floats of state one key needs for this layer. */
    public int stateSize() {
        return type.stateSize(hiddenSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerWeights other && type == other.type && inputSize == other.inputSize
                && hiddenSize == other.hiddenSize && java.util.Arrays.equals(w, other.w)
                && java.util.Arrays.equals(rw, other.rw) && java.util.Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, inputSize, hiddenSize, java.util.Arrays.hashCode(w), java.util.Arrays.hashCode(rw),
                java.util.Arrays.hashCode(b));
    }

    @Override
    public String toString() {
        return "LayerWeights[" + type + " D=" + inputSize + " H=" + hiddenSize + "]";
    }
}
