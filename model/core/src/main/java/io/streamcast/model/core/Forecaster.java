package io.streamcast.model.core;

import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.RecurrentCell;
import io.streamcast.model.core.feature.Feature;
import java.util.List;

/**
 * Steps a {@link ForecastModel} for one key at a time: every layer advances the key's state (layer l's
 * input is layer l−1's new h), then the dense head turns the last h into the K-step forecast. For a
 * {@link HeadMode#RESIDUAL} model the input's scaled value {@code x_t[VALUE]} is added to every head output:
 * {@code out[j] = x_t[VALUE] + head(h)[j]}; for {@link HeadMode#DIRECT}, {@code out[j] = head(h)[j]}.
 *
 * <p>Allocation-free per step. <b>Not thread-safe</b> (its cells own scratch buffers); create one per
 * thread or operator instance with {@link ForecastModel#newForecaster()}.
 */
public final class Forecaster {

    private final ForecastModel model;
    private final RecurrentCell[] cells;
    private final int[] offsets;
    private final int lastOffset;
    private final boolean residual;
    private final int valueIndex;
    private final int horizon;

    Forecaster(ForecastModel model, KernelKind kernel) {
        this.model = model;
        List<LayerWeights> layers = model.layers();
        this.cells = new RecurrentCell[layers.size()];
        this.offsets = new int[layers.size()];
        for (int l = 0; l < cells.length; l++) {
            cells[l] = Kernels.create(layers.get(l), kernel);
            offsets[l] = model.stateOffset(l);
        }
        this.lastOffset = offsets[offsets.length - 1];
        this.residual = model.headMode() != HeadMode.DIRECT; // SEASONAL: persistence until the caller rebases
        this.valueIndex = model.features().indexOf(Feature.VALUE);
        this.horizon = model.horizon();
    }

    public ForecastModel model() {
        return model;
    }

    /** Number of input features. */
    public int inputSize() {
        return model.inputSize();
    }

    /** K, the number of forecast steps written by {@link #step}. */
    public int horizon() {
        return model.horizon();
    }

    /** Floats of per-key state. */
    public int stateSize() {
        return model.stateSize();
    }

    /**
     * Advances the key's state by one time step and writes the forecast for the next K steps, in model
     * (scaled) units, into {@code out[0, K)}: {@code out[j-1]} is the forecast for t+j. For a
     * {@link HeadMode#RESIDUAL} or {@link HeadMode#SEASONAL} model that is {@code features[VALUE] + head(h)[j-1]}
     * (a seasonal model's caller then moves it onto the seasonal base), else {@code head(h)[j-1]}.
     *
     * @param features the encoded input of time t, {@link #inputSize()} floats
     * @param state the key's state, {@link #stateSize()} floats, updated in place
     * @param out at least {@link #horizon()} floats
     * @throws IllegalArgumentException if an array is shorter than required
     */
    public void step(float[] features, float[] state, float[] out) {
        if (features.length < inputSize() || state.length < stateSize() || out.length < horizon()) {
            throw new IllegalArgumentException("array too short: features " + features.length + " (need "
                    + inputSize() + "), state " + state.length + " (need " + stateSize() + "), out " + out.length
                    + " (need " + horizon() + ")");
        }
        advance(features, state);
        model.head().apply(state, lastOffset, out);
        if (residual) {
            float value = features[valueIndex];
            for (int j = 0; j < horizon; j++) {
                out[j] += value;
            }
        }
    }

    /**
     * Advances the state without computing a forecast (e.g. to warm a key up on history faster).
     */
    public void advance(float[] features, float[] state) {
        cells[0].step(features, 0, state, offsets[0]);
        for (int l = 1; l < cells.length; l++) {
            cells[l].step(state, offsets[l - 1], state, offsets[l]);
        }
    }
}
