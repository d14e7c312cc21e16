package io.streamcast.model.training.net;

import io.streamcast.model.core.cell.CellType;
import java.util.Objects;

/**
 * Architecture and optimiser settings of a forecasting network.
 *
 * @param cell      recurrent cell of every layer: LSTM or RNN (a MultiLayerNetwork), GRU_RESET_AFTER
 *                  ({@link SameDiffGru})
 * @param inputSize features per step
 * @param layers    stacked recurrent layers
 * @param hidden    units per recurrent layer
 * @param horizon   outputs per step (forecast steps K)
 * @param tbptt     truncated-BPTT length, forward and backward
 * @param lr        Adam learning rate
 * @param clip      element-wise gradient clipping threshold; 0 disables clipping
 * @param seed      seed of the weight initialisation
 * @param loss      what the output layer minimises
 */
public record NetworkSpec(CellType cell, int inputSize, int layers, int hidden, int horizon, int tbptt, double lr,
        double clip, long seed, Loss loss) {

    /** The training loss over the K outputs of a labelled step. */
    public enum Loss {
        /** Mean squared error. */
        MSE,
        /** Mean absolute error: what sMAPE and MASE measure, and less swayed by outliers. */
        MAE
    }

    /** Squared-error loss. */
    public NetworkSpec(CellType cell, int inputSize, int layers, int hidden, int horizon, int tbptt, double lr,
            double clip, long seed) {
        this(cell, inputSize, layers, hidden, horizon, tbptt, lr, clip, seed, Loss.MSE);
    }

    public NetworkSpec {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(loss, "loss");
        if (cell == CellType.GRU) {
            throw new IllegalArgumentException("cell GRU (reset before the recurrent product) cannot be trained: "
                    + "Deeplearning4j 1.0.0-M2.1 has it only as a single-step op; train GRU_RESET_AFTER (--cell gru)");
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
