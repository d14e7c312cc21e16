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

    /** e^r − 1 − r for the reduced argument |r| ≤ ln2/2, i.e. r²·P(r). */
    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector p = FloatVector.broadcast(SPECIES, P0);
        p = p.fma(r, FloatVector.broadcast(SPECIES, P1));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
        return p.mul(r.mul(r)).add(r);
    }

    /** e^y for every lane. */
    static FloatVector exp(FloatVector y) {
        y = y.max(EXP_LO).min(EXP_HI);
        FloatVector t = y.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), y);
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = expm1Reduced(r).add(1f);
        // t's low mantissa bits hold n (two's complement); shifting by 23 leaves exactly n << 23.
        IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        return p.reinterpretAsInts().add(scale).reinterpretAsFloats();
    }

    /** σ(x) = 1 / (1 + e^−x) for every lane. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        return one.div(exp(x.neg()).add(1f));
    }

    /** tanh(x) for every lane. */
    static FloatVector tanh(FloatVector x) {
        FloatVector y = x.abs().mul(-2f).max(EXPM1_LO);
        FloatVector t = y.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), y);
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector q = expm1Reduced(r);
        FloatVector twoN = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(ONE_BITS)
                .reinterpretAsFloats();
        // expm1(y) = 2ⁿ(1 + q) − 1 = 2ⁿ·q + (2ⁿ − 1); both terms are exact or once-rounded, no cancellation.
        FloatVector m = q.fma(twoN, twoN.sub(1f));
        FloatVector magnitude = m.neg().div(m.add(2f));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        return magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }
}
