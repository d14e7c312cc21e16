package io.streamcast.jobs.forecast;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The explicit serializer of {@link SeriesState}: a compact, versioned binary layout, so state survives
 * savepoints and upgrades without Kryo.
 *
 * <p>Each record starts with its layout version, so a later release reads records written by this one
 * (and refuses, with a message, a version it does not know). Layout version 3, written by this release:
 * <pre>
 *   byte    version (3)
 *   long    lastTimestamp
 *   int     modelTag
 *   int     archTag
 *   varlong scalerCount                      (7 bits per byte, low groups first: 1 byte below 128, 3 below 2^21)
 *   double  scalerMean, double scalerM2
 *   varint  n, float[n] recurrent
 *   varint  n, float[n] stats                (anomaly scorer, then the intervals of the tracked horizons)
 * </pre>
 * That is 36 to 38 bytes (for up to 2^21 observations, arrays shorter than 128 floats) + 4 × (floats in the two
 * arrays). Layout version 2
 * (still read) has {@code scalerCount} as a long and both lengths as shorts, and its {@code stats} hold the
 * intervals of every horizon (see {@link SeriesState#statsLayout}); layout version 1 is version 2 without
 * {@code archTag}, which then reads as 0 (unknown).
 */
public final class SeriesStateSerializer extends TypeSerializer<SeriesState> {

    private static final long serialVersionUID = 1L;

    /** The layout version this serializer writes. */
    public static final byte LAYOUT_VERSION = 3;

    /** The first layout version, without the architecture tag; read, never written. */
    public static final byte LAYOUT_VERSION_1 = 1;

    /** The second layout version: fixed-width counts, intervals of every horizon; read, never written. */
    public static final byte LAYOUT_VERSION_2 = 2;

    /** Longest array a record may hold (far above any model's state). */
    private static final int MAX_ARRAY = 1 << 20;

    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<SeriesState> duplicate() {
        return this; // stateless
    }

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    @Override
    public SeriesState copy(SeriesState from) {
        return from.copy();
    }

    @Override
    public SeriesState copy(SeriesState from, SeriesState reuse) {
        return from.copyInto(reuse);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        if (s.statsLayout != SeriesState.STATS_TRACKED_HORIZONS) {
            // the forecast function converts restored state at the key's next event; a key not seen since the
            // restore keeps the layout it was read with, which only layout version 2 can express
            serializeVersion2(s, out);
            return;
        }
        out.writeByte(LAYOUT_VERSION);
        out.writeLong(s.lastTimestamp);
        out.writeInt(s.modelTag);
        out.writeInt(s.archTag);
        writeVarLong(s.scalerCount, out);
        out.writeDouble(s.scalerMean);
        out.writeDouble(s.scalerM2);
        writeVarLong(s.recurrent.length, out);
        writeFloatValues(s.recurrent, out);
        writeVarLong(s.stats.length, out);
        writeFloatValues(s.stats, out);
    }

    private static void serializeVersion2(SeriesState s, DataOutputView out) throws IOException {
        out.writeByte(LAYOUT_VERSION_2);
        out.writeLong(s.lastTimestamp);
        out.writeInt(s.modelTag);
        out.writeInt(s.archTag);
        out.writeLong(s.scalerCount);
        out.writeDouble(s.scalerMean);
        out.writeDouble(s.scalerM2);
        writeShortLength(s.recurrent, out);
        writeFloatValues(s.recurrent, out);
        writeShortLength(s.stats, out);
        writeFloatValues(s.stats, out);
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        return deserialize(new SeriesState(), in);
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        int version = in.readByte();
        if (version == LAYOUT_VERSION) {
            reuse.lastTimestamp = in.readLong();
            reuse.modelTag = in.readInt();
            reuse.archTag = in.readInt();
            reuse.scalerCount = readVarLong(in);
            reuse.scalerMean = in.readDouble();
            reuse.scalerM2 = in.readDouble();
            reuse.recurrent = readFloats(reuse.recurrent, readLength(in), in);
            reuse.stats = readFloats(reuse.stats, readLength(in), in);
            reuse.statsLayout = SeriesState.STATS_TRACKED_HORIZONS;
            return reuse;
        }
        if (version != LAYOUT_VERSION_2 && version != LAYOUT_VERSION_1) {
            throw new IOException("series state layout version " + version + " is not supported by this release "
                    + "(it reads versions " + LAYOUT_VERSION_1 + " to " + LAYOUT_VERSION + "); restore with the release "
                    + "that wrote the savepoint or a newer one");
        }
        reuse.lastTimestamp = in.readLong();
        reuse.modelTag = in.readInt();
        reuse.archTag = version == LAYOUT_VERSION_1 ? 0 : in.readInt();
        reuse.scalerCount = in.readLong();
        reuse.scalerMean = in.readDouble();
        reuse.scalerM2 = in.readDouble();
        reuse.recurrent = readFloats(reuse.recurrent, in.readShort(), in);
        reuse.stats = readFloats(reuse.stats, in.readShort(), in);
        reuse.statsLayout = SeriesState.STATS_EVERY_HORIZON;
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    private static void writeShortLength(float[] a, DataOutputView out) throws IOException {
        if (a.length > Short.MAX_VALUE) {
            throw new IOException("state array of " + a.length + " floats exceeds " + Short.MAX_VALUE);
        }
        out.writeShort(a.length);
    }

    private static void writeFloatValues(float[] a, DataOutputView out) throws IOException {
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    /** Unsigned LEB128: 7 bits per byte, lowest group first, high bit set on every byte but the last. */
    static void writeVarLong(long v, DataOutputView out) throws IOException {
        if (v < 0) {
            throw new IOException("a count of " + v + " cannot be written: it must not be negative");
        }
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("a variable-length count in series state runs over 10 bytes: the state is corrupt");
    }

    private static int readLength(DataInputView in) throws IOException {
        long n = readVarLong(in);
        if (n > MAX_ARRAY) {
            throw new IOException("series state array length " + n + " exceeds " + MAX_ARRAY + ": the state is corrupt");
        }
        return (int) n;
    }

    private static float[] readFloats(float[] reuse, int n, DataInputView in) throws IOException {
        if (n < 0) {
            throw new IOException("series state array length " + n + " is negative: the state is corrupt");
        }
        float[] a = reuse != null && reuse.length == n ? reuse : new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SeriesStateSerializer;
    }

    @Override
    public int hashCode() {
        return SeriesStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of this serializer's configuration (it has none: the layout version is in every record). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
