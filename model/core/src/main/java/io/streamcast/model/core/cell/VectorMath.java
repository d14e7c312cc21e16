package io.streamcast.model.core.cell;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised exp, sigmoid and tanh for the {@link KernelKind#VECTOR} kernels, accurate to a few float ulps.
 *
 * <p>Why not {@code lanewise(EXP)}/{@code lanewise(TANH)}: on Java 17 their speed depends on whether the
 * JVM build ships the SVML stubs; without them every lane falls back to {@code StrictMath}, an order of
 * magnitude slower. These polynomial versions use only add, mul, fma, min/max and bit shifts, which C2
 * always compiles to SIMD instructions, and they give the same results on every platform.
 *
 * <p>Method: Cody–Waite range reduction {@code y = n·ln2 + r}, |r| ≤ ln2/2, with n rounded to nearest by
 * adding 1.5·2²³; {@code e^r = 1 + r + r²·P(r)} with Cephes' degree-5 minimax P (about 1 ulp); 2ⁿ is built
 * by shifting n into the exponent field. tanh uses {@code expm1} assembled as {@code 2ⁿ·q + (2ⁿ − 1)}
 * with {@code q = e^r − 1}, so there is no cancellation near 0: tanh(|x|) = −m/(2 + m), m = expm1(−2|x|).
 *
 * <p>This class references {@code jdk.incubator.vector}; it is only loaded through {@link VectorCells}.
 */
final class VectorMath {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer held in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    /** e^y is evaluated on [-87, 88]: 2ⁿ stays a normal float; outside, sigmoid/tanh are saturated anyway. */
    private static final float EXP_LO = -87f;
    private static final float EXP_HI = 88f;
    /** tanh(x) rounds to ±1 in float for |x| > 9.1, so expm1(−2|x|) is only needed on [-20, 0]. */
    private static final float EXPM1_LO = -20f;
    private static final int ONE_BITS = 0x3f800000;

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

    /** a[j] = σ(a[j]) = 1 / (1 + e^−a[j]) for j in [from, to). */
    static void sigmoid(float[] a, int from, int to) {
        for (int j = from; j < to; j += SPECIES.length()) {
            FloatVector y = FloatVector.fromArray(SPECIES, a, j).neg().max(EXP_LO).min(EXP_HI);
            FloatVector t = y.fma(LOG2E, ROUND_MAGIC);
            FloatVector n = t.sub(ROUND_MAGIC);
            FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), y);
            r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(SPECIES, P0);
            p = p.fma(r, FloatVector.broadcast(SPECIES, P1));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
            FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
            // t's low mantissa bits hold n (two's complement); shifting by 23 leaves exactly n << 23.
            IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
            FloatVector e = er.reinterpretAsInts().add(scale).reinterpretAsFloats();
            FloatVector.broadcast(SPECIES, 1f).div(e.add(1f)).intoArray(a, j);
        }
    }

    /** dst[j] = tanh(src[j]) for j in [from, to); {@code src} and {@code dst} may be the same array. */
    static void tanh(float[] src, float[] dst, int from, int to) {
        for (int j = from; j < to; j += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, src, j);
            FloatVector y = x.abs().mul(-2f).max(EXPM1_LO);
            FloatVector t = y.fma(LOG2E, ROUND_MAGIC);
            FloatVector n = t.sub(ROUND_MAGIC);
            FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), y);
            r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(SPECIES, P0);
            p = p.fma(r, FloatVector.broadcast(SPECIES, P1));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
            p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
            FloatVector q = p.mul(r.mul(r)).add(r); // e^r − 1
            FloatVector twoN = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(ONE_BITS)
                    .reinterpretAsFloats();
            // expm1(y) = 2ⁿ(1 + q) − 1 = 2ⁿ·q + (2ⁿ − 1): both terms exact or once-rounded, no cancellation.
            FloatVector m = q.fma(twoN, twoN.sub(1f));
            FloatVector magnitude = m.neg().div(m.add(2f));
            IntVector sign = x.reinterpretAsInts().and(0x80000000);
            magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(dst, j);
        }
    }
}
