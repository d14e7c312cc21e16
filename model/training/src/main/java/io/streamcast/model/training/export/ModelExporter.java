package io.streamcast.model.training.export;

import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns a trained {@link MultiLayerNetwork} into the plain-float {@link ForecastModel} the streaming job steps.
 *
 * <p>Supported networks: one or more recurrent layers, each a DL4J {@link LSTM} (TANH activation, SIGMOID gates)
 * or {@link SimpleRnn} (TANH, no layer normalisation), followed by exactly one head that is the last layer: an
 * {@link RnnOutputLayer}, {@link OutputLayer} or {@link DenseLayer} with IDENTITY activation. Parameters are read
 * with {@code getParam("W"/"RW"/"b").toFloatMatrix()} and flattened row-major, which is the core layout (the core
 * LSTM uses DL4J's gate order, so no columns move). Anything else is refused with an
 * {@link IllegalArgumentException} that names the layer index and class and lists what is supported, because an
 * export that silently computes something else than the network would pass every unit test and forecast garbage.
 */
public final class ModelExporter {

    /** What the exporter accepts; part of every refusal message. */
    public static final String SUPPORTED = "supported: LSTM (TANH activation, SIGMOID gates) or SimpleRnn (TANH, no "
            + "layer norm) layers, then one RnnOutputLayer, OutputLayer or DenseLayer (IDENTITY) as the last layer";

    private ModelExporter() {
    }

    /**
     * Exports {@code net} as a {@link HeadMode#DIRECT} model (the network outputs the scaled values).
     *
     * @see #export(MultiLayerNetwork, FeatureSpec, HeadMode)
     */
    public static ForecastModel export(MultiLayerNetwork net, FeatureSpec features) {
        return export(net, features, HeadMode.DIRECT);
    }

    /**
     * Exports {@code net}; the horizon is the head's output count.
     *
     * @param features the inputs the network was trained on, in order (layer 0's nIn must equal their count)
     * @param headMode what the network's output is: {@link HeadMode#DIRECT} the scaled values,
     *        {@link HeadMode#RESIDUAL} their change from the current scaled value (trained on residual targets); the
     *        core forecaster then forecasts {@code x_t[VALUE] + output}
     * @throws IllegalArgumentException for a layer or activation the core cannot step
     */
    public static ForecastModel export(MultiLayerNetwork net, FeatureSpec features, HeadMode headMode) {
        Objects.requireNonNull(headMode, "headMode");
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(features, "features");
        int n = net.getnLayers();
        if (n < 2) {
            throw new IllegalArgumentException("network has " + n + " layer(s); " + SUPPORTED);
        }
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            Layer conf = net.getLayerWiseConfigurations().getConf(i).getLayer();
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(i);
            if (conf instanceof LSTM lstm && lstm.getClass() == LSTM.class) {
                requireActivation(i, conf, lstm.getActivationFn(), ActivationTanH.class, "activation TANH");
                requireActivation(i, conf, lstm.getGateActivationFn(), ActivationSigmoid.class,
                        "gate activation SIGMOID");
                layers.add(recurrent(CellType.LSTM, i, layer, lstm.getNIn(), lstm.getNOut()));
            } else if (conf instanceof SimpleRnn rnn && rnn.getClass() == SimpleRnn.class) {
                requireActivation(i, conf, rnn.getActivationFn(), ActivationTanH.class, "activation TANH");
                if (rnn.hasLayerNorm()) {
                    throw refuse(i, conf, "layer normalisation is not supported");
                }
                layers.add(recurrent(CellType.RNN, i, layer, rnn.getNIn(), rnn.getNOut()));
            } else {
                throw refuse(i, conf, "unsupported layer" + (i == 0 ? "" : " in the recurrent stack"));
            }
        }
        int last = n - 1;
        Layer conf = net.getLayerWiseConfigurations().getConf(last).getLayer();
        DenseHead head;
        if (conf instanceof RnnOutputLayer || conf instanceof OutputLayer || conf instanceof DenseLayer) {
            BaseLayer base = (BaseLayer) conf;
            Class<?> c = conf.getClass();
            if (c != RnnOutputLayer.class && c != OutputLayer.class && c != DenseLayer.class) {
                throw refuse(last, conf, "unsupported head");
            }
            requireActivation(last, conf, base.getActivationFn(), ActivationIdentity.class, "activation IDENTITY");
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(last);
            int in = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf).getNIn();
            int out = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf).getNOut();
            float[] w = flatten(param(last, layer, "W"), in, out, last, "W");
            INDArray bias = layer.paramTable().get("b");
            float[] b = bias == null ? new float[out] : vector(bias, out, last, "b");
            head = new DenseHead(in, out, w, b);
        } else {
            throw refuse(last, conf, "the last layer must be the head");
        }
        return new ForecastModel(layers, head, features, head.outputSize(), headMode);
    }

    private static LayerWeights recurrent(CellType type, int index, org.deeplearning4j.nn.api.Layer layer, long nIn,
            long nOut) {
        int d = Math.toIntExact(nIn);
        int h = Math.toIntExact(nOut);
        int cols = type.gates() * h;
        float[] w = flatten(param(index, layer, "W"), d, cols, index, "W");
        float[] rw = flatten(param(index, layer, "RW"), h, cols, index, "RW");
        float[] b = vector(param(index, layer, "b"), cols, index, "b");
        return new LayerWeights(type, d, h, w, rw, b);
    }

    private static INDArray param(int index, org.deeplearning4j.nn.api.Layer layer, String key) {
        INDArray p = layer.paramTable().get(key);
        if (p == null) {
            throw new IllegalArgumentException("layer " + index + " (" + layer.conf().getLayer().getClass().getSimpleName()
                    + "): no parameter '" + key + "' (has " + layer.paramTable().keySet() + ")");
        }
        return p;
    }

    private static float[] flatten(INDArray p, int rows, int cols, int index, String key) {
        long[] shape = p.shape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
            throw new IllegalArgumentException("layer " + index + ": " + key + " has shape "
                    + java.util.Arrays.toString(shape) + ", expected [" + rows + ", " + cols + "]");
        }
        float[][] m = p.toFloatMatrix();
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m[r], 0, out, r * cols, cols);
        }
        return out;
    }

    private static float[] vector(INDArray p, int length, int index, String key) {
        if (p.length() != length) {
            throw new IllegalArgumentException("layer " + index + ": " + key + " has " + p.length()
                    + " values, expected " + length);
        }
        return p.reshape(length).toFloatVector();
    }

    private static void requireActivation(int index, Layer conf, IActivation actual, Class<? extends IActivation> want,
            String what) {
        if (actual == null || actual.getClass() != want) {
            throw refuse(index, conf, what + " required, got " + actual);
        }
    }

    private static IllegalArgumentException refuse(int index, Layer conf, String problem) {
        return new IllegalArgumentException("cannot export layer " + index + " (" + conf.getClass().getName() + "): "
                + problem + "; " + SUPPORTED);
    }
}
