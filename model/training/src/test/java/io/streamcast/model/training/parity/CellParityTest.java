package io.streamcast.model.training.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.RecurrentCell;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.training.export.ModelExporter;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The core kernels against DL4J's {@code rnnTimeStep} over 1,000 steps, float32, random (untrained) weights and
 * biases: the recurrent state of one layer (LSTM h and c, SimpleRnn h) and a whole stacked network's forecast.
 */
class CellParityTest {
    private static final int D = 5;
    private static final int H = 24;
    private static final int K = 8;

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void lstmCellMatchesDl4jState(KernelKind kind) {
        assumeKernel(kind);
        MultiLayerNetwork net = network(new LSTM.Builder().nIn(D).nOut(H).activation(Activation.TANH)
                .gateActivationFunction(Activation.SIGMOID).build());
        assertStateParity(net, kind, true);
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void simpleRnnCellMatchesDl4jState(KernelKind kind) {
        assumeKernel(kind);
        MultiLayerNetwork net = network(new SimpleRnn.Builder().nIn(D).nOut(H).activation(Activation.TANH).build());
        assertStateParity(net, kind, false);
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void twoLayerLstmWithRnnOutputHeadMatchesNetworkOutput(KernelKind kind) {
        assumeKernel(kind);
        MultiLayerNetwork net = stack(false);
        assertForecastParity(net, kind);
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void twoLayerLstmWithDenseOutputLayerHeadMatchesNetworkOutput(KernelKind kind) {
        assumeKernel(kind);
        MultiLayerNetwork net = stack(true);
        assertForecastParity(net, kind);
    }

    private static void assumeKernel(KernelKind kind) {
        assumeTrue(kind == KernelKind.SCALAR || Kernels.vectorAvailable(),
                "Vector API module not present in this JVM");
    }

    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer recurrent) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(recurrent)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(H).nOut(K).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Parity.randomizeParams(net, 0.35, 11);
        return net;
    }

    private static MultiLayerNetwork stack(boolean denseHead) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(D).nOut(H).activation(Activation.TANH).build())
                .layer(new LSTM.Builder().nIn(H).nOut(16).activation(Activation.TANH).build());
        if (denseHead) {
            list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                    .nIn(16).nOut(K).build());
            list.setInputType(InputType.recurrent(D));
        } else {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                    .nIn(16).nOut(K).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        Parity.randomizeParams(net, 0.3, 5);
        return net;
    }

    /** Steps the exported layer-0 cell and DL4J side by side and compares the whole state history. */
    private static void assertStateParity(MultiLayerNetwork net, KernelKind kind, boolean lstm) {
        ForecastModel model = ModelExporter.export(net, FeatureSpec.VALUE_AND_CALENDAR);
        LayerWeights w = model.layers().get(0);
        RecurrentCell cell = Kernels.create(w, kind);
        float[][] x = Parity.inputs(Parity.STEPS, D, 99);
        float[] state = new float[cell.stateSize()];
        float[] coreH = new float[Parity.STEPS * H];
        float[] dl4jH = new float[Parity.STEPS * H];
        float[] coreC = new float[Parity.STEPS * H];
        float[] dl4jC = new float[Parity.STEPS * H];
        net.rnnClearPreviousState();
        for (int t = 0; t < Parity.STEPS; t++) {
            cell.step(x[t], 0, state, 0);
            net.rnnTimeStep(Parity.step(x[t]));
            Map<String, INDArray> s = net.rnnGetPreviousState(0);
            System.arraycopy(state, 0, coreH, t * H, H);
            System.arraycopy(s.get("prevAct").reshape(H).toFloatVector(), 0, dl4jH, t * H, H);
            if (lstm) {
                System.arraycopy(state, H, coreC, t * H, H);
                System.arraycopy(s.get("prevMem").reshape(H).toFloatVector(), 0, dl4jC, t * H, H);
            }
        }
        assertThat(Parity.norm(dl4jH)).as("DL4J h is not trivially zero").isGreaterThan(10.0);
        assertThat(Parity.normwiseRelativeError(coreH, dl4jH)).as("h, %s kernel", kind)
                .isLessThanOrEqualTo(Parity.TOLERANCE);
        if (lstm) {
            assertThat(Parity.norm(dl4jC)).isGreaterThan(10.0);
            assertThat(Parity.normwiseRelativeError(coreC, dl4jC)).as("c, %s kernel", kind)
                    .isLessThanOrEqualTo(Parity.TOLERANCE);
        }
    }

    /** The exported model's Forecaster against the network's per-step output. */
    static void assertForecastParity(MultiLayerNetwork net, KernelKind kind) {
        ForecastModel model = ModelExporter.export(net, FeatureSpec.VALUE_AND_CALENDAR);
        Forecaster forecaster = model.newForecaster(kind);
        float[][] x = Parity.inputs(Parity.STEPS, D, 1234);
        float[] state = model.newState();
        float[] out = new float[K];
        float[] core = new float[Parity.STEPS * K];
        float[] dl4j = new float[Parity.STEPS * K];
        net.rnnClearPreviousState();
        for (int t = 0; t < Parity.STEPS; t++) {
            forecaster.step(x[t], state, out);
            System.arraycopy(out, 0, core, t * K, K);
            INDArray y = net.rnnTimeStep(Parity.step(x[t]));
            System.arraycopy(y.reshape(K).toFloatVector(), 0, dl4j, t * K, K);
        }
        assertThat(Parity.norm(dl4j)).as("DL4J output is not trivially zero").isGreaterThan(10.0);
        assertThat(Parity.normwiseRelativeError(core, dl4j)).as("forecast, %s kernel", kind)
                .isLessThanOrEqualTo(Parity.TOLERANCE);
    }
}
