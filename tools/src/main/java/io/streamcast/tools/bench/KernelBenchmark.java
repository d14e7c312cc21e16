package io.streamcast.tools.bench;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.cell.Kernels;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.cell.RecurrentCell;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One LSTM step of the Java kernels, the way the streaming job calls it: the state of 10,000 keys lives
 * in separate arrays and is stepped round-robin, so each step loads a cold-ish key state. One operation is
 * one step of one key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class KernelBenchmark {

    public static final int KEYS = 10_000;

    @Param({"SCALAR", "VECTOR"})
    public KernelKind kernel;

    @Param({"32", "64"})
    public int hidden;

    @Param({"1", "4", "8"})
    public int inputs;

    RecurrentCell cell;
    float[][] states;
    float[][] inputsPerKey;
    int next;

    @Setup
    public void setup() {
        LayerWeights w = randomWeights(CellType.LSTM, inputs, hidden, 42);
        cell = Kernels.create(w, kernel);
        SplittableRandom rnd = new SplittableRandom(7);
        states = new float[KEYS][cell.stateSize()];
        inputsPerKey = new float[KEYS][inputs];
        for (int k = 0; k < KEYS; k++) {
            for (int i = 0; i < inputs; i++) {
                inputsPerKey[k][i] = (float) rnd.nextDouble(-1, 1);
            }
        }
    }

    @Benchmark
    public float step() {
        int k = next;
        next = k + 1 == KEYS ? 0 : k + 1;
        float[] s = states[k];
        cell.step(inputsPerKey[k], 0, s, 0);
        return s[0];
    }

    /** Small random weights (uniform ±1/sqrt(H)), the scale of a freshly initialised layer. */
    public static LayerWeights randomWeights(CellType type, int d, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int g = type.gates() * h;
        double a = 1.0 / Math.sqrt(h);
        float[] w = new float[d * g];
        float[] rw = new float[h * g];
        float[] b = new float[g];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-a, a);
        }
        for (int i = 0; i < rw.length; i++) {
            rw[i] = (float) rnd.nextDouble(-a, a);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-a, a);
        }
        return new LayerWeights(type, d, h, w, rw, b);
    }

    /** FLOPs of one LSTM step: the two matrix products (2·4H(D+H)) plus about 15H for gates and state. */
    public static double lstmFlops(int d, int h) {
        return 2.0 * 4 * h * (d + h) + 15.0 * h;
    }
}
