package io.streamcast.model.training.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.training.net.NetworkFactory;
import io.streamcast.model.training.net.NetworkSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelExporterTest {

    @Test
    void exportsLayoutAndShapesOfTheFactoryNetwork() {
        MultiLayerNetwork net = NetworkFactory.create(new NetworkSpec(CellType.LSTM, 5, 2, 12, 4, 10, 1e-3, 1, 1));
        ForecastModel model = ModelExporter.export(net, FeatureSpec.VALUE_AND_CALENDAR);
        assertThat(model.layers()).hasSize(2);
        assertThat(model.layers().get(0).inputSize()).isEqualTo(5);
        assertThat(model.layers().get(1).inputSize()).isEqualTo(12);
        assertThat(model.horizon()).isEqualTo(4);
        // row-major W: element (row 3, column 17) of DL4J's 0_W [5, 48]
        float expected = net.getParam("0_W").getFloat(3, 17);
        assertThat(model.layers().get(0).w()[3 * 48 + 17]).isEqualTo(expected);
        assertThat(model.layers().get(1).rw()[7 * 48 + 40]).isEqualTo(net.getParam("1_RW").getFloat(7, 40));
        assertThat(model.head().w()[11 * 4 + 2]).isEqualTo(net.getParam("2_W").getFloat(11, 2));
        // forget-gate bias block [H, 2H) starts at 1.0 in DL4J
        assertThat(model.layers().get(0).b()[12]).isEqualTo(1.0f);
    }

    @Test
    @SuppressWarnings("deprecation") // GravesLSTM is the unsupported layer on purpose
    void refusesAnUnsupportedLayerNamingIndexAndClass() {
        MultiLayerNetwork net = net(new GravesLSTM.Builder().nIn(1).nOut(4).activation(Activation.TANH).build());
        assertThatThrownBy(() -> ModelExporter.export(net, FeatureSpec.VALUE_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot export layer 0 (org.deeplearning4j.nn.conf.layers.GravesLSTM): unsupported layer; "
                        + "supported: LSTM (TANH activation, SIGMOID gates) or SimpleRnn (TANH, no layer norm) layers, "
                        + "then one RnnOutputLayer, OutputLayer or DenseLayer (IDENTITY) as the last layer");
    }

    @Test
    void refusesAnLstmWithDl4jsDefaultSigmoidActivation() {
        MultiLayerNetwork net = net(new LSTM.Builder().nIn(1).nOut(4).build());
        assertThatThrownBy(() -> ModelExporter.export(net, FeatureSpec.VALUE_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot export layer 0 (org.deeplearning4j.nn.conf.layers.LSTM): "
                        + "activation TANH required, got sigmoid")
                .hasMessageContaining(ModelExporter.SUPPORTED);
    }

    @Test
    void refusesANonIdentityHead() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list()
                .layer(new LSTM.Builder().nIn(1).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.TANH)
                        .nIn(4).nOut(2).build())
                .build());
        net.init();
        assertThatThrownBy(() -> ModelExporter.export(net, FeatureSpec.VALUE_ONLY))
                .hasMessageStartingWith("cannot export layer 1 (org.deeplearning4j.nn.conf.layers.RnnOutputLayer): "
                        + "activation IDENTITY required, got tanh");
    }

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer first) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list()
                .layer(first)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(4).nOut(2).build())
                .build());
        net.init();
        return net;
    }
}
