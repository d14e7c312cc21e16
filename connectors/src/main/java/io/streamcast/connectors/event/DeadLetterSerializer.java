package io.streamcast.connectors.event;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The explicit Flink serializer of {@link DeadLetter} (attached by {@link DeadLetterTypeInfo}), used where dead
 * letters cross from one task to another on their way to the dead-letter sink. Layout, format version 1:
 * <pre>
 *   string raw, string reason code, string detail, string topic   (each may be null)
 *   int    partition
 *   long   offset
 *   long   seenAt
 * </pre>
 * Strings are written as Flink's {@link StringValue} does (null-aware). The reason travels as its stable
 * {@linkplain DeadLetterReason#code() code}, so adding a reason never changes how the others read.
 */
public final class DeadLetterSerializer extends TypeSerializer<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<DeadLetter> duplicate() {
        return this; // stateless
    }

    @Override
    public DeadLetter createInstance() {
        return new DeadLetter();
    }

    @Override
    public DeadLetter copy(DeadLetter from) {
        return from == null ? null : new DeadLetter(from.getRaw(), from.getReason(), from.getDetail(), from.getTopic(),
                from.getPartition(), from.getOffset(), from.getSeenAt());
    }

    @Override
    public DeadLetter copy(DeadLetter from, DeadLetter reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DeadLetter d, DataOutputView out) throws IOException {
        write(d, out);
    }

    @Override
    public DeadLetter deserialize(DataInputView in) throws IOException {
        return read(in);
    }

    @Override
    public DeadLetter deserialize(DeadLetter reuse, DataInputView in) throws IOException {
        return read(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    static void write(DeadLetter d, DataOutputView out) throws IOException {
        FlinkStrings.write(d.getRaw(), out);
        FlinkStrings.write(d.getReason() == null ? null : d.getReason().code(), out);
        FlinkStrings.write(d.getDetail(), out);
        FlinkStrings.write(d.getTopic(), out);
        out.writeInt(d.getPartition());
        out.writeLong(d.getOffset());
        out.writeLong(d.getSeenAt());
    }

    static DeadLetter read(DataInputView in) throws IOException {
        String raw = FlinkStrings.read(in);
        String code = FlinkStrings.read(in);
        DeadLetterReason reason;
        try {
            reason = code == null ? null : DeadLetterReason.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new IOException("dead letter with reason code '" + code + "', which this release does not know; "
                    + "read it with the release that wrote it or a newer one", e);
        }
        String detail = FlinkStrings.read(in);
        String topic = FlinkStrings.read(in);
        int partition = in.readInt();
        long offset = in.readLong();
        long seenAt = in.readLong();
        return new DeadLetter(raw, reason, detail, topic, partition, offset, seenAt);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof DeadLetterSerializer;
    }

    @Override
    public int hashCode() {
        return DeadLetterSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot of this serializer (it has no configuration; the layout is format version 1). Compatible as is with
     * itself; data written by Flink's POJO serializer of {@link DeadLetter} (earlier releases) is migrated.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<DeadLetter> resolveSchemaCompatibility(
                TypeSerializerSnapshot<DeadLetter> old) {
            if (old instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(old);
        }
    }
}
