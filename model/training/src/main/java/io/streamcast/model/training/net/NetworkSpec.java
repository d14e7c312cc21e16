package io.streamcast.model.training.net;

import io.streamcast.model.core.cell.CellType;
import java.util.Objects;

/**
 * Architecture and optimiser settings of a forecasting network.
 *
 * @param cell      recurrent cell of every layer (LSTM or RNN; DL4J's MultiLayerNetwork has no GRU layer)
 * @param inputSize features per step
 * @param layers    stacked recurrent layers
 * @param hidden    units per recurrent layer
 * @param horizon   outputs per step (forecast steps K)
 * @param tbptt     truncated-BPTT length, forward and backward
 * @param lr        Adam learning rate
 * @param clip      element-wise gradient clipping threshold; 0 disables clipping
 * @param seed      seed of the weight initialisation
 */
public record NetworkSpec(CellType cell, int inputSize, int layers, int hidden, int horizon, int tbptt, double lr,
        double clip, long seed) {

    public NetworkSpec {
        Objects.requireNonNull(cell, "cell");
        if (cell == CellType.GRU) {
            throw new IllegalArgumentException("cell GRU: Deeplearning4j 1.0.0-M2.1's MultiLayerNetwork has no GRU "
                    + "layer; use LSTM or RNN");
        }
        positive("inputSize", inputSize);
        positive("layers", layers);
        positive("hidden", hidden);
        positive("horizon", horizon);
        positive("tbptt", tbptt);
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be a positive number, got " + lr);
        }
        if (!(clip >= 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException("clip must be >= 0 (0 = off), got " + clip);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
