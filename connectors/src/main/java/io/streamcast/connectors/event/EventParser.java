package io.streamcast.connectors.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Turns raw input into a {@link ParsedEvent}: a valid {@link Event} or a {@link DeadLetter} with a
 * {@link DeadLetterReason}. It never throws on bad input and never drops a record.
 *
 * <p>JSON input is {@code {"key": "...", "ts": ..., "value": ...}}. Checks, in order:
 * <ol>
 *   <li>size ≤ {@link EventValidation#maxMessageBytes()} ({@code oversized-message});
 *   <li>a single JSON object ({@code malformed-json}); bare {@code NaN}/{@code Infinity} are read
 *       as numbers so that they are reported as {@code non-finite-value};
 *   <li>{@code key}: a string or a number ({@code missing-key}), not blank ({@code blank-key});
 *   <li>{@code ts}: epoch millis as an integral number or a string of digits, or an ISO-8601
 *       instant ({@code 2024-01-01T00:00:00Z}), offset date-time ({@code ...+02:00}), local
 *       date-time ({@code 2014-04-01 00:00:00} or with {@code T}; read in
 *       {@link EventValidation#localZone()}) or date; between 1970 and 9999 ({@code bad-timestamp});
 *   <li>{@code value}: present ({@code missing-value}), a number or numeric string
 *       ({@code bad-value}), finite ({@code non-finite-value}), within bounds
 *       ({@code value-out-of-bounds}).
 * </ol>
 * Unknown fields are ignored. A record of the usual shape (an object with a string key and number or string
 * {@code ts} and {@code value}) is read with Jackson's streaming parser; anything else is read as a tree, which
 * words the dead letter; both decide alike. A record's text is decoded only for a dead letter. Serializable; the
 * JSON mapper is created lazily on each task.
 */
public final class EventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** 9999-12-31T23:59:59.999Z. */
    static final long MAX_TIMESTAMP_MILLIS = 253_402_300_799_999L;

    /** ISO local date-time followed by an offset in any of the forms +01:00, +0100, +01. */
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendPattern("[XXX][XX][X]")
            .toFormatter();

    private final EventValidation validation;
    private transient ObjectMapper mapper;

    public EventParser(EventValidation validation) {
        this.validation = Objects.requireNonNull(validation, "validation");
    }

    public EventValidation validation() {
        return validation;
    }

    /**
     * Parses one JSON record.
     *
     * @param raw the record bytes; {@code null} (a Kafka tombstone) becomes {@code malformed-json}
     * @param topic the topic (or {@code "file:" + path}) the record came from
     * @param partition the partition, or {@link DeadLetter#NO_PARTITION}
     * @param offset the offset, or the line number
     * @param seenAt wall-clock epoch millis stamped on a dead letter
     */
    public ParsedEvent parseJson(byte[] raw, String topic, int partition, long offset, long seenAt) {
        Origin origin = new Origin(topic, partition, offset, seenAt);
        ParsedEvent early = checkPresenceAndSize(raw, origin);
        if (early != null) {
            return early;
        }
        ParsedEvent simple = parseSimpleObject(raw, origin);
        return simple != null ? simple : parseTree(raw, origin);
    }

    /** {@link #parseJson} without the streaming fast path: every record read as a tree (for tests). */
    ParsedEvent parseJsonAsTree(byte[] raw, String topic, int partition, long offset, long seenAt) {
        Origin origin = new Origin(topic, partition, offset, seenAt);
        ParsedEvent early = checkPresenceAndSize(raw, origin);
        return early != null ? early : parseTree(raw, origin);
    }

    private ParsedEvent checkPresenceAndSize(byte[] raw, Origin origin) {
        if (raw == null || raw.length == 0) {
            return origin.reject("", DeadLetterReason.MALFORMED_JSON,
                    raw == null ? "record has no value (tombstone)" : "record is empty");
        }
        if (raw.length > validation.maxMessageBytes()) {
            return origin.reject(preview(raw), DeadLetterReason.OVERSIZED_MESSAGE,
                    "record has " + raw.length + " bytes, more than the maximum of "
                            + validation.maxMessageBytes());
        }
        return null;
    }

    private ParsedEvent parseTree(byte[] raw, Origin origin) {
        String text = DeadLetter.rawOf(raw); // the exact bytes, for a dead letter
        JsonNode root;
        try {
            root = mapper().readTree(raw);
        } catch (JacksonException e) {
            return origin.reject(text, DeadLetterReason.MALFORMED_JSON, firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            return origin.reject(text, DeadLetterReason.MALFORMED_JSON, String.valueOf(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return origin.reject(text, DeadLetterReason.MALFORMED_JSON,
                    "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        }

        JsonNode keyNode = root.get("key");
        if (keyNode == null || keyNode.isNull()) {
            return origin.reject(text, DeadLetterReason.MISSING_KEY, "no \"key\" field");
        }
        if (!keyNode.isTextual() && !keyNode.isNumber()) {
            return origin.reject(text, DeadLetterReason.MISSING_KEY,
                    "\"key\" must be a string or a number, got " + keyNode.getNodeType());
        }

        JsonNode tsNode = root.get("ts");
        JsonNode valueNode = root.get("value");
        return validate(keyNode.asText(), tsNode, valueNode, null, text, origin);
    }

    /**
     * The common case read with the streaming parser, without building a tree: a single JSON object whose
     * {@code key} is a string and whose {@code ts} and {@code value}, where present, are numbers or strings; other
     * fields are skipped. The {@code ts} and {@code value} nodes are the ones the tree would hold, so
     * {@link #validate} decides exactly as on the tree. Anything else (a numeric, null or missing key, another kind
     * of {@code ts} or {@code value}, a field given twice, an integer beyond a long, malformed JSON, trailing
     * tokens) returns {@code null}: the tree path then reads it and words the dead letter.
     */
    private ParsedEvent parseSimpleObject(byte[] raw, Origin origin) {
        try (JsonParser p = mapper().getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String key = null;
            JsonNode ts = null;
            JsonNode value = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "key" -> {
                        if (key != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        key = p.getText();
                    }
                    case "ts" -> {
                        if (ts != null || (ts = scalarNode(p, v)) == null) {
                            return null;
                        }
                    }
                    case "value" -> {
                        if (value != null || (value = scalarNode(p, v)) == null) {
                            return null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || key == null) {
                return null;
            }
            return validate(key, ts, value, raw, null, origin);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The node Jackson's tree reader makes of a string or number token (as {@code JsonNodeDeserializer}); else null. */
    private static JsonNode scalarNode(JsonParser p, JsonToken t) throws java.io.IOException {
        if (t == JsonToken.VALUE_STRING) {
            return TextNode.valueOf(p.getText());
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.INT) {
                return IntNode.valueOf(p.getIntValue());
            }
            return nt == JsonParser.NumberType.LONG ? LongNode.valueOf(p.getLongValue()) : null;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getNumberTypeFP() == JsonParser.NumberTypeFP.UNKNOWN) {
            return DoubleNode.valueOf(p.getDoubleValue());
        }
        return null;
    }

    /**
     * Parses an event given as text fields, as in a recorded CSV line. {@code null} fields count
     * as missing.
     */
    public ParsedEvent parseFields(
            String key, String ts, String value, String raw,
            String topic, int partition, long offset, long seenAt) {
        Origin origin = new Origin(topic, partition, offset, seenAt);
        int bytes = raw.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > validation.maxMessageBytes()) {
            return origin.reject(preview(raw.getBytes(StandardCharsets.UTF_8)),
                    DeadLetterReason.OVERSIZED_MESSAGE,
                    "record has " + bytes + " bytes, more than the maximum of "
                            + validation.maxMessageBytes());
        }
        if (key == null) {
            return origin.reject(raw, DeadLetterReason.MISSING_KEY, "no key");
        }
        ObjectMapper m = mapper();
        return validate(key,
                ts == null ? null : m.getNodeFactory().textNode(ts),
                value == null ? null : m.getNodeFactory().textNode(value),
                null, raw, origin);
    }

    /**
     * Checks the fields of one record. The record's text for a dead letter is {@code rawText}, or else
     * {@code rawBytes} decoded as UTF-8 only when the record is rejected.
     */
    private ParsedEvent validate(String key, JsonNode tsNode, JsonNode valueNode, byte[] rawBytes, String rawText,
                                 Origin origin) {
        ParsedEvent checked = key.isBlank()
                ? origin.reject(null, DeadLetterReason.BLANK_KEY, "\"key\" is blank")
                : checkTimeAndValue(key, tsNode, valueNode, origin);
        if (!checked.isValid()) {
            checked.getDeadLetter().setRaw(rawText != null ? rawText : DeadLetter.rawOf(rawBytes));
        }
        return checked;
    }

    /** A valid event, or a dead letter whose raw text the caller fills in. */
    private ParsedEvent checkTimeAndValue(String key, JsonNode tsNode, JsonNode valueNode, Origin origin) {
        long ts;
        try {
            ts = parseTimestamp(tsNode);
        } catch (IllegalArgumentException e) {
            return origin.reject(null, DeadLetterReason.BAD_TIMESTAMP, e.getMessage());
        }

        if (valueNode == null || valueNode.isNull()) {
            return origin.reject(null, DeadLetterReason.MISSING_VALUE, "no \"value\" field");
        }
        double value;
        if (valueNode.isNumber()) {
            value = valueNode.doubleValue();
        } else if (valueNode.isTextual()) {
            String s = valueNode.textValue().trim();
            if (isNonFiniteLiteral(s)) {
                return origin.reject(null, DeadLetterReason.NON_FINITE_VALUE, "\"value\" is " + s);
            }
            try {
                value = new BigDecimal(s).doubleValue();
            } catch (NumberFormatException e) {
                return origin.reject(null, DeadLetterReason.BAD_VALUE,
                        "\"value\" is not a number: '" + abbreviate(s) + "'");
            }
        } else {
            return origin.reject(null, DeadLetterReason.BAD_VALUE,
                    "\"value\" must be a number, got " + valueNode.getNodeType());
        }
        if (!Double.isFinite(value)) {
            return origin.reject(null, DeadLetterReason.NON_FINITE_VALUE,
                    "\"value\" is not finite: " + value);
        }
        if (value < validation.minValue() || value > validation.maxValue()) {
            return origin.reject(null, DeadLetterReason.VALUE_OUT_OF_BOUNDS,
                    "\"value\" " + value + " is outside [" + validation.minValue() + ", "
                            + validation.maxValue() + "]");
        }
        return ParsedEvent.valid(new Event(key, ts, value), origin.topic, origin.partition, origin.offset);
    }

    /**
     * Reads a timestamp node as epoch millis.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    long parseTimestamp(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("no \"ts\" field");
        }
        long millis;
        if (node.isNumber()) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                millis = node.longValue();
            } else {
                double d = node.doubleValue();
                if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) > MAX_TIMESTAMP_MILLIS) {
                    throw new IllegalArgumentException(
                            "\"ts\" " + node.asText() + " is not whole epoch milliseconds");
                }
                millis = (long) d;
            }
        } else if (node.isTextual()) {
            millis = parseTimestampText(node.textValue().trim());
        } else {
            throw new IllegalArgumentException(
                    "\"ts\" must be epoch millis or an ISO-8601 string, got " + node.getNodeType());
        }
        if (millis < 0 || millis > MAX_TIMESTAMP_MILLIS) {
            throw new IllegalArgumentException(
                    "\"ts\" " + millis + " is outside 1970-01-01 .. 9999-12-31");
        }
        return millis;
    }

    private long parseTimestampText(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("\"ts\" is empty");
        }
        if (isDigits(s)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"ts\" " + abbreviate(s) + " does not fit epoch millis");
            }
        }
        try {
            if (s.endsWith("Z") || s.endsWith("z")) {
                return Instant.parse(s.toUpperCase(java.util.Locale.ROOT)).toEpochMilli();
            }
            String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            if (hasOffset(iso)) {
                return OffsetDateTime.parse(iso, OFFSET_DATE_TIME).toInstant().toEpochMilli();
            }
            if (iso.length() == 10) {
                return LocalDate.parse(iso).atStartOfDay(validation.localZone()).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(iso).atZone(validation.localZone()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "\"ts\" '" + abbreviate(s) + "' is neither epoch millis nor ISO-8601 ("
                            + "e.g. 2024-01-31T12:00:00Z, 2024-01-31T12:00:00+01:00, 2024-01-31 12:00:00)");
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("\"ts\" '" + abbreviate(s) + "' is out of range");
        }
    }

    /** True when an ISO date-time string ends with an offset such as +02:00 or -0500. */
    private static boolean hasOffset(String iso) {
        int t = iso.indexOf('T');
        if (t < 0) {
            return false;
        }
        String time = iso.substring(t + 1);
        return time.indexOf('+') >= 0 || time.indexOf('-') >= 0;
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isNonFiniteLiteral(String s) {
        String t = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        return t.equalsIgnoreCase("NaN") || t.equalsIgnoreCase("Infinity") || t.equalsIgnoreCase("Inf");
    }

    private static String preview(byte[] raw) {
        String text = new String(raw, 0, Math.min(raw.length, EventValidation.RAW_PREVIEW_CHARS * 4),
                StandardCharsets.UTF_8);
        return text.length() > EventValidation.RAW_PREVIEW_CHARS
                ? text.substring(0, EventValidation.RAW_PREVIEW_CHARS)
                : text;
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not valid JSON";
        }
        int nl = s.indexOf('\n');
        return "not valid JSON: " + (nl < 0 ? s : s.substring(0, nl));
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            JsonFactory factory = JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    // correctly rounded like Double.parseDouble, several times faster
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    // buffers pooled by this parser's own factory: the default thread-local pool's lookup cost 5% of
                    // the exactly-once job's time when a parser is made for every record
                    .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                    .build();
            mapper = JsonMapper.builder(factory)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
        }
        return mapper;
    }

    private static final class Origin {
        final String topic;
        final int partition;
        final long offset;
        final long seenAt;

        Origin(String topic, int partition, long offset, long seenAt) {
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
            this.seenAt = seenAt;
        }

        ParsedEvent reject(String raw, DeadLetterReason reason, String detail) {
            return ParsedEvent.invalid(new DeadLetter(raw, reason, detail, topic, partition, offset, seenAt));
        }
    }
}
