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
 * (and refuses, with a message, a version it does not know). Layout version 2, written by this release:
 * <pre>
 *   byte   version (2)
 *   long   lastTimestamp
 *   int    modelTag
 *   int    archTag
 *   long   scalerCount, double scalerMean, double scalerM2
 *   short  n, float[n] recurrent
 *   short  n, float[n] stats
 * </pre>
 * That is 45 + 4 × (floats in the two arrays) bytes. Layout version 1 (still read) is the same without
 * {@code archTag}, which then reads as 0 (unknown).
 */
public final class SeriesStateSerializer extends TypeSerializer<SeriesState> {

    private static final long serialVersionUID = 1L;

    /** The layout version this serializer writes. */
    public static final byte LAYOUT_VERSION = 2;

    /** The first layout version, without the architecture tag; read, never written. */
    public static final byte LAYOUT_VERSION_1 = 1;

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
        out.writeByte(LAYOUT_VERSION);
        out.writeLong(s.lastTimestamp);
        out.writeInt(s.modelTag);
        out.writeInt(s.archTag);
        out.writeLong(s.scalerCount);
        out.writeDouble(s.scalerMean);
        out.writeDouble(s.scalerM2);
        writeFloats(s.recurrent, out);
        writeFloats(s.stats, out);
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        return deserialize(new SeriesState(), in);
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != LAYOUT_VERSION && version != LAYOUT_VERSION_1) {
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
        reuse.recurrent = readFloats(reuse.recurrent, in);
        reuse.stats = readFloats(reuse.stats, in);
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    private static void writeFloats(float[] a, DataOutputView out) throws IOException {
        if (a.length > Short.MAX_VALUE) {
            throw new IOException("state array of " + a.length + " floats exceeds " + Short.MAX_VALUE);
        }
        out.writeShort(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(float[] reuse, DataInputView in) throws IOException {
        int n = in.readShort();
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
