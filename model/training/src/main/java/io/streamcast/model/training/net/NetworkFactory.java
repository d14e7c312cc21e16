package io.streamcast.model.training.net;

import io.streamcast.model.core.cell.CellType;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the forecasting network: {@code layers} stacked LSTM or SimpleRnn layers of {@code hidden} units, then an
 * {@link RnnOutputLayer} (identity; MSE or MAE loss) with one output per forecast step.
 *
 * <p>Every recurrent layer gets {@link Activation#TANH} explicitly: DL4J's LSTM defaults to SIGMOID, which the core
 * kernels (and the exporter) do not implement. Float32 throughout, Xavier initialisation, Adam, element-wise
 * gradient clipping, truncated BPTT. The same spec (and seed) gives bit-identical initial weights.
 */
public final class NetworkFactory {

    private NetworkFactory() {
    }

    /** Configuration only (no parameters allocated). */
    public static MultiLayerConfiguration configuration(NetworkSpec spec) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(spec.lr()));
        if (spec.clip() > 0) {
            b.gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                    .gradientNormalizationThreshold(spec.clip());
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        int in = spec.inputSize();
        for (int l = 0; l < spec.layers(); l++) {
            list.layer(recurrentLayer(spec.cell(), in, spec.hidden()));
            in = spec.hidden();
        }
        list.layer(new RnnOutputLayer.Builder(spec.loss() == NetworkSpec.Loss.MAE
                        ? LossFunctions.LossFunction.MEAN_ABSOLUTE_ERROR : LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY)
                .nIn(in)
                .nOut(spec.horizon())
                .build());
        return list.backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(spec.tbptt())
                .tBPTTBackwardLength(spec.tbptt())
                .build();
    }

    /** A new, initialised network. */
    public static MultiLayerNetwork create(NetworkSpec spec) {
        Nd4j.getRandom().setSeed(spec.seed());
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec));
        net.init();
        return net;
    }

    private static Layer recurrentLayer(CellType cell, int in, int hidden) {
        return switch (cell) {
            case LSTM -> new LSTM.Builder().nIn(in).nOut(hidden).activation(Activation.TANH)
                    .gateActivationFunction(Activation.SIGMOID).build();
            case RNN -> new SimpleRnn.Builder().nIn(in).nOut(hidden).activation(Activation.TANH).build();
            case GRU, GRU_RESET_AFTER -> throw new IllegalArgumentException("cell " + cell + " has no MultiLayerNetwork "
                    + "layer in DL4J 1.0.0-M2.1 (GRU_RESET_AFTER trains with SameDiffGru)");
        };
    }
}
