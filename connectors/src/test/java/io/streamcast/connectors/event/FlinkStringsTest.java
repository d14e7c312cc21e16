package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/** {@link FlinkStrings} reads exactly what Flink's {@link StringValue#writeString} writes. */
class FlinkStringsTest {

    @Test
    void readsWhatStringValueWritesForAnyCharsAndLengths() throws IOException {
        List<String> cases = new ArrayList<>(List.of("", "k1", "ключ ✓ 🚀", "\u0000\u007f\u0080\u3fff\u4000\uffff",
                "\ud800 unpaired \udfff", "x".repeat(127), "y".repeat(128), "z".repeat(16_383), "w".repeat(16_384),
                "é".repeat(70_000)));
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            char[] c = new char[random.nextInt(300)];
            for (int j = 0; j < c.length; j++) {
                c[j] = (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            cases.add(new String(c));
        }
        DataOutputSerializer out = new DataOutputSerializer(1024);
        for (String s : cases) {
            StringValue.writeString(s, out);
        }
        StringValue.writeString(null, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String s : cases) {
            assertThat(FlinkStrings.read(in)).isEqualTo(s);
        }
        assertThat(FlinkStrings.read(in)).isNull();
        assertThat(in.available()).isZero();
    }

    @Test
    void corruptLengthIsRejected() {
        byte[] sixByteVarint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
        assertThatThrownBy(() -> FlinkStrings.read(new DataInputDeserializer(sixByteVarint)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("varint");
    }
}
