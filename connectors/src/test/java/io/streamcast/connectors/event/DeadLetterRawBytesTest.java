package io.streamcast.connectors.event;

import io.streamcast.connectors.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: a dead letter keeps the exact bytes of the record, so the original can be rebuilt from the topic. */
class DeadLetterRawBytesTest {

    final EventParser parser = new EventParser(EventValidation.defaults());

    DeadLetter parsedThroughTheTopic(byte[] record) {
        ParsedEvent p = parser.parseJson(record, "events", 0, 1L, 0L);
        assertThat(p.isValid()).isFalse();
        // as the dead-letter topic carries it, and a consumer reads it back
        return JsonCodec.fromJson(JsonCodec.toJsonBytes(p.getDeadLetter()), DeadLetter.class);
    }

    @Test
    void binaryInputIsKeptAsBase64AndRebuiltByteForByte() {
        byte[] binary = new byte[300];
        new Random(12).nextBytes(binary);
        binary[0] = (byte) 0xff; // never valid UTF-8
        DeadLetter d = parsedThroughTheTopic(binary);
        assertThat(d.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(d.getRaw()).startsWith(DeadLetter.BASE64_PREFIX);
        assertThat(d.rawBytes()).isEqualTo(binary);
    }

    @Test
    void textInputIsKeptAsTextAndRebuilt() {
        for (String text : new String[] {"{\"key\": \"k\", \"ts\": \"yesterday\", \"value\": 1}", "not json at all ✓",
                "{\"key\": \"\\u00e9\", \"value\": 1}", "{\"key\": \"k\", \"ts\": 1767571200000, \"value\": \"x\"}"}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            DeadLetter d = parsedThroughTheTopic(bytes);
            assertThat(d.getRaw()).as("readable as before").isEqualTo(text);
            assertThat(d.rawBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void textThatLooksLikeTheMarkerIsEncodedSoItIsNotMistakenForBase64() {
        byte[] bytes = "base64:AAAA".getBytes(StandardCharsets.UTF_8);
        DeadLetter d = parsedThroughTheTopic(bytes);
        assertThat(d.getRaw()).isNotEqualTo("base64:AAAA").startsWith(DeadLetter.BASE64_PREFIX);
        assertThat(d.rawBytes()).isEqualTo(bytes);
    }

    @Test
    void invalidUtf8InsideAnOtherwiseWellFormedRecordIsKeptExactly() {
        byte[] head = "{\"key\": \"k".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\", \"ts\": \"bad\", \"value\": 1}".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xc3; // a lone lead byte
        System.arraycopy(tail, 0, bytes, head.length + 1, tail.length);
        DeadLetter d = parsedThroughTheTopic(bytes);
        assertThat(d.rawBytes()).isEqualTo(bytes);
    }
}
