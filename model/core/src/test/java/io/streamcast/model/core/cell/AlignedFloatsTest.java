package io.streamcast.model.core.cell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlignedFloatsTest {

    @Test
    void addressesCanBeReadOnThisJvm() {
        // HotSpot 17 with sun.misc.Unsafe: without it the kernels would silently run misaligned (slower)
        assertThat(AlignedFloats.Address.available()).isTrue();
        Object[] holder = {new float[8]};
        long a = AlignedFloats.Address.of(holder);
        assertThat(a).isPositive();
        assertThat(a % 8).as("object addresses are 8-byte aligned").isZero();
    }

    @Test
    void dataStartsOnA32ByteBoundaryAndSurvivesGcMoves() {
        AlignedFloats buf = new AlignedFloats(1000);
        fill(buf);
        for (int round = 0; round < 4; round++) {
            assertAligned(buf);
            assertContents(buf);
            System.gc(); // may move the array
            for (int i = 0; i < AlignedFloats.CHECK_EVERY; i++) {
                buf.offset(); // at least one of these re-reads the address
            }
        }
        assertAligned(buf);
        assertContents(buf);
    }

    @Test
    void placingForAnotherAddressShiftsTheContents() {
        AlignedFloats buf = new AlignedFloats(100);
        fill(buf);
        long base = AlignedFloats.Address.FLOAT_BASE;
        // element 0 at address + FLOAT_BASE + 4·offset must be a multiple of 32
        for (long address : new long[] {1 << 20, (1 << 20) + 8, (1 << 20) + 16, (1 << 20) + 24, (1 << 20) + 40}) {
            int o = buf.place(address);
            assertThat((address + base + 4L * o) % 32).as("address %d offset %d", address, o).isZero();
            assertThat(o).isBetween(0, AlignedFloats.SLACK);
            assertContents(buf, o);
        }
        assertThat(buf.place(-1)).as("unknown address: offset 0").isZero();
        assertContents(buf, 0);
    }

    private static void fill(AlignedFloats buf) {
        int o = buf.offset();
        for (int i = 0; i < buf.length(); i++) {
            buf.array()[o + i] = i * 0.5f + 1;
        }
    }

    private static void assertContents(AlignedFloats buf) {
        assertContents(buf, buf.offset());
    }

    private static void assertContents(AlignedFloats buf, int o) {
        for (int i = 0; i < buf.length(); i++) {
            assertThat(buf.array()[o + i]).as("element %d", i).isEqualTo(i * 0.5f + 1);
        }
    }

    private static void assertAligned(AlignedFloats buf) {
        int o = buf.offset();
        long address = AlignedFloats.Address.of(new Object[] {buf.array()});
        assertThat((address + AlignedFloats.Address.FLOAT_BASE + 4L * o) % 32).as("offset %d", o).isZero();
    }
}
