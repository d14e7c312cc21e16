package io.streamcast.jobs.control;

import io.streamcast.connectors.event.ExplicitSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The explicit serializer of {@link ActiveModel} in broadcast state, versioned per record like the series
 * state. Layout version 1:
 * <pre>
 *   byte   version (1)
 *   UTF    version, UTF uri, UTF sha256   (modified UTF-8, as DataOutput#writeUTF)
 *   int    n, byte[n] artifact
 * </pre>
 */
public final class ActiveModelSerializer extends ExplicitSerializer<ActiveModel> {

    private static final long serialVersionUID = 1L;

    public static final byte LAYOUT_VERSION = 1;

    public static final ActiveModelSerializer INSTANCE = new ActiveModelSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ActiveModel createInstance() {
        return null;
    }

    @Override
    public ActiveModel copy(ActiveModel from) {
        return from; // immutable by contract
    }

    @Override
    public void serialize(ActiveModel m, DataOutputView out) throws IOException {
        out.writeByte(LAYOUT_VERSION);
        out.writeUTF(m.update().getVersion());
        out.writeUTF(m.update().getUri());
        out.writeUTF(m.update().getSha256());
        out.writeInt(m.bytes().length);
        out.write(m.bytes());
    }

    @Override
    public ActiveModel deserialize(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != LAYOUT_VERSION) {
            throw new IOException("active model layout version " + version + " is not supported by this release "
                    + "(it reads version " + LAYOUT_VERSION + "); restore with the release that wrote the savepoint "
                    + "or a newer one");
        }
        ModelUpdate update = new ModelUpdate(in.readUTF(), in.readUTF(), in.readUTF());
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt active model state: negative artifact length " + n);
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return new ActiveModel(update, bytes);
    }

    @Override
    public TypeSerializerSnapshot<ActiveModel> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of this serializer's configuration (none: the layout version is in every record). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ActiveModel> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
