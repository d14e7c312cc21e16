package io.streamcast.model.core.cell;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VectorKernelTest {

    private static final int STEPS = 1_000;

    @BeforeAll
    static void vectorModuleIsPresent() {
        // Surefire passes --add-modules jdk.incubator.vector; without it these tests would test nothing.
        assertThat(Kernels.vectorAvailable()).as("jdk.incubator.vector in the boot layer").isTrue();
    }

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (CellType type : CellType.values()) {
            // 12 and 20 leave 2 and 3 blocks after the RNN kernel's groups of 4
            for (int h : new int[] {8, 32, 64, 33, 12, 20}) {
                for (int d : new int[] {1, 4, 8}) {
                    b.add(Arguments.of(type, d, h));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} D={1} H={2}")
    @MethodSource("shapes")
    void vectorKernelMatchesScalarKernel(CellType type, int d, int h) {
        SplittableRandom rnd = new SplittableRandom(1000L * h + 10L * d + type.ordinal());
        LayerWeights lw = TestWeights.random(type, d, h, rnd);
        RecurrentCell scalar = Kernels.create(lw, KernelKind.SCALAR);
        RecurrentCell vector = Kernels.create(lw, KernelKind.VECTOR);
        int n = lw.stateSize();
        // The layer's block sits inside a larger array with sentinels on both sides, as in a stacked model:
        // padded lanes (odd H) must never be written past the block.
        float[] sv = new float[n + 6];
        java.util.Arrays.fill(sv, 42f);
        java.util.Arrays.fill(sv, 3, 3 + n, 0f);
        float[] ss = new float[n];
        float[] x = new float[d + 2];
        double worst = 0;
        for (int t = 0; t < STEPS; t++) {
            for (int k = 0; k < d; k++) {
                x[2 + k] = (float) (Math.sin(0.05 * t + k) * 3 + rnd.nextGaussian());
            }
            scalar.step(x, 2, ss, 0);
            vector.step(x, 2, sv, 3);
            worst = Math.max(worst, relativeError(sv, 3, ss));
        }
        assertThat(worst).as("worst normwise relative error vector vs scalar").isLessThanOrEqualTo(1e-6);
        assertThat(ss).as("state must have moved").isNotEqualTo(new float[n]);
        for (int i : new int[] {0, 1, 2, n + 3, n + 4, n + 5}) {
            assertThat(sv[i]).as("sentinel at %d", i).isEqualTo(42f);
        }
    }

    @Test
    void vectorActivationsAreAccurate() {
        int len = VectorMath.SPECIES.length() * 1000;
        float[] xs = new float[len];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < len; i++) {
            xs[i] = switch (i % 4) {
                case 0 -> (float) (rnd.nextDouble() * 60 - 30);
                case 1 -> (float) (rnd.nextDouble() * 2 - 1);
                case 2 -> (float) ((rnd.nextDouble() * 2 - 1) * 1e-3);
                default -> (float) (rnd.nextDouble() * 400 - 200);
            };
        }
        xs[0] = 0f;
        xs[1] = -0f;
        xs[2] = 1e-30f;
        xs[3] = Float.MAX_VALUE;
        xs[4] = -Float.MAX_VALUE;
        float[] sig = xs.clone();
        float[] tanh = new float[len];
        VectorMath.sigmoid(sig, 0, len);
        VectorMath.tanh(xs, tanh, 0, len);
        for (int i = 0; i < len; i++) {
            double x = xs[i];
            double s = 1 / (1 + Math.exp(-x));
            double t = Math.tanh(x);
            // sigmoid = ½·tanh(x/2) + ½ is accurate in absolute terms (about one ulp of 1), which is what the
            // normwise kernel comparison needs; tanh is accurate to a few ulps relative
            assertThat(Math.abs(sig[i] - s)).as("sigmoid(%s)=%s", x, sig[i]).isLessThanOrEqualTo(1.5e-7);
            assertThat(Math.abs(tanh[i] - t)).as("tanh(%s)=%s", x, tanh[i])
                    .isLessThanOrEqualTo(Math.max(4 * Math.ulp((float) t), 1e-38));
        }
        assertThat(Float.floatToIntBits(tanh[1])).as("tanh(-0) keeps the sign").isEqualTo(Float.floatToIntBits(-0f));
    }

    /**
     * The LSTM kernel's activations: m = expm1(−x) from {@link VectorMath#expm1Neg}, σ(x) = 1/(2 + m) and
     * tanh(x) = −m₂/(2 + m₂) with m₂ = expm1(−2x), in float exactly as the kernel combines them, against
     * {@code Math.expm1/exp/tanh} in double over a dense grid of [−30, 30] and magnitudes down to 1e-12.
     */
    @Test
    void lstmActivationsFromExpm1AreAccurate() {
        int len = VectorMath.SPECIES.length() * 300_000;
        float[] xs = new float[len];
        int dense = len / 2;
        for (int i = 0; i < dense; i++) {
            xs[i] = (float) (-30 + 60.0 * i / dense);
        }
        for (int i = dense; i < len; i += 2) {
            double e = Math.pow(10, -12 + 12.0 * (i - dense) / (len - dense));
            xs[i] = (float) e;
            xs[i + 1] = (float) -e;
        }
        float[] m = xs.clone();
        VectorMath.expm1Neg(m, 0, len);
        float[] m2 = new float[len];
        for (int i = 0; i < len; i++) {
            m2[i] = 2 * xs[i];
        }
        VectorMath.expm1Neg(m2, 0, len);
        for (int i = 0; i < len; i++) {
            double x = xs[i];
            double em = Math.expm1(-x);
            if (Math.abs(x) <= 2) {
                assertThat(Math.abs(m[i] - em)).as("expm1(-%s)=%s", x, m[i])
                        .isLessThanOrEqualTo(4 * Math.ulp((float) em));
            } else if (Math.abs(x) <= 27.7) {
                // plus the rounding of x·log2(e), which grows with |x| (16 ulps at |x| = 19): relative error
                // ln(2)·Δ ≤ ulp(x·log2(e)) of the exponent
                double exponentUlp = Math.ulp((float) (x * VectorMath.LOG2E));
                assertThat(Math.abs(m[i] - em)).as("expm1(-%s)=%s", x, m[i])
                        .isLessThanOrEqualTo((4 * 0x1p-24 + exponentUlp) * Math.abs(em));
            }
            float sigmoid = 1f / (2f + m[i]);
            assertThat(Math.abs(sigmoid - 1 / (1 + Math.exp(-x)))).as("sigmoid(%s)=%s", x, sigmoid)
                    .isLessThanOrEqualTo(1.5e-7);
            float tanh = -m2[i] / (2f + m2[i]);
            double t = Math.tanh(x);
            assertThat(Math.abs(tanh - t)).as("tanh(%s)=%s", x, tanh).isLessThanOrEqualTo(4 * Math.ulp((float) t));
        }
        float[] edge = new float[VectorMath.SPECIES.length() * 2];
        float[] in = {0f, -0f, 100f, -100f, 1e30f, -1e30f, Float.NaN, 30f, -30f, 14f, -14f};
        System.arraycopy(in, 0, edge, 0, in.length);
        VectorMath.expm1Neg(edge, 0, edge.length);
        assertThat(edge[0]).isZero();
        assertThat(edge[1]).isZero();
        assertThat(edge[2]).as("saturated: σ(100) = 1").isEqualTo(-1f);
        assertThat(1f / (2f + edge[3])).as("σ(-100)").isLessThan(1e-12f).isPositive();
        assertThat(edge[4]).isEqualTo(-1f);
        assertThat(1f / (2f + edge[5])).as("σ(-1e30)").isLessThan(1e-12f).isPositive();
        assertThat(edge[6]).isNaN();
        assertThat(1f / (2f + edge[7])).as("σ(30)").isEqualTo(1f);
        assertThat(1f / (2f + edge[8])).as("σ(-30)").isLessThan(1e-12f);
        assertThat(-edge[9] / (2f + edge[9])).as("tanh(7) via m(14)").isEqualTo((float) Math.tanh(7));
        assertThat(-edge[10] / (2f + edge[10])).as("tanh(-7) via m(-14)").isEqualTo((float) Math.tanh(-7));
    }

    @Test
    void kernelsBestIsVectorWhenModulePresent() {
        String forced = System.getProperty(Kernels.KERNEL_PROPERTY);
        KernelKind expected = forced == null ? KernelKind.VECTOR
                : KernelKind.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
        assertThat(Kernels.best()).isEqualTo(expected);
        LayerWeights lw = TestWeights.random(CellType.LSTM, 2, 8, new SplittableRandom(1));
        assertThat(Kernels.create(lw, KernelKind.VECTOR).getClass().getName()).contains("VectorCells");
        assertThat(Kernels.create(lw, KernelKind.SCALAR).getClass().getName()).contains("ScalarCells");
    }

    @Test
    void rangesOutsideTheArraysAreRejected() {
        for (CellType type : CellType.values()) {
            for (KernelKind kind : KernelKind.values()) {
                LayerWeights lw = TestWeights.random(type, 3, 16, new SplittableRandom(4));
                RecurrentCell cell = Kernels.create(lw, kind);
                int n = cell.stateSize();
                float[] x = {0.5f, -0.5f, 0.25f};
                String what = type + " " + kind;
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> cell.step(x, 0, new float[n], 1))
                        .as("%s: state range past the end", what).isInstanceOf(ArrayIndexOutOfBoundsException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> cell.step(x, 1, new float[n], 0))
                        .as("%s: input range past the end", what).isInstanceOf(ArrayIndexOutOfBoundsException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> cell.step(x, 0, new float[n], -1))
                        .as("%s: negative state offset", what).isInstanceOf(ArrayIndexOutOfBoundsException.class);
            }
        }
    }

    @Test
    void stepsDoNotAllocateOnceCompiled() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (CellType type : CellType.values()) {
            for (KernelKind kind : KernelKind.values()) {
                LayerWeights lw = TestWeights.random(type, 4, 32, new SplittableRandom(3));
                RecurrentCell cell = Kernels.create(lw, kind);
                float[] state = new float[cell.stateSize()];
                float[] x = {0.1f, 0.2f, 0.3f, 0.4f};
                // Interpreted and C1 code box Vector API values; only C2 code is allocation-free. Rounds
                // continue until one round allocates nothing, bounded so a regression (boxing in C2) fails.
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 60 && best > 0; round++) {
                    long before = threads.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < 20_000; i++) {
                        cell.step(x, 0, state, 0);
                    }
                    best = Math.min(best, threads.getThreadAllocatedBytes(tid) - before);
                }
                assertThat(best).as("%s %s bytes allocated by 20,000 steps", type, kind).isZero();
            }
        }
    }

    private static double relativeError(float[] a, int aOff, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double diff = (double) a[aOff + i] - b[i];
            num += diff * diff;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }
}
