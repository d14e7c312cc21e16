package io.streamcast.model.core.cell;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised activations for the {@link KernelKind#VECTOR} kernels.
 *
 * <p>{@link #tanh} and {@link #sigmoid} (RNN, GRU): Eigen's minimax rational approximation
 * {@code x·P(x²)/Q(x²)} of tanh on x clamped to ±7.905, a few float ulps relative; sigmoid is
 * {@code ½·tanh(x/2) + ½}, absolute error about one ulp of 1.
 *
 * <p>{@link #expm1Neg} (LSTM): {@code e^−x − 1} with the exponent split into an integer n and a fraction
 * f, {@code 2^f − 1} from a degree-6 minimax polynomial (1.1e-8 relative before rounding) and 2ⁿ built in
 * the exponent bits. From m = expm1(−x): σ(x) = 1/(2 + m), and tanh(x) = −m₂/(2 + m₂) with
 * m₂ = expm1(−2x), without cancellation near 0. Measured over a dense grid of [−30, 30]: σ within 1.2e-7
 * absolute, tanh within 3.2 ulps. The LSTM kernel combines these fractions so that a block of 8 hidden
 * units needs two divisions for all five activations. Compared with the rational form this needs about
 * half the multiply-port operations (the rest are adds and integer ops on other ports) and no clamping of
 * the argument: n is clamped as an integer to ±40, where σ and tanh have saturated in float. Arguments
 * beyond ±2.3e38 (x·log2(e) overflows) give NaN.
 *
 * <p>An earlier exp-based version was dropped because it boxed vectors once the JDK's shared conversion
 * profile was polluted. This one reinterprets only between float and int lanes of the preferred species,
 * and stays allocation-free both in the kernel test that runs every cell type and kernel in one JVM and
 * under JMH's GC profiler.
 *
 * <p>Clamping is written as compare and blend: {@code min}/{@code max} on float vectors follow Java's NaN and
 * signed-zero rules, which C2 implements on AVX2 with five instructions each.
 *
 * <p>Why not {@code lanewise(EXP/TANH)}: measured slower here (186 vs 145 ns for one H=32 LSTM activation set)
 * and its speed depends on whether the JVM build ships the SVML stubs.
 *
 * <p>This class references {@code jdk.incubator.vector}; it is only loaded through {@link VectorCells}.
 */
final class VectorMath {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private static final float TANH_CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    // package-private: the LSTM kernel writes expm1 of its cell state out in its own loop (see Lstm.cells)
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer held in the low mantissa bits. */
    static final float ROUND = 12582912f;
    /** The bits of {@link #ROUND} minus the exponent bias: t's bits minus this are n + 127. */
    static final int ROUND_BIAS = 0x4B400000 - 127;
    /** |n| ≤ 40: 2ⁿ stays normal, and products of three (2 + m) factors stay below Float.MAX_VALUE. */
    static final int N_MIN = 127 - 40;
    static final int N_MAX = 127 + 40;
    /** 2^f − 1 ≈ f·(E1 + f·(E2 + f·(E3 + f·(E4 + f·(E5 + f·E6))))) on [−½, ½], relative error 1.1e-8. */
    static final float E1 = 0.6931471824645996f;
    static final float E2 = 0.24022649228572845f;
    static final float E3 = 0.05550357326865196f;
    static final float E4 = 0.009618237614631653f;
    static final float E5 = 0.0013390735257416964f;
    static final float E6 = 0.00015403515135403723f;

    private VectorMath() {
    }

    /*
     * The functions below work on arrays, one loop per function, with the math written out in the loop
     * body. Why: C2 only keeps Vector API values in registers when every operation is inlined into one
     * compilation unit; a kernel that calls exp/tanh per vector from a large method hits C2's inlining
     * node budget, falls back to real calls with boxed vectors and runs ten times slower. A small method
     * with one hot loop is its own compilation root and is always fully intrinsified. Lengths are
     * multiples of the vector length (the kernels pad H).
     */

    /** a[j] = σ(a[j]) = ½·tanh(a[j]/2) + ½ for j in [from, to). */
    static void sigmoid(float[] a, int from, int to) {
        for (int j = from; j < to; j += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, j).mul(0.5f);
            tanhOf(x).fma(0.5f, 0.5f).intoArray(a, j);
        }
    }

    /** dst[j] = tanh(src[j]) for j in [from, to); {@code src} and {@code dst} may be the same array. */
    static void tanh(float[] src, float[] dst, int from, int to) {
        for (int j = from; j < to; j += SPECIES.length()) {
            tanhOf(FloatVector.fromArray(SPECIES, src, j)).intoArray(dst, j);
        }
    }

    /**
     * a[j] = expm1(−a[j]) = e^−a[j] − 1 for j in [from, to): within 4 ulps for |a[j]| ≤ 2; beyond, the rounding
     * of a[j]·log2(e) adds a relative error of up to ulp(a[j]·log2(e)) (16 ulps at |a[j]| = 19), immaterial for
     * σ and tanh, which have nearly saturated there. Saturates to −1 for a[j] > 27.7 and to about 2⁴⁰ for
     * a[j] < −27.7. NaN gives NaN. The LSTM kernel repeats this loop body for its cell state.
     */
    static void expm1Neg(float[] a, int from, int to) {
        for (int j = from; j < to; j += SPECIES.length()) {
            FloatVector u = FloatVector.fromArray(SPECIES, a, j).mul(-LOG2E);
            FloatVector t = u.add(ROUND);
            FloatVector f = u.sub(t.sub(ROUND));
            FloatVector q = f.fma(E6, E5);
            q = q.fma(f, FloatVector.broadcast(SPECIES, E4));
            q = q.fma(f, FloatVector.broadcast(SPECIES, E3));
            q = q.fma(f, FloatVector.broadcast(SPECIES, E2));
            q = q.fma(f, FloatVector.broadcast(SPECIES, E1)).mul(f);
            FloatVector s = t.reinterpretAsInts().sub(ROUND_BIAS).max(N_MIN).min(N_MAX)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            // 2ⁿ(1 + q) − 1 = 2ⁿ·q + (2ⁿ − 1): no cancellation near 0
            q.fma(s, s.sub(1f)).intoArray(a, j);
        }
    }

    /**
     * tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±7.905 (beyond which tanh rounds to ±1 in float), with Eigen's
     * minimax rational coefficients (odd degree-13 numerator, even degree-6 denominator).
     */
    private static FloatVector tanhOf(FloatVector x) {
        FloatVector hi = FloatVector.broadcast(SPECIES, TANH_CLAMP);
        FloatVector lo = FloatVector.broadcast(SPECIES, -TANH_CLAMP);
        x = x.blend(hi, x.compare(VectorOperators.GT, hi));
        x = x.blend(lo, x.compare(VectorOperators.LT, lo));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(A13, A11);
        p = p.fma(x2, FloatVector.broadcast(SPECIES, A9));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, A7));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, A5));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, A3));
        p = p.fma(x2, FloatVector.broadcast(SPECIES, A1));
        p = p.mul(x);
        FloatVector q = x2.fma(B6, B4);
        q = q.fma(x2, FloatVector.broadcast(SPECIES, B2));
        q = q.fma(x2, FloatVector.broadcast(SPECIES, B0));
        return p.div(q);
    }
}
