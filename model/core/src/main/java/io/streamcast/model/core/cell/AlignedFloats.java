package io.streamcast.model.core.cell;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;

/**
 * A float buffer whose element 0 is kept on a 32-byte boundary in memory (best effort), so that 256-bit vector
 * loads and stores of 8-float blocks never straddle a 64-byte cache line.
 *
 * <p>Why: a load that straddles two lines takes two load slots. The LSTM mat-vec issues one 32-byte weight load
 * per FMA and is load-bound once half of them straddle, which is what happens to a Java array in three out of
 * four allocations (the JVM aligns array elements to 8 bytes only). Measured on a Zen 3 core, H=32 D=4: 209 ns
 * per step aligned, 256 ns misaligned.
 *
 * <p>How: the buffer is a plain array with 6 floats of slack, and the data starts at the offset (0, 2, 4 or 6)
 * that puts it on a 32-byte boundary for the array's current address. The address is read with
 * {@code sun.misc.Unsafe} from a one-element holder array, whose slot the GC updates when it moves the array.
 * Every {@value #CHECK_EVERY}th call of {@link #offset()} compares it with the address the data was placed for
 * and shifts the data when it changed (once per GC move of the array; a young GC moves a new array a few times
 * before it settles in the old generation). Reading it on every call cost 10–15 ns per LSTM step: the raw
 * Unsafe load disturbs C2's scheduling of the step. When the address cannot be read (no Unsafe, an unknown
 * reference encoding) the data stays at offset 0. Only speed depends on any of this, never results: every
 * access goes through the ordinary array with bounds checks.
 *
 * <p>Not thread-safe, like the kernels that own one.
 */
final class AlignedFloats {

    /** Extra floats at the start of the array: the largest shift that 8-byte element alignment can need. */
    static final int SLACK = 6;
    /** Calls of {@link #offset()} between two reads of the address. */
    static final int CHECK_EVERY = 256;

    private final float[] array;
    private final Object[] holder;
    private final int length;
    private long placedFor;
    private int offset;
    private int countdown;

    /** A zeroed buffer of {@code length} floats. */
    AlignedFloats(int length) {
        this.length = length;
        this.array = new float[length + SLACK];
        this.holder = new Object[] {array};
        this.placedFor = -1;
        recheck();
    }

    /** The backing array; the buffer's element i is {@code array()[offset() + i]}. */
    float[] array() {
        return array;
    }

    /** Floats in the buffer (excluding the slack). */
    int length() {
        return length;
    }

    /**
     * Where element 0 currently lies in {@link #array()}; now and then first moves the contents if the GC moved
     * the array. Call it once per step, before touching the buffer, and use the result for the whole step.
     */
    int offset() {
        if (--countdown < 0) {
            recheck();
        }
        return offset;
    }

    private void recheck() {
        countdown = CHECK_EVERY - 1;
        long address = Address.of(holder);
        if (address != placedFor) {
            place(address);
        }
    }

    /** Moves the data to where it is aligned for an array at {@code address} (-1: unknown); returns the offset. */
    int place(long address) {
        int target = 0;
        if (address >= 0) {
            long first = address + Address.FLOAT_BASE;
            target = (int) ((32 - (first & 31)) & 31) / Float.BYTES;
            if (target > SLACK || (first & 3) != 0) {
                target = 0; // not a plausible float address: leave the data where it is
            }
        }
        if (target != offset) {
            System.arraycopy(array, offset, array, target, length);
            offset = target;
        }
        placedFor = address;
        return target;
    }

    /**
     * Reads the address of the array held in slot 0 of a holder, or -1 when that is not possible here. Uses
     * {@code sun.misc.Unsafe} through method handles (no compile-time dependency on it).
     */
    static final class Address {
        /** Offset of element 0 from the start of a {@code float[]} object (16 on 64-bit HotSpot). */
        static final long FLOAT_BASE;
        private static final MethodHandle GET_INT;
        private static final MethodHandle GET_LONG;
        private static final long SLOT;
        /** 4: compressed references, decoded as {@code narrow << SHIFT}; 8: plain addresses; 0: unavailable. */
        private static final int REF_SIZE;
        private static final int SHIFT;

        static {
            long floatBase = 16;
            MethodHandle getInt = null;
            MethodHandle getLong = null;
            long slot = 0;
            int refSize = 0;
            int shift = 0;
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field f = unsafeClass.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                Object unsafe = f.get(null);
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle baseOffset = lookup.findVirtual(unsafeClass, "arrayBaseOffset",
                        MethodType.methodType(int.class, Class.class)).bindTo(unsafe);
                MethodHandle indexScale = lookup.findVirtual(unsafeClass, "arrayIndexScale",
                        MethodType.methodType(int.class, Class.class)).bindTo(unsafe);
                floatBase = (int) baseOffset.invokeExact((Class<?>) float[].class);
                slot = (int) baseOffset.invokeExact((Class<?>) Object[].class);
                refSize = (int) indexScale.invokeExact((Class<?>) Object[].class);
                getInt = lookup.findVirtual(unsafeClass, "getInt",
                        MethodType.methodType(int.class, Object.class, long.class)).bindTo(unsafe);
                getLong = lookup.findVirtual(unsafeClass, "getLong",
                        MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
                if (refSize == 4) {
                    shift = compressedShift(getInt, slot);
                } else if (refSize != 8) {
                    refSize = 0;
                }
            } catch (Throwable e) {
                refSize = 0;
            }
            FLOAT_BASE = floatBase;
            GET_INT = getInt;
            GET_LONG = getLong;
            SLOT = slot;
            REF_SIZE = shift < 0 ? 0 : refSize;
            SHIFT = Math.max(shift, 0);
        }

        private Address() {
        }

        static long of(Object[] holder) {
            try {
                if (REF_SIZE == 4) {
                    return (Integer.toUnsignedLong((int) GET_INT.invokeExact((Object) holder, SLOT))) << SHIFT;
                }
                if (REF_SIZE == 8) {
                    return (long) GET_LONG.invokeExact((Object) holder, SLOT);
                }
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            return -1;
        }

        /** Whether addresses can be read on this JVM. */
        static boolean available() {
            return REF_SIZE != 0;
        }

        /**
         * The shift of compressed references: 0 when they are plain 32-bit addresses (every one of them is then
         * a multiple of the 8-byte object alignment), else log2 of the object alignment. -1 if unknown.
         */
        private static int compressedShift(MethodHandle getInt, long slot) throws Throwable {
            Object[] samples = new Object[16];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = new long[i];
            }
            boolean allAligned = true;
            Object[] one = new Object[1];
            for (Object o : samples) {
                one[0] = o;
                int narrow = (int) getInt.invokeExact((Object) one, slot);
                allAligned &= (narrow & 7) == 0;
            }
            if (allAligned) {
                return 0;
            }
            int alignment = 8;
            try {
                String v = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .getVMOption("ObjectAlignmentInBytes").getValue();
                alignment = Integer.parseInt(v);
            } catch (RuntimeException | LinkageError e) {
                // not HotSpot's management API: assume the default alignment
            }
            return Integer.bitCount(alignment) == 1 ? Integer.numberOfTrailingZeros(alignment) : -1;
        }
    }
}
