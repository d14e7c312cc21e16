package io.streamcast.model.core;

/**
 * IEEE 754 binary16 ("half precision": 1 sign bit, 5 exponent bits, 10 fraction bits) to and from {@code float}, for
 * the per-key state that is kept and written at 2 bytes a number (the recurrent state, series state layout 7). Java
 * 17 has no {@code Float.floatToFloat16}; these are exact: {@link #toFloat} is the half's value (every half is a
 * float), {@link #fromFloat} the nearest half, ties to the even one (IEEE round-to-nearest-even), with overflow to
 * infinity, subnormal halves, signed zeros, infinities and NaN payloads kept as IEEE says.
 *
 * <p>A value that has gone through {@link #round} is written as a half and read back bit for bit, which is what makes
 * a key restored from a checkpoint continue exactly as it would have without the restore: the per-key step rounds
 * the state itself, and the serializer only re-encodes what is already a half.
 */
public final class HalfFloat {

    /** The largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;

    private HalfFloat() {}

    /** The value of the half whose 16 bits are the low bits of {@code half} (exact). */
    public static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int fraction = h & 0x3FF;
        if (exponent == 0) {
            // zero or subnormal: fraction × 2^-24, exact in a float
            float magnitude = fraction * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (fraction << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }

    /**
     * The half nearest to {@code f}, ties to the one with an even last fraction bit; a magnitude of 65520 or more
     * becomes infinity, NaN stays NaN (its 10 highest payload bits kept, a quiet bit set if they are all zero).
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int fraction = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            if (fraction == 0) {
                return (short) (sign | 0x7C00);
            }
            int payload = fraction >>> 13;
            return (short) (sign | 0x7C00 | (payload != 0 ? payload : 0x200));
        }
        int e = exponent - 127 + 15; // the half's biased exponent
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            // a subnormal half (or zero): the value in units of 2^-24 is M × 2^(exponent − 126), M with its
            // leading bit (a float subnormal, exponent 0, is far below half a unit and rounds to zero)
            if (exponent == 0) {
                return (short) sign;
            }
            int shift = 126 - exponent; // ≥ 14
            if (shift > 24) {
                return (short) sign; // below half of 2^-24
            }
            int m = fraction | 0x80_0000;
            int q = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rest > half || (rest == half && (q & 1) != 0)) {
                q++; // may carry into the smallest normal, which is then its right encoding
            }
            return (short) (sign | q);
        }
        int h = sign | (e << 10) | (fraction >>> 13);
        int rest = fraction & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // a carry runs into the exponent, and past the largest finite half into infinity, as it should
        }
        return (short) h;
    }

    /**
     * {@code f} rounded to the nearest half ({@link #fromFloat}), as a float: {@code toFloat(fromFloat(f))}, with a
     * fast path for the normal halves' range, where rounding the float's 23 fraction bits to 10 (ties to even) is
     * the whole conversion.
     */
    public static float round(float f) {
        int bits = Float.floatToRawIntBits(f);
        int magnitude = bits & 0x7FFF_FFFF;
        if (magnitude >= 0x3880_0000 && magnitude < 0x477F_F000) { // [2^-14, 65520): a normal half or 65504
            // add just under half a unit of the 10th fraction bit, plus one if that bit is set (ties to even); a carry
            // runs into the exponent as it should
            int rounded = bits + 0x0FFF + ((bits >>> 13) & 1);
            return Float.intBitsToFloat(rounded & 0xFFFF_E000);
        }
        return toFloat(fromFloat(f));
    }

    /**
     * Rounds every value of {@code a} to the nearest half in place, a magnitude above {@link #MAX_VALUE} to
     * ±{@link #MAX_VALUE} (state must stay finite; a recurrent state never comes near it).
     */
    public static void roundInPlace(float[] a) {
        for (int i = 0; i < a.length; i++) {
            float v = a[i];
            if (v > MAX_VALUE) {
                a[i] = MAX_VALUE;
            } else if (v < -MAX_VALUE) {
                a[i] = -MAX_VALUE;
            } else {
                a[i] = round(v);
            }
        }
    }
}
