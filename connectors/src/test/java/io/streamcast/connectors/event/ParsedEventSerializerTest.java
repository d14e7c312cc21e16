package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link ParsedEventSerializer}: Flink's serializer test suite (copies, sequences, reuse, snapshots, duplicates)
 * over valid events, dead letters of every kind, NaN and infinite values and null fields; plus the byte layout,
 * snapshot resolution and the rejection of corrupt input.
 */
class ParsedEventSerializerTest extends SerializerTestBase<ParsedEvent> {

    @Override
    protected TypeSerializer<ParsedEvent> createSerializer() {
        return ParsedEventSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ParsedEvent> getTypeClass() {
        return ParsedEvent.class;
    }

    @Override
    protected ParsedEvent[] getTestData() {
        ParsedEvent bothNull = new ParsedEvent();
        ParsedEvent both = ParsedEvent.valid(new Event("k", 1L, 2.0), "t", 0, 1L);
        both.setDeadLetter(new DeadLetter("x", DeadLetterReason.OUT_OF_ORDER, "d", "t", 0, 1L, 2L));
        ParsedEvent nullTopic = ParsedEvent.valid(new Event("k", 1L, 2.0), null, 3, 4L);
        List<ParsedEvent> data = new java.util.ArrayList<>(List.of(
                ParsedEvent.valid(new Event("sensor-1", 1_767_571_200_000L, 101.25), "events", 1, 99L),
                ParsedEvent.valid(new Event("", 0L, -0.0), "events", 0, 0L),
                ParsedEvent.valid(new Event("ключ ✓ 🚀", Long.MAX_VALUE, Double.MIN_VALUE), "file:/data/x.csv", -1, 12L),
                ParsedEvent.valid(new Event("nan", 5L, Double.NaN), "events", 1, Long.MAX_VALUE),
                ParsedEvent.valid(new Event("inf", 5L, Double.NEGATIVE_INFINITY), "events", Integer.MAX_VALUE, -1L),
                ParsedEvent.valid(new Event(null, Long.MIN_VALUE, Double.MAX_VALUE), "events", 0, 1L),
                ParsedEvent.valid(new Event("long-key-" + "x".repeat(5000), 7L, 1e-300), "events", 0, 2L),
                bothNull, both, nullTopic));
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            data.add(ParsedEvent.invalid(new DeadLetter("{\"raw\": " + reason.ordinal() + "}", reason,
                    "detail of " + reason.code(), "events", reason.ordinal(), 1000L + reason.ordinal(), 1_700_000_000_000L)));
        }
        data.add(ParsedEvent.invalid(new DeadLetter(null, null, null, null, DeadLetter.NO_PARTITION, 0L, 0L)));
        data.add(ParsedEvent.invalid(new DeadLetter("", DeadLetterReason.MALFORMED_CSV, "", "file:a.csv",
                DeadLetter.NO_PARTITION, 3L, -1L)));
        return data.toArray(new ParsedEvent[0]);
    }

    @Test
    void typeInformationOfTheClassIsTheExplicitOne() {
        TypeInformation<ParsedEvent> info = TypeInformation.of(ParsedEvent.class);
        assertThat(info).isEqualTo(ParsedEventTypeInfo.INSTANCE);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(info.createSerializer(config)).isSameAs(ParsedEventSerializer.INSTANCE);
        assertThat(TypeInformation.of(DeadLetter.class).createSerializer(config)).isSameAs(DeadLetterSerializer.INSTANCE);
    }

