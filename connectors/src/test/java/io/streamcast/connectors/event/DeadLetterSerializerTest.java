package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.EnumTypeInfo;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** {@link DeadLetterSerializer}: Flink's serializer test suite over every reason and null fields; snapshots. */
class DeadLetterSerializerTest extends SerializerTestBase<DeadLetter> {

    @Override
    protected TypeSerializer<DeadLetter> createSerializer() {
        return DeadLetterSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<DeadLetter> getTypeClass() {
        return DeadLetter.class;
    }

    @Override
    protected DeadLetter[] getTestData() {
        List<DeadLetter> data = new ArrayList<>();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            data.add(new DeadLetter("raw " + reason, reason, "because " + reason.code(), "events", 1,
                    reason.ordinal(), 1_700_000_000_000L + reason.ordinal()));
        }
        data.add(new DeadLetter(null, null, null, null, 0, 0L, 0L));
        data.add(new DeadLetter("x".repeat(EventValidation.RAW_PREVIEW_CHARS), DeadLetterReason.OVERSIZED_MESSAGE,
                "record has 70000 bytes", "file:/tmp/ü.csv", DeadLetter.NO_PARTITION, Long.MAX_VALUE, Long.MIN_VALUE));
        return data.toArray(new DeadLetter[0]);
    }

    @Test
    void stateWrittenByThePojoSerializerIsMigratedAndSameSerializerIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<DeadLetter> pojo = ParsedEventSerializerTest.writeAndRead(
                pojoTypeInfo().createSerializer(new ExecutionConfig().getSerializerConfig()).snapshotConfiguration());
        TypeSerializerSnapshot<DeadLetter> current = DeadLetterSerializer.INSTANCE.snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(pojo).isCompatibleAfterMigration()).isTrue();
        assertThat(current.resolveSchemaCompatibility(ParsedEventSerializerTest.writeAndRead(current)).isCompatibleAsIs())
                .isTrue();
    }

    /** DeadLetter as Flink's POJO analysis saw it before it had its own type information. */
    static PojoTypeInfo<DeadLetter> pojoTypeInfo() {
        try {
            List<PojoField> fields = new ArrayList<>();
            for (String name : List.of("detail", "offset", "partition", "raw", "reason", "seenAt", "topic")) {
                TypeInformation<?> t = switch (name) {
                    case "offset", "seenAt" -> BasicTypeInfo.LONG_TYPE_INFO;
                    case "partition" -> BasicTypeInfo.INT_TYPE_INFO;
                    case "reason" -> new EnumTypeInfo<>(DeadLetterReason.class);
                    default -> BasicTypeInfo.STRING_TYPE_INFO;
                };
                fields.add(new PojoField(DeadLetter.class.getDeclaredField(name), t));
            }
            return new PojoTypeInfo<>(DeadLetter.class, fields);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }
}
