package io.streamcast.tools.bench;

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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baseline a user would otherwise write: Deeplearning4j's {@code rnnTimeStep} on a network of one LSTM
 * layer (and a one-unit output layer), stepping the same 10,000 keys as {@link KernelBenchmark}.
 * <ul>
 *   <li>{@link #perKeySwap}: one event per call; the key's h and c are swapped into the network before the
 *       call and read back after it (what a per-event Flink operator has to do);
 *   <li>{@link #batched256}: 256 keys per call, their states kept as one [256, H] batch per group
 *       (the most favourable case for DL4J: no per-key gather or scatter). One operation is one key step.
 * </ul>
 * ND4J runs single-threaded (its environment's max threads set to 1) for a single-thread comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"})
public class Dl4jStepBenchmark {

    public static final int KEYS = KernelBenchmark.KEYS;
    public static final int BATCH = 256;

    @Param({"32", "64"})
    public int hidden;

    @Param({"1", "4", "8"})
    public int inputs;

    MultiLayerNetwork net;
    INDArray[] keyInput;
    INDArray[] keyH;
    INDArray[] keyC;
    INDArray[] batchInput;
    INDArray[] batchH;
    INDArray[] batchC;
    int nextKey;
    int nextBatch;
    final Map<String, INDArray> swap = new HashMap<>();

    @Setup
    public void setup() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LSTM.Builder().nIn(inputs).nOut(hidden).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(hidden).nOut(1).build())
                .build();
        net = new MultiLayerNetwork(conf);
        net.init();
        keyInput = new INDArray[KEYS];
        keyH = new INDArray[KEYS];
        keyC = new INDArray[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keyInput[k] = Nd4j.rand(DataType.FLOAT, 1, inputs, 1);
            keyH[k] = Nd4j.zeros(DataType.FLOAT, 1, hidden);
            keyC[k] = Nd4j.zeros(DataType.FLOAT, 1, hidden);
        }
        int batches = (KEYS + BATCH - 1) / BATCH;
        batchInput = new INDArray[batches];
        batchH = new INDArray[batches];
        batchC = new INDArray[batches];
        for (int b = 0; b < batches; b++) {
            batchInput[b] = Nd4j.rand(DataType.FLOAT, BATCH, inputs, 1);
            batchH[b] = Nd4j.zeros(DataType.FLOAT, BATCH, hidden);
            batchC[b] = Nd4j.zeros(DataType.FLOAT, BATCH, hidden);
        }
    }

    @Benchmark
    public INDArray perKeySwap() {
        int k = nextKey;
        nextKey = k + 1 == KEYS ? 0 : k + 1;
        return stepWithState(keyInput[k], keyH, keyC, k);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public INDArray batched256() {
        int b = nextBatch;
        nextBatch = b + 1 == batchInput.length ? 0 : b + 1;
        return stepWithState(batchInput[b], batchH, batchC, b);
    }

    private INDArray stepWithState(INDArray x, INDArray[] h, INDArray[] c, int i) {
        swap.put("prevAct", h[i]);
        swap.put("prevMem", c[i]);
        net.rnnSetPreviousState(0, swap);
        INDArray out = net.rnnTimeStep(x);
        Map<String, INDArray> after = net.rnnGetPreviousState(0);
        h[i] = after.get("prevAct");
        c[i] = after.get("prevMem");
        return out;
    }
}
