package io.streamcast.tools.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Probe of one core's FP32 fused-multiply-add peak: twelve independent FMA chains on the widest vector
 * species, enough to cover the FMA latency on two ports. One operation is one vector FMA per chain, so
 * FLOP/s = ops/s × 2 × lanes (see {@link #flopsPerOp()}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int ITERATIONS = 4096;

    float a;
    float b;

    @Setup
    public void setup() {
        a = 0.999f;
        b = 1e-6f;
    }

    /** FLOPs per JMH operation: one FMA (2 FLOPs) on every lane. */
    public static double flopsPerOp() {
        return 2.0 * SPECIES.length();
    }

    @Benchmark
    @OperationsPerInvocation(CHAINS * ITERATIONS)
    public float fma() {
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        FloatVector c0 = FloatVector.broadcast(SPECIES, 0.1f), c1 = FloatVector.broadcast(SPECIES, 0.2f);
        FloatVector c2 = FloatVector.broadcast(SPECIES, 0.3f), c3 = FloatVector.broadcast(SPECIES, 0.4f);
        FloatVector c4 = FloatVector.broadcast(SPECIES, 0.5f), c5 = FloatVector.broadcast(SPECIES, 0.6f);
        FloatVector c6 = FloatVector.broadcast(SPECIES, 0.7f), c7 = FloatVector.broadcast(SPECIES, 0.8f);
        FloatVector c8 = FloatVector.broadcast(SPECIES, 0.9f), c9 = FloatVector.broadcast(SPECIES, 1.0f);
        FloatVector c10 = FloatVector.broadcast(SPECIES, 1.1f), c11 = FloatVector.broadcast(SPECIES, 1.2f);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(va, vb); c1 = c1.fma(va, vb); c2 = c2.fma(va, vb); c3 = c3.fma(va, vb);
            c4 = c4.fma(va, vb); c5 = c5.fma(va, vb); c6 = c6.fma(va, vb); c7 = c7.fma(va, vb);
            c8 = c8.fma(va, vb); c9 = c9.fma(va, vb); c10 = c10.fma(va, vb); c11 = c11.fma(va, vb);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
