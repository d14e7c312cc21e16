package io.streamcast.model.core.cell;

/**
 * One recurrent layer that advances a caller-owned state by one time step.
 *
 * <p>The weights are shared and immutable; the state lives outside the cell (in Flink keyed state,
 * one array per key), so one cell instance serves any number of keys. A step allocates nothing.
 *
 * <p><b>Not thread-safe:</b> an implementation owns scratch buffers. Create one instance per thread
 * or per operator instance (see {@link Kernels#create(LayerWeights)}).
 */
public interface RecurrentCell {

    /** The weights this cell steps with. */
    LayerWeights weights();

    /** Input width D. */
    default int inputSize() {
        return weights().inputSize();
    }

    /** Hidden width H. */
    default int hiddenSize() {
        return weights().hiddenSize();
    }

    /** Floats of state per key: H for RNN and GRU, 2H for LSTM (h then c). */
    default int stateSize() {
        return weights().type().stateSize(weights().hiddenSize());
    }

    /**
     * Advances the state in place by one step.
     *
     * <p>Reads the input from {@code x[xOff, xOff + D)} and updates {@code state[sOff, sOff + stateSize())};
     * the new h is the first H floats of that range. The input range may lie in the same array as the
     * state (a stacked layer reads the previous layer's h), but must not overlap this layer's state range.
     *
     * @throws ArrayIndexOutOfBoundsException if a range does not fit its array
     */
    void step(float[] x, int xOff, float[] state, int sOff);
}
