package io.streamcast.connectors.event;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The explicit Flink serializer of {@link ParsedEvent} (attached by {@link ParsedEventTypeInfo}), used where
 * events cross the keyBy shuffle. It writes the fields directly, without the reflection, null masks and nested
 * field serializers of Flink's POJO serializer. Layout, format version 1:
 * <pre>
 *   byte   present: 1 = event, 2 = dead letter (both bits may be set, or neither)
 *   [event]        string key (may be null), long timestampMillis, long raw bits of the double value
 *   [dead letter]  as {@link DeadLetterSerializer}
 *   string topic (may be null)
 *   int    partition
 *   long   offset
 * </pre>
 * Strings are written as Flink's {@link StringValue} does (null-aware); the value bit for bit, NaN payloads included.
 */
public final class ParsedEventSerializer extends ExplicitSerializer<ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private static final int EVENT = 1;
    private static final int DEAD_LETTER = 2;

    public static final ParsedEventSerializer INSTANCE = new ParsedEventSerializer();

    @Override
    public ParsedEvent createInstance() {
        return new ParsedEvent();
    }

    @Override
    public ParsedEvent copy(ParsedEvent from) {
        if (from == null) {
            return null;
        }
        ParsedEvent p = new ParsedEvent();
        Event e = from.getEvent();
        if (e != null) {
            p.setEvent(new Event(e.getKey(), e.getTimestampMillis(), e.getValue()));
        }
        p.setDeadLetter(DeadLetterSerializer.INSTANCE.copy(from.getDeadLetter()));
        p.setTopic(from.getTopic());
        p.setPartition(from.getPartition());
        p.setOffset(from.getOffset());
        return p;
    }

    @Override
    public void serialize(ParsedEvent p, DataOutputView out) throws IOException {
        Event e = p.getEvent();
        DeadLetter d = p.getDeadLetter();
        out.writeByte((e != null ? EVENT : 0) | (d != null ? DEAD_LETTER : 0));
        if (e != null) {
            FlinkStrings.write(e.getKey(), out);
            out.writeLong(e.getTimestampMillis());
            out.writeLong(Double.doubleToRawLongBits(e.getValue()));
        }
        if (d != null) {
            DeadLetterSerializer.write(d, out);
        }
        FlinkStrings.write(p.getTopic(), out);
        out.writeInt(p.getPartition());
        out.writeLong(p.getOffset());
    }

    @Override
    public ParsedEvent deserialize(DataInputView in) throws IOException {
        return deserialize(new ParsedEvent(), in);
    }

    @Override
    public ParsedEvent deserialize(ParsedEvent reuse, DataInputView in) throws IOException {
        int present = in.readByte();
        if ((present & ~(EVENT | DEAD_LETTER)) != 0) {
            throw new IOException("corrupt parsed event: presence byte " + present + " (expected 0 to 3)");
        }
        Event e = null;
        if ((present & EVENT) != 0) {
            String key = FlinkStrings.read(in);
            long ts = in.readLong();
            double value = Double.longBitsToDouble(in.readLong());
            e = new Event(key, ts, value);
        }
        reuse.setEvent(e);
        reuse.setDeadLetter((present & DEAD_LETTER) != 0 ? DeadLetterSerializer.read(in) : null);
        reuse.setTopic(FlinkStrings.read(in));
        reuse.setPartition(in.readInt());
        reuse.setOffset(in.readLong());
        return reuse;
    }

    @Override
    public TypeSerializerSnapshot<ParsedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot of this serializer (it has no configuration; the layout is format version 1). Compatible as is with
     * itself; data written by Flink's POJO serializer of {@link ParsedEvent} (earlier releases) is migrated.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ParsedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<ParsedEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ParsedEvent> old) {
            if (old instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(old);
        }
    }
}
