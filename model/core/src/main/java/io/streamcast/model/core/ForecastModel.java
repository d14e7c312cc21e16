package io.streamcast.model.core;

import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import java.util.List;
import java.util.Objects;

/**
 * A trained forecasting network: stacked recurrent layers, a dense multi-horizon head and the feature
 * list it was trained on. Immutable and thread-safe; share one instance across all keys and threads
 * and give each thread its own {@link Forecaster} ({@link #newForecaster()}).
 *
 * <p>Per-key state layout ({@link #stateSize()} floats): the layers' state blocks concatenated in layer
 * order, each as its cell stores it (RNN/GRU: h; LSTM: h then c). A fresh key starts with zeros.
 *
 * <p>The constructor checks that the pieces fit: layer 0 has one input per feature, layer l's input is
 * layer l−1's H, the head reads the last layer's H and has one output per horizon step.
 *
 * <p>The {@link HeadMode} says what the head predicts: the scaled future values ({@link HeadMode#DIRECT}) or
 * their difference from the current scaled value ({@link HeadMode#RESIDUAL}, forecast = {@code x_t[VALUE] +
 * head(h)}); {@link Forecaster#step} applies it, so its output is always the forecast in scaled units.
 */
public final class ForecastModel {

    private final List<LayerWeights> layers;
    private final DenseHead head;
    private final FeatureSpec features;
    private final int horizon;
    private final HeadMode headMode;
    private final int[] stateOffsets;
    private final int stateSize;

    /** A model whose head predicts the scaled values directly ({@link HeadMode#DIRECT}). */
    public ForecastModel(List<LayerWeights> layers, DenseHead head, FeatureSpec features, int horizon) {
        this(layers, head, features, horizon, HeadMode.DIRECT);
    }

    /**
     * @param headMode {@link HeadMode#DIRECT} or {@link HeadMode#RESIDUAL} (forecast = current scaled value +
     *        head output)
     */
    public ForecastModel(List<LayerWeights> layers, DenseHead head, FeatureSpec features, int horizon,
            HeadMode headMode) {
        Objects.requireNonNull(layers, "layers");
        this.headMode = Objects.requireNonNull(headMode, "headMode");
        this.layers = List.copyOf(layers);
        this.head = Objects.requireNonNull(head, "head");
        this.features = Objects.requireNonNull(features, "features");
        this.horizon = horizon;
        if (this.layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one recurrent layer");
        }
        if (horizon <= 0) {
            throw new IllegalArgumentException("horizon must be positive, got " + horizon);
        }
        int expectedInput = features.size();
        this.stateOffsets = new int[this.layers.size()];
        int offset = 0;
        for (int l = 0; l < this.layers.size(); l++) {
            LayerWeights lw = this.layers.get(l);
            if (lw.inputSize() != expectedInput) {
                throw new IllegalArgumentException("layer " + l + " has inputSize " + lw.inputSize() + ", expected "
                        + expectedInput + (l == 0 ? " (one per feature: " + features.features() + ")"
                                : " (hiddenSize of layer " + (l - 1) + ")"));
            }
            stateOffsets[l] = offset;
            offset += lw.stateSize();
            expectedInput = lw.hiddenSize();
        }
        this.stateSize = offset;
        if (head.inputSize() != expectedInput) {
            throw new IllegalArgumentException("head inputSize " + head.inputSize() + " does not match the last "
                    + "layer's hiddenSize " + expectedInput);
        }
        if (head.outputSize() != horizon) {
            throw new IllegalArgumentException("head outputSize " + head.outputSize() + " does not match horizon "
                    + horizon);
        }
    }

    public List<LayerWeights> layers() {
        return layers;
    }

    public DenseHead head() {
        return head;
    }

    public FeatureSpec features() {
        return features;
    }

    /** K: number of future steps forecast at every step. */
    public int horizon() {
        return horizon;
    }

    /** What the head predicts; see {@link HeadMode}. */
    public HeadMode headMode() {
        return headMode;
    }

    /** True if the forecast is the current scaled value plus the head's output ({@link HeadMode#RESIDUAL}). */
    public boolean residual() {
        return headMode == HeadMode.RESIDUAL;
    }

    /** Input width of layer 0 (= number of features). */
    public int inputSize() {
        return features.size();
    }

    /** Floats of per-key state: the sum of every layer's state size. */
    public int stateSize() {
        return stateSize;
    }

    /** Offset of layer {@code l}'s state block in the per-key state array. */
    public int stateOffset(int layer) {
        return stateOffsets[layer];
    }

    /** A zeroed per-key state: the state of a series before its first value. */
    public float[] newState() {
        return new float[stateSize];
    }

    /** A stepping object with the {@link Kernels#best()} kernel. Not thread-safe: one per thread. */
    public Forecaster newForecaster() {
        return new Forecaster(this, Kernels.best());
    }

    /** A stepping object with the given kernel. Not thread-safe: one per thread. */
    public Forecaster newForecaster(KernelKind kernel) {
        return new Forecaster(this, kernel);
    }

    @Override
    public String toString() {
        return "ForecastModel[layers=" + layers + ", head=" + head + " (" + headMode.headerName() + "), features="
                + features.features() + ", horizon=" + horizon + "]";
    }
}