    @Test
    void validEventLayoutIsCompact() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ParsedEventSerializer.INSTANCE.serialize(
                ParsedEvent.valid(new Event("k42", 1L, 2.0), "events", 1, 99L), out);
        // presence byte, key (1 length + 3 chars), ts, value, topic (1 + 6), partition, offset
        assertThat(out.length()).isEqualTo(1 + 4 + 8 + 8 + 7 + 4 + 8);
        assertThat(out.getCopyOfBuffer()[0]).isEqualTo((byte) 1);
    }

    @Test
    void deserializedEventHasValueBitForBit() throws IOException {
        double nan = Double.longBitsToDouble(0x7ff8_dead_beef_0001L);
        ParsedEvent back = roundTrip(ParsedEvent.valid(new Event("k", 3L, nan), "events", 0, 1L));
        assertThat(Double.doubleToRawLongBits(back.getEvent().getValue())).isEqualTo(0x7ff8_dead_beef_0001L);
        assertThat(back.isValid()).isTrue();
        assertThat(back.getDeadLetter()).isNull();
    }

    @Test
    void deadLetterKeepsReasonOriginAndNoEvent() throws IOException {
        DeadLetter d = new DeadLetter("{\"key\":1", DeadLetterReason.MALFORMED_JSON, "not valid JSON: eof",
                "events", 1, 42L, 1_700_000_000_123L);
        ParsedEvent back = roundTrip(ParsedEvent.invalid(d));
        assertThat(back.isValid()).isFalse();
        assertThat(back.getEvent()).isNull();
        assertThat(back.getDeadLetter()).isEqualTo(d);
        assertThat(back.getDeadLetter().origin()).isEqualTo("events-1@42");
        assertThat(back.getTopic()).isEqualTo("events");
        assertThat(back.getOffset()).isEqualTo(42L);
    }

    @Test
    void corruptPresenceByteIsRejectedWithItsValue() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 0, 0, 0});
        assertThatThrownBy(() -> ParsedEventSerializer.INSTANCE.deserialize(in))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("presence byte 9");
    }

    @Test
    void unknownReasonCodeIsRejectedWithTheCode() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(2);
        org.apache.flink.types.StringValue.writeString("raw", out);
        org.apache.flink.types.StringValue.writeString("from-the-future", out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThatThrownBy(() -> ParsedEventSerializer.INSTANCE.deserialize(in))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'from-the-future'");
    }

    @Test
    void snapshotWrittenAndReadBackResolvesAsCompatibleAndRestoresTheSerializer() throws IOException {
        TypeSerializerSnapshot<ParsedEvent> restored = writeAndRead(ParsedEventSerializer.INSTANCE.snapshotConfiguration());
        assertThat(restored).isInstanceOf(ParsedEventSerializer.Snapshot.class);
        assertThat(restored.restoreSerializer()).isSameAs(ParsedEventSerializer.INSTANCE);
        assertThat(ParsedEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(restored)
                .isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateWrittenByThePojoSerializerIsMigrated() throws IOException {
        PojoTypeInfo<ParsedEvent> pojo = pojoTypeInfo();
        ExecutionConfig config = new ExecutionConfig();
        TypeSerializer<ParsedEvent> old = pojo.createSerializer(config.getSerializerConfig());
        TypeSerializerSnapshot<ParsedEvent> oldSnapshot = writeAndRead(old.snapshotConfiguration());

        TypeSerializerSchemaCompatibility<ParsedEvent> c =
                ParsedEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertThat(c.isCompatibleAfterMigration()).isTrue();

        // what Flink then does: read with the restored old serializer, write with the new one
        ParsedEvent value = ParsedEvent.valid(new Event("k", 1L, Double.NaN), "events", 1, 2L);
        DataOutputSerializer out = new DataOutputSerializer(64);
        old.serialize(value, out);
        ParsedEvent migrated = oldSnapshot.restoreSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(roundTrip(migrated)).isEqualTo(value);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void snapshotOfAnotherTypeIsIncompatible() throws IOException {
        TypeSerializerSnapshot other = writeAndRead(StringSerializer.INSTANCE.snapshotConfiguration());
        assertThat(ParsedEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(other)
                .isIncompatible()).isTrue();
        TypeSerializerSnapshot deadLetters = writeAndRead(DeadLetterSerializer.INSTANCE.snapshotConfiguration());
        assertThat(ParsedEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(deadLetters)
                .isIncompatible()).isTrue();
    }

    /** ParsedEvent as Flink's POJO analysis saw it before it had its own type information. */
    static PojoTypeInfo<ParsedEvent> pojoTypeInfo() {
        try {
            return new PojoTypeInfo<>(ParsedEvent.class, List.of(
                    new PojoField(ParsedEvent.class.getDeclaredField("deadLetter"), pojoOfDeadLetter()),
                    new PojoField(ParsedEvent.class.getDeclaredField("event"), TypeInformation.of(Event.class)),
                    new PojoField(ParsedEvent.class.getDeclaredField("offset"), BasicTypeInfo.LONG_TYPE_INFO),
                    new PojoField(ParsedEvent.class.getDeclaredField("partition"), BasicTypeInfo.INT_TYPE_INFO),
                    new PojoField(ParsedEvent.class.getDeclaredField("topic"), BasicTypeInfo.STRING_TYPE_INFO)));
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    private static TypeInformation<DeadLetter> pojoOfDeadLetter() {
        return DeadLetterSerializerTest.pojoTypeInfo();
    }

    static <T> TypeSerializerSnapshot<T> writeAndRead(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), ParsedEventSerializerTest.class.getClassLoader());
    }

    private static ParsedEvent roundTrip(ParsedEvent p) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ParsedEventSerializer.INSTANCE.serialize(p, out);
        return ParsedEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
