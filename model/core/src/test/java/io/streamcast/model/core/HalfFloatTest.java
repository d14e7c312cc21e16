package io.streamcast.model.core;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatTest {

    /** A half's value from its definition, in double arithmetic (independent of {@link HalfFloat}). */
    private static double reference(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        if (e == 0x1F) {
            return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (e == 0) {
            return sign * Math.scalb((double) m, -24);
        }
        return sign * Math.scalb((double) (1024 + m), e - 25);
    }

    @Test
    void everyHalfConvertsToItsExactValueAndBackToItsOwnBits() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloat.toFloat((short) h);
            double expected = reference(h);
            if (Double.isNaN(expected)) {
                assertThat(Float.isNaN(f)).as("half %04x", h).isTrue();
            } else {
                assertThat((double) f).as("half %04x", h).isEqualTo(expected);
                // signed zeros are kept
                assertThat(Float.floatToRawIntBits(f) < 0).as("sign of half %04x", h).isEqualTo((h & 0x8000) != 0);
            }
            assertThat(HalfFloat.fromFloat(f) & 0xFFFF).as("round trip of half %04x", h).isEqualTo(h);
        }
    }

    @Test
    void halfwayValuesRoundToTheEvenHalfAndAnythingOffHalfwayToTheNearer() {
        // every pair of consecutive positive finite halves (the step from the largest one to infinity below)
        for (int h = 0; h < 0x7BFF; h++) {
            float a = HalfFloat.toFloat((short) h);
            float b = HalfFloat.toFloat((short) (h + 1));
            float mid = (float) ((a + (double) b) / 2); // exact: one bit more than a half has
            assertThat((double) mid).isEqualTo((a + (double) b) / 2);
            int even = (h & 1) == 0 ? h : h + 1;
            assertThat(HalfFloat.fromFloat(mid) & 0xFFFF).as("tie between %04x and %04x", h, h + 1).isEqualTo(even);
            assertThat(HalfFloat.fromFloat(Math.nextDown(mid)) & 0xFFFF).isEqualTo(h);
            assertThat(HalfFloat.fromFloat(Math.nextUp(mid)) & 0xFFFF).isEqualTo(h + 1);
            assertThat(HalfFloat.fromFloat(-mid) & 0xFFFF).isEqualTo(even | 0x8000);
        }
        assertThat(HalfFloat.fromFloat(65520f) & 0xFFFF).as("halfway to the next power: infinity").isEqualTo(0x7C00);
        assertThat(HalfFloat.fromFloat(Math.nextDown(65520f)) & 0xFFFF).isEqualTo(0x7BFF);
        assertThat(HalfFloat.fromFloat(Float.MAX_VALUE) & 0xFFFF).isEqualTo(0x7C00);
        assertThat(HalfFloat.fromFloat(Float.MIN_VALUE) & 0xFFFF).isEqualTo(0);
        assertThat(HalfFloat.fromFloat(-Float.MIN_VALUE) & 0xFFFF).isEqualTo(0x8000);
        assertThat(HalfFloat.fromFloat(0x1p-25f) & 0xFFFF).as("half the smallest subnormal: tie to 0").isEqualTo(0);
        assertThat(HalfFloat.fromFloat(Math.nextUp(0x1p-25f)) & 0xFFFF).isEqualTo(1);
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN)))).isTrue();
    }

    @Test
    void randomFloatsRoundToTheNearestRepresentableHalf() {
        // the positive finite halves in order, to find the two around a value by binary search
        double[] halves = new double[0x7C00];
        for (int h = 0; h < halves.length; h++) {
            halves[h] = reference(h);
        }
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 2_000_000; i++) {
            // uniform over float bit patterns of magnitude below the largest half, so every binade is hit
            float f = Float.intBitsToFloat(rnd.nextInt(0, 0x477F_E000));
            if (rnd.nextBoolean()) {
                f = -f;
            }
            double x = Math.abs((double) f);
            int hi = java.util.Arrays.binarySearch(halves, x);
            int expected;
            if (hi >= 0) {
                expected = hi;
            } else {
                hi = -hi - 1; // first half above x
                int lo = hi - 1;
                double dLo = x - halves[lo];
                double dHi = halves[hi] - x;
                expected = dLo < dHi ? lo : dHi < dLo ? hi : ((lo & 1) == 0 ? lo : hi);
            }
            if (f < 0 || (f == 0 && Float.floatToRawIntBits(f) < 0)) {
                expected |= 0x8000;
            }
            assertThat(HalfFloat.fromFloat(f) & 0xFFFF).as("nearest half to %s", f).isEqualTo(expected);
        }
    }

    @Test
    void theFastRoundingIsTheConversionThereAndBackForEveryFloatPattern() {
        // every 61st bit pattern (all exponents, signs and fraction residues mod 61), then the edges of the fast path
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 61) {
            float f = Float.intBitsToFloat((int) bits);
            int expected = Float.floatToRawIntBits(HalfFloat.toFloat(HalfFloat.fromFloat(f)));
            int actual = Float.floatToRawIntBits(HalfFloat.round(f));
            if (expected != actual && !(Float.isNaN(f))) {
                assertThat(actual).as("round(%s) (bits %08x)", f, (int) bits).isEqualTo(expected);
            }
        }
        int[] edges = {0x3880_0000, 0x387F_FFFF, 0x387F_F000, 0x387F_EFFF, 0x477F_F000, 0x477F_EFFF, 0x477F_E000,
                0x477F_E001, 0x3F80_1000, 0x3F80_3000, 0x3F80_2FFF, 0x3F80_1001};
        for (int e : edges) {
            for (int sign : new int[] {0, 0x8000_0000}) {
                float f = Float.intBitsToFloat(e | sign);
                assertThat(Float.floatToRawIntBits(HalfFloat.round(f))).as("round(%s)", f)
                        .isEqualTo(Float.floatToRawIntBits(HalfFloat.toFloat(HalfFloat.fromFloat(f))));
            }
        }
    }

    @Test
    void roundingInPlaceSaturatesAtTheLargestHalfAndLeavesHalvesAlone() {
        float[] a = {1e6f, -1e6f, 65504f, 0.1f, -0f, 1.5f};
        HalfFloat.roundInPlace(a);
        assertThat(a[0]).isEqualTo(65504f);
        assertThat(a[1]).isEqualTo(-65504f);
        assertThat(a[2]).isEqualTo(65504f);
        assertThat(a[3]).isEqualTo(0.0999755859375f);
        assertThat(Float.floatToRawIntBits(a[4])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(a[5]).isEqualTo(1.5f);
    }
}
