package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path of {@link EventParser#parseJson} decides every record exactly as reading it as a tree
 * does: same event, or same dead letter (reason, detail and raw text), for well-formed, odd and broken input.
 */
class EventParserFastPathTest {

    private final EventParser parser = new EventParser(EventValidation.builder()
            .valueBounds(-1e6, 1e6).maxMessageBytes(512).build());

    private void assertSameAsTree(String json) {
        assertSameAsTree(json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertSameAsTree(byte[] raw) {
        ParsedEvent fast = parser.parseJson(raw, "events", 1, 7L, 123L);
        ParsedEvent tree = parser.parseJsonAsTree(raw, "events", 1, 7L, 123L);
        assertThat(fast).as("%s", new String(raw, StandardCharsets.UTF_8)).isEqualTo(tree);
    }

    @Test
    void corpusOfValidOddAndBrokenRecords() {
        List<String> corpus = List.of(
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":21.5}",
                "{\"value\":21.5,\"ts\":1700000000000,\"key\":\"k\"}",
                " \n{ \"key\" : \"k\" , \"ts\" : 1700000000000 , \"value\" : -3 } \n",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":21.5,\"unit\":\"C\",\"tags\":{\"a\":[1,{\"b\":null}]}}",
                "{\"key\":\"k\",\"ts\":\"2024-01-31T12:00:00Z\",\"value\":\"21.5\"}",
                "{\"key\":\"k\",\"ts\":\"2024-01-31 12:00:00\",\"value\":1e3}",
                "{\"key\":\"k\",\"ts\":1706702400000.0,\"value\":1}",
                "{\"key\":\"k\",\"ts\":1.7067024000005E12,\"value\":1}",
                "{\"key\":\"k\",\"ts\":17,\"value\":2147483648}",
                "{\"key\":\"k\",\"ts\":99999999999999999999,\"value\":1}",
                "{\"key\":\"k\",\"ts\":-1,\"value\":1}",
                "{\"key\":\"k\",\"ts\":253402300800000,\"value\":1}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":NaN}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":-Infinity}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":\"NaN\"}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1e400}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":2e6}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":\"abc\"}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":true}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":null}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":[1]}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":{\"v\":1}}",
                "{\"key\":\"k\",\"ts\":1700000000000}",
                "{\"key\":\"k\",\"value\":1}",
                "{\"key\":\"k\",\"ts\":null,\"value\":1}",
                "{\"key\":\"k\",\"ts\":true,\"value\":1}",
                "{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}",
                "{\"key\":\"k\",\"ts\":\"\",\"value\":1}",
                "{\"key\":42,\"ts\":1700000000000,\"value\":1}",
                "{\"key\":4.5,\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"\",\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"  \",\"ts\":1700000000000,\"value\":1}",
                "{\"key\":null,\"ts\":1700000000000,\"value\":1}",
                "{\"key\":[\"k\"],\"ts\":1700000000000,\"value\":1}",
                "{\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"a\",\"key\":\"b\",\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"k\",\"ts\":1,\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1,\"value\":2}",
                "{\"key\":\"k\\u00e9\\n\",\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"ключ\",\"ts\":1700000000000,\"value\":1}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1} trailing",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1}{}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":01}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1,}",
                "{'key':'k','ts':1700000000000,'value':1}",
                "{\"key\":\"k\",\"ts\":1700000000000,\"value\":1,\"extra\":[1,2}",
                "{}",
                "[]",
                "[{\"key\":\"k\",\"ts\":1700000000000,\"value\":1}]",
                "\"just a string\"",
                "42",
                "null",
                "   ",
                "{\"key\":\"" + "x".repeat(600) + "\",\"ts\":1,\"value\":1}");
        for (String json : corpus) {
            assertSameAsTree(json);
        }
        assertSameAsTree(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
        assertSameAsTree(new byte[] {'{', '"', 'k', 'e', 'y', '"', ':', '"', (byte) 0xC3, '"', '}'});
    }

    @Test
    void randomlyDamagedRecords() {
        Random random = new Random(42);
        String[] seeds = {
            "{\"key\":\"sensor-7\",\"ts\":1700000000000,\"value\":21.5}",
            "{\"key\":\"k\",\"ts\":\"2024-01-31T12:00:00+01:00\",\"value\":\"-0.25\",\"note\":[true,false,null]}",
        };
        String alphabet = "{}[]\":,.-+0123456789eEtrufalsnNIyk \\";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(seeds[i % seeds.length]);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < b.length()) {
                            b.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < b.length()) {
                            b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            assertSameAsTree(b.toString());
        }
    }

    @Test
    void randomValidRecordsAreAcceptedAlike() {
        Random random = new Random(3);
        List<String> values = new ArrayList<>(List.of("0", "-0.0", "1e-300", "123456789012345678", "4.9e-324"));
        for (int i = 0; i < 2_000; i++) {
            values.add(Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(10))));
            values.add(String.format(java.util.Locale.ROOT, "%.17g", random.nextDouble() * 1000));
            values.add(Long.toString(random.nextInt()) + "." + Long.toString(Math.abs(random.nextLong())) + "e-3");
            long ts = Math.abs(random.nextLong()) % 253_402_300_799_999L;
            String json = "{\"key\":\"k" + i + "\",\"ts\":" + ts + ",\"value\":" + values.get(i % values.size()) + "}";
            ParsedEvent fast = parser.parseJson(json.getBytes(StandardCharsets.UTF_8), "events", 0, i, 0L);
            assertThat(fast.isValid() || fast.getDeadLetter().getReason() == DeadLetterReason.VALUE_OUT_OF_BOUNDS)
                    .as(json).isTrue();
            if (fast.isValid()) {
                assertThat(fast.getEvent().getValue()).as(json).isEqualTo(Double.parseDouble(values.get(i % values.size())));
                assertThat(fast.getEvent().getTimestampMillis()).isEqualTo(ts);
            }
            assertSameAsTree(json);
        }
    }
}
