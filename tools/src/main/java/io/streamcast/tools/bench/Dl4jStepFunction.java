package io.streamcast.tools.bench;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.HashMap;
import java.util.Map;

/**
 * The baseline a user would otherwise write: the same per-key stepping inside a Flink keyed function,
 * but with Deeplearning4j's {@code rnnTimeStep}. Each event swaps the key's h and c into the network,
 * steps it, and reads them back. Same features, scaler and output record as the real job (no anomaly
 * scoring or intervals, so the comparison flatters this baseline).
 */
public final class Dl4jStepFunction extends KeyedProcessFunction<String, ParsedEvent, ForecastRecord> {

    private static final long serialVersionUID = 1L;

    private final int hidden;
    private final int horizon;

    private transient MultiLayerNetwork net;
    private transient ValueState<float[]> recurrent;
    private transient ValueState<double[]> scalerState;
    private transient FeatureEncoder encoder;
    private transient float[] x;
    private transient Map<String, INDArray> swap;

    public Dl4jStepFunction(int hidden, int horizon) {
        this.hidden = hidden;
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        FeatureSpec features = FeatureSpec.VALUE_AND_CALENDAR;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LSTM.Builder().nIn(features.size()).nOut(hidden).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(hidden).nOut(horizon).build())
                .build();
        net = new MultiLayerNetwork(conf);
        net.init();
        encoder = new FeatureEncoder(features);
        x = new float[features.size()];
        swap = new HashMap<>();
        recurrent = getRuntimeContext().getState(new ValueStateDescriptor<>("dl4j-recurrent",
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        scalerState = getRuntimeContext().getState(new ValueStateDescriptor<>("dl4j-scaler",
                PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(ParsedEvent in, Context ctx, Collector<ForecastRecord> out) throws Exception {
        Event e = in.getEvent();
        float[] hc = recurrent.value();
        double[] sc = scalerState.value();
        if (hc == null) {
            hc = new float[2 * hidden];
            sc = new double[3];
        }
        OnlineScaler scaler = new OnlineScaler(io.streamcast.model.core.feature.ScalerPolicy.DEFAULT, (long) sc[0], sc[1], sc[2]);
        scaler.observe(e.getValue());
        encoder.encode(scaler.scale(e.getValue()), e.getTimestampMillis(), x);

        float[] h = new float[hidden];
        float[] c = new float[hidden];
        System.arraycopy(hc, 0, h, 0, hidden);
        System.arraycopy(hc, hidden, c, 0, hidden);
        swap.put("prevAct", Nd4j.create(h, new long[] {1, hidden}));
        swap.put("prevMem", Nd4j.create(c, new long[] {1, hidden}));
        net.rnnSetPreviousState(0, swap);
        INDArray y = net.rnnTimeStep(Nd4j.create(x, new long[] {1, x.length, 1}));
        Map<String, INDArray> after = net.rnnGetPreviousState(0);
        System.arraycopy(after.get("prevAct").toFloatVector(), 0, hc, 0, hidden);
        System.arraycopy(after.get("prevMem").toFloatVector(), 0, hc, hidden, hidden);
        float[] z = y.reshape(horizon).toFloatVector();

        float[] forecast = new float[horizon];
        for (int j = 0; j < horizon; j++) {
            forecast[j] = (float) scaler.unscale(z[j]);
        }
        sc[0] = scaler.count();
        sc[1] = scaler.mean();
        sc[2] = scaler.m2();
        recurrent.update(hc);
        scalerState.update(sc);
        out.collect(new ForecastRecord(e.getKey(), e.getTimestampMillis(), e.getValue(), forecast, new float[horizon],
                new float[horizon], 0.0, false, 0.5, 0.0, 0.0, false, "dl4j-baseline"));
    }
}
