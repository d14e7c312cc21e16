package io.streamcast.model.core.cell;

/**
 * The recurrent cell architectures the kernels implement.
 *
 * <p>Each type fixes how many gate column blocks of width {@code H} its weight matrices have and how
 * many blocks of {@code H} floats its per-key state holds. The exact equations and gate order of
 * each type are documented on {@link LayerWeights}.
 */
public enum CellType {
    /** Vanilla (Elman) RNN with tanh, as Deeplearning4j's {@code SimpleRnn}: one gate block, state h. */
    RNN(1, 1),
    /** LSTM in Deeplearning4j's gate order (a, f, o, i), no peepholes: four gate blocks, state h then c. */
    LSTM(4, 2),
    /** GRU in ND4J's {@code GRUCell} convention (r, u, c), reset before the recurrent product: three gate blocks, state h. */
    GRU(3, 1),
    /**
     * GRU as ND4J/SameDiff's {@code gru} op computes it (what {@code train --cell gru} trains): gate blocks (r, u, c),
     * the reset gate applied after the recurrent product ({@code ĉ = tanh(x·Wc + r⊙(h·RWc) + bc)}), one bias; state h.
     */
    GRU_RESET_AFTER(3, 1);

    private final int gates;
    private final int stateBlocks;

    CellType(int gates, int stateBlocks) {
        this.gates = gates;
        this.stateBlocks = stateBlocks;
    }

    /** Number of gate column blocks of width H in {@code W}, {@code RW} and {@code b}. */
    public int gates() {
        return gates;
    }

    /** Number of H-float blocks in one layer's state (the first block is always h). */
    public int stateBlocks() {
        return stateBlocks;
    }

    /** Floats of state one layer of this type needs at hidden size {@code hiddenSize}. */
    public int stateSize(int hiddenSize) {
        return stateBlocks * hiddenSize;
    }
}
