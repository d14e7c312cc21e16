package io.streamcast.model.core.cell;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised sigmoid and tanh for the {@link KernelKind#VECTOR} kernels.
 *
 * <p>tanh is Eigen's minimax rational approximation {@code x·P(x²)/Q(x²)} on x clamped to ±7.905: a few
 * float ulps relative. sigmoid is {@code ½·tanh(x/2) + ½}: absolute error about one ulp of 1 (relative
 * accuracy is lost only where σ is tiny, which does not matter for a gate). Both use only mul, fma,
 * min/max and one division.
 *
 * <p>Why not an exp-based formula: building 2ⁿ needs float/int bit reinterpretation, and on Java 17 the
 * JDK-internal conversion path that implements it shares one type profile for all callers; once polluted,
 * C2 fails to intrinsify it and every step boxes vectors (about 1 KB of garbage per step, measured). Why not
 * {@code lanewise(EXP/TANH)}: measured slower here (186 vs 145 ns for one H=32 LSTM activation set) and its
 * speed depends on whether the JVM build ships the SVML stubs.
 *
 * <p>This class references {@code jdk.incubator.vector}; it is only loaded through {@link VectorCells}.
 */
final class VectorMath {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    // package-private: the LSTM kernel writes the tanh of c' out in its own loop body (see lstmCell there)
    static final float TANH_CLAMP = 7.90531110763549805f;
    static final float A1 = 4.89352455891786e-03f;
    static final float A3 = 6.37261928875436e-04f;
    static final float A5 = 1.48572235717979e-05f;
    static final float A7 = 5.12229709037114e-08f;
    static final float A9 = -8.60467152213735e-11f;
    static final float A11 = 2.00018790482477e-13f;
    static final float A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f;
    static final float B2 = 2.26843463243900e-03f;
    static final float B4 = 1.18534705686654e-04f;
    static final float B6 = 1.19825839466702e-06f;

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
     * The parts of tanh(src[j]) = num[j] / den[j] for j in [0, n): {@code num = x·P(x²)} and
     * {@code den = Q(x²)} of {@code x = src[j]} clamped, as in {@link #tanhOf}. {@code den} lies in
     * [0.0049, 0.91] and {@code |num| ≤ den}, so a kernel can combine several activations over one division.
     * {@code src} and {@code num} may be the same array.
     */
    static void tanhParts(float[] src, float[] num, float[] den, int n) {
        for (int j = 0; j < n; j += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, src, j).max(-TANH_CLAMP).min(TANH_CLAMP);
            FloatVector x2 = x.mul(x);
            FloatVector p = x2.fma(A13, A11);
            p = p.fma(x2, FloatVector.broadcast(SPECIES, A9));
            p = p.fma(x2, FloatVector.broadcast(SPECIES, A7));
            p = p.fma(x2, FloatVector.broadcast(SPECIES, A5));
            p = p.fma(x2, FloatVector.broadcast(SPECIES, A3));
            p = p.fma(x2, FloatVector.broadcast(SPECIES, A1));
            FloatVector q = x2.fma(B6, B4);
            q = q.fma(x2, FloatVector.broadcast(SPECIES, B2));
            q = q.fma(x2, FloatVector.broadcast(SPECIES, B0));
            p.mul(x).intoArray(num, j);
            q.intoArray(den, j);
        }
    }

    /**
     * tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±7.905 (beyond which tanh rounds to ±1 in float), with Eigen's
     * minimax rational coefficients (odd degree-13 numerator, even degree-6 denominator).
     */
    private static FloatVector tanhOf(FloatVector x) {
        x = x.max(-TANH_CLAMP).min(TANH_CLAMP);
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
