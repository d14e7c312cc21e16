package io.streamcast.model.core;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.ReferenceCells;
import io.streamcast.model.core.cell.TestWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic random models and a float64 reference forecaster for tests. */
public final class TestModels {

    private TestModels() {
    }

    /** A stacked model with the given cell types and hidden sizes, seeded deterministically. */
    public static ForecastModel random(long seed, FeatureSpec features, int horizon, CellType[] types, int[] hidden) {
        return random(seed, features, horizon, types, hidden, HeadMode.DIRECT);
    }

    /** As {@link #random(long, FeatureSpec, int, CellType[], int[])} with the given head mode (same weights). */
    public static ForecastModel random(long seed, FeatureSpec features, int horizon, CellType[] types, int[] hidden,
            HeadMode mode) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LayerWeights> layers = new ArrayList<>();
        int in = features.size();
        for (int l = 0; l < types.length; l++) {
            layers.add(TestWeights.random(types[l], in, hidden[l], rnd));
            in = hidden[l];
        }
        int last = hidden[hidden.length - 1];
        DenseHead head = new DenseHead(last, horizon, TestWeights.fill(new float[last * horizon], rnd, 1.0),
                TestWeights.fill(new float[horizon], rnd, 0.2));
        return new ForecastModel(layers, head, features, horizon, mode);
    }

    /**
     * Float64 reference of {@link Forecaster#step}: steps each layer with {@link ReferenceCells} on the previous
     * layer's h and applies the head; for a {@link HeadMode#RESIDUAL} model adds the input's VALUE feature to every
     * output. {@code state} holds one double[] per layer.
     */
    public static double[] referenceStep(ForecastModel model, double[] features, double[][] state) {
        double[] in = features;
        for (int l = 0; l < model.layers().size(); l++) {
            LayerWeights lw = model.layers().get(l);
            ReferenceCells.step(lw, in, state[l]);
            in = java.util.Arrays.copyOf(state[l], lw.hiddenSize());
        }
        DenseHead head = model.head();
        double[] out = new double[head.outputSize()];
        for (int j = 0; j < out.length; j++) {
            double s = head.b()[j];
            for (int i = 0; i < head.inputSize(); i++) {
                s += in[i] * head.w()[i * head.outputSize() + j];
            }
            out[j] = s;
        }
        if (model.headMode() == HeadMode.RESIDUAL) {
            double value = features[model.features().indexOf(io.streamcast.model.core.feature.Feature.VALUE)];
            for (int j = 0; j < out.length; j++) {
                out[j] += value;
            }
        }
        return out;
    }

    /** A zero float64 reference state for {@link #referenceStep}. */
    public static double[][] referenceState(ForecastModel model) {
        return model.layers().stream().map(lw -> new double[lw.stateSize()]).toArray(double[][]::new);
    }
}
