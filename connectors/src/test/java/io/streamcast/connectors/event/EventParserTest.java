package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {

    private static final String TOPIC = "events";
    private static final int PARTITION = 3;
    private static final long OFFSET = 42L;
    private static final long SEEN_AT = 1_700_000_999_000L;
    private static final long JAN_31_NOON_UTC = Instant.parse("2024-01-31T12:00:00Z").toEpochMilli();

    private final EventParser parser = new EventParser(EventValidation.defaults());

    private ParsedEvent parse(EventParser p, String json) {
        return p.parseJson(json.getBytes(StandardCharsets.UTF_8), TOPIC, PARTITION, OFFSET, SEEN_AT);
    }

    private ParsedEvent parse(String json) {
        return parse(parser, json);
    }

    private DeadLetter rejected(String json, DeadLetterReason reason) {
        ParsedEvent parsed = parse(json);
        assertThat(parsed.isValid()).as("expected %s to be rejected", json).isFalse();
        DeadLetter dl = parsed.getDeadLetter();
        assertThat(dl.getReason()).as("reason for %s (detail: %s)", json, dl.getDetail()).isEqualTo(reason);
        return dl;
    }

    @Test
    void validEventWithEpochMillisKeepsItsOrigin() {
        ParsedEvent parsed = parse("{\"key\":\"sensor-1\",\"ts\":1700000000000,\"value\":21.5}");

        assertThat(parsed.isValid()).isTrue();
        assertThat(parsed.getDeadLetter()).isNull();
        assertThat(parsed.getEvent()).isEqualTo(new Event("sensor-1", 1_700_000_000_000L, 21.5));
        assertThat(parsed.getTopic()).isEqualTo(TOPIC);
        assertThat(parsed.getPartition()).isEqualTo(PARTITION);
        assertThat(parsed.getOffset()).isEqualTo(OFFSET);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"2024-01-31T12:00:00Z\"                | 0",
        "\"2024-01-31T12:00:00.250Z\"            | 250",
        "\"2024-01-31T13:00:00+01:00\"           | 0",
        "\"2024-01-31T07:00:00-0500\"            | 0",
        "\"2024-01-31T12:00:00\"                 | 0",
        "\"2024-01-31 12:00:00\"                 | 0",
        "\"2024-01-31 12:00:00.5\"               | 500",
        "\"1706702400000\"                       | 0",
        "1706702400000                           | 0",
        "1706702400000.0                         | 0",
    })
    void timestampForms(String tsJson, long extraMillis) {
        ParsedEvent parsed = parse("{\"key\":\"k\",\"ts\":" + tsJson.strip() + ",\"value\":1}");

        assertThat(parsed.isValid()).as("%s: %s", tsJson, parsed).isTrue();
        assertThat(parsed.getEvent().getTimestampMillis()).isEqualTo(JAN_31_NOON_UTC + extraMillis);
    }

    @Test
    void dateOnlyTimestampIsStartOfDay() {
        assertThat(parse("{\"key\":\"k\",\"ts\":\"2024-01-31\",\"value\":1}").getEvent().getTimestampMillis())
                .isEqualTo(Instant.parse("2024-01-31T00:00:00Z").toEpochMilli());
    }

    @Test
    void localTimestampIsReadInTheConfiguredZone() {
        EventParser berlin = new EventParser(
                EventValidation.builder().localZone(ZoneId.of("Europe/Berlin")).build());

        ParsedEvent parsed = parse(berlin, "{\"key\":\"k\",\"ts\":\"2024-01-31 13:00:00\",\"value\":1}");

        assertThat(parsed.getEvent().getTimestampMillis()).isEqualTo(JAN_31_NOON_UTC);
        // a timestamp with an explicit offset ignores the local zone
        assertThat(parse(berlin, "{\"key\":\"k\",\"ts\":\"2024-01-31T12:00:00Z\",\"value\":1}")
                .getEvent().getTimestampMillis()).isEqualTo(JAN_31_NOON_UTC);
    }

    @Test
    void numericKeyAndNumericStringValueAreAccepted() {
        ParsedEvent parsed = parse("{\"key\":17,\"ts\":5,\"value\":\" 2.5e1 \",\"unit\":\"C\"}");

        assertThat(parsed.getEvent()).isEqualTo(new Event("17", 5L, 25.0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json", "{\"key\":\"k\",", "[1,2,3]", "42", "\"text\"", "{\"key\":\"k\",\"ts\":1,\"value\":1} trailing",
    })
    void malformedJson(String raw) {
        DeadLetter dl = rejected(raw, DeadLetterReason.MALFORMED_JSON);

        assertThat(dl.getRaw()).isEqualTo(raw);
        assertThat(dl.getTopic()).isEqualTo(TOPIC);
        assertThat(dl.getPartition()).isEqualTo(PARTITION);
        assertThat(dl.getOffset()).isEqualTo(OFFSET);
        assertThat(dl.getSeenAt()).isEqualTo(SEEN_AT);
        assertThat(dl.origin()).isEqualTo("events-3@42");
    }

    @Test
    void tombstoneAndEmptyRecordsAreMalformed() {
        ParsedEvent tombstone = parser.parseJson(null, TOPIC, 0, 7, SEEN_AT);
        ParsedEvent empty = parser.parseJson(new byte[0], TOPIC, 0, 8, SEEN_AT);

        assertThat(tombstone.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(tombstone.getDeadLetter().getDetail()).contains("tombstone");
        assertThat(empty.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"ts\":1,\"value\":1}", "{\"key\":null,\"ts\":1,\"value\":1}", "{\"key\":{\"a\":1},\"ts\":1,\"value\":1}",
        "{\"key\":true,\"ts\":1,\"value\":1}",
    })
    void missingKey(String raw) {
        rejected(raw, DeadLetterReason.MISSING_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"key\":\"\",\"ts\":1,\"value\":1}", "{\"key\":\"  \\t\",\"ts\":1,\"value\":1}"})
    void blankKey(String raw) {
        rejected(raw, DeadLetterReason.BLANK_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"key\":\"k\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":null,\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"2024-13-01T00:00:00Z\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"2024-01-31T25:00:00\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":-1,\"value\":1}",
        "{\"key\":\"k\",\"ts\":1.5,\"value\":1}",
        "{\"key\":\"k\",\"ts\":99999999999999999999,\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"99999999999999999999\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":253402300800000,\"value\":1}",
        "{\"key\":\"k\",\"ts\":true,\"value\":1}",
        "{\"key\":\"k\",\"ts\":[1],\"value\":1}",
    })
    void badTimestamp(String raw) {
        rejected(raw, DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void badTimestampDetailNamesTheAcceptedForms() {
        assertThat(rejected("{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}", DeadLetterReason.BAD_TIMESTAMP)
                .getDetail()).contains("'yesterday'").contains("ISO-8601").contains("epoch millis");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"key\":\"k\",\"ts\":1}", "{\"key\":\"k\",\"ts\":1,\"value\":null}"})
    void missingValue(String raw) {
        rejected(raw, DeadLetterReason.MISSING_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"key\":\"k\",\"ts\":1,\"value\":\"abc\"}", "{\"key\":\"k\",\"ts\":1,\"value\":true}",
        "{\"key\":\"k\",\"ts\":1,\"value\":[1]}", "{\"key\":\"k\",\"ts\":1,\"value\":\"\"}",
    })
    void badValue(String raw) {
        rejected(raw, DeadLetterReason.BAD_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"key\":\"k\",\"ts\":1,\"value\":NaN}",
        "{\"key\":\"k\",\"ts\":1,\"value\":Infinity}",
        "{\"key\":\"k\",\"ts\":1,\"value\":-Infinity}",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"NaN\"}",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"-inf\"}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e400}",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"-1e400\"}",
    })
    void nonFiniteValue(String raw) {
        rejected(raw, DeadLetterReason.NON_FINITE_VALUE);
    }

    @Test
    void valueBoundsAreInclusiveAndConfigurable() {
        EventParser bounded = new EventParser(EventValidation.builder().valueBounds(0, 100).build());

        assertThat(parse(bounded, "{\"key\":\"k\",\"ts\":1,\"value\":0}").isValid()).isTrue();
        assertThat(parse(bounded, "{\"key\":\"k\",\"ts\":1,\"value\":100}").isValid()).isTrue();
        ParsedEvent above = parse(bounded, "{\"key\":\"k\",\"ts\":1,\"value\":100.001}");
        ParsedEvent below = parse(bounded, "{\"key\":\"k\",\"ts\":1,\"value\":-0.5}");
        assertThat(above.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.VALUE_OUT_OF_BOUNDS);
        assertThat(above.getDeadLetter().getDetail()).isEqualTo("\"value\" 100.001 is outside [0.0, 100.0]");
        assertThat(below.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.VALUE_OUT_OF_BOUNDS);
        // unbounded by default
        assertThat(parse("{\"key\":\"k\",\"ts\":1,\"value\":-1e300}").isValid()).isTrue();
    }

    @Test
    void oversizedMessageIsRejectedBeforeParsingAndTruncated() {
        EventParser small = new EventParser(EventValidation.builder().maxMessageBytes(40).build());
        String exactly40 = "{\"key\":\"k\",\"ts\":1,\"value\":1.00000000000}";
        assertThat(exactly40.length()).isEqualTo(40);
        String longJunk = "x".repeat(5000);

        assertThat(parse(small, exactly40).isValid()).isTrue();
        DeadLetter dl = parse(small, exactly40 + " ").getDeadLetter();
        assertThat(dl.getReason()).isEqualTo(DeadLetterReason.OVERSIZED_MESSAGE);
        assertThat(dl.getDetail()).isEqualTo("record has 41 bytes, more than the maximum of 40");
        DeadLetter junk = parse(small, longJunk).getDeadLetter();
        assertThat(junk.getReason()).isEqualTo(DeadLetterReason.OVERSIZED_MESSAGE);
        assertThat(junk.getRaw()).hasSize(EventValidation.RAW_PREVIEW_CHARS);
    }

    @Test
    void csvFieldsGoThroughTheSameChecks() {
        ParsedEvent ok = parser.parseFields("nyc_taxi", "2014-07-01 00:00:00", "10844", "raw",
                "file:/data/nyc_taxi.csv", DeadLetter.NO_PARTITION, 2, SEEN_AT);
        ParsedEvent bad = parser.parseFields("nyc_taxi", "2014-07-01 00:00:00", "n/a", "2014-07-01 00:00:00,n/a",
                "file:/data/nyc_taxi.csv", DeadLetter.NO_PARTITION, 3, SEEN_AT);

        assertThat(ok.getEvent()).isEqualTo(
                new Event("nyc_taxi", Instant.parse("2014-07-01T00:00:00Z").toEpochMilli(), 10844));
        assertThat(bad.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.BAD_VALUE);
        assertThat(bad.getDeadLetter().origin()).isEqualTo("file:/data/nyc_taxi.csv:3");
        assertThat(bad.getDeadLetter().getRaw()).isEqualTo("2014-07-01 00:00:00,n/a");
    }

    @Test
    void reasonCodesAreStable() {
        assertThat(DeadLetterReason.values()).extracting(DeadLetterReason::code).containsExactly(
                "malformed-json", "malformed-csv", "oversized-message", "missing-key", "blank-key", "bad-timestamp",
                "missing-value", "bad-value", "non-finite-value", "value-out-of-bounds", "out-of-order");
        assertThat(DeadLetterReason.fromCode("out-of-order")).isEqualTo(DeadLetterReason.OUT_OF_ORDER);
        assertThatThrownBy(() -> DeadLetterReason.fromCode("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown dead-letter reason code: 'nope'");
    }

    @Test
    void validationBuilderMessages() {
        assertThatThrownBy(() -> EventValidation.builder().valueBounds(5, 1).build())
                .hasMessage("Value bounds are reversed: min 5.0 > max 1.0; call valueBounds(min, max) with min <= max");
        assertThatThrownBy(() -> EventValidation.builder().valueBounds(Double.NaN, 1).build())
                .hasMessageStartingWith("Value bounds must not be NaN");
        assertThatThrownBy(() -> EventValidation.builder().maxMessageBytes(0).build())
                .hasMessage("maxMessageBytes must be positive; got 0");
    }
}
