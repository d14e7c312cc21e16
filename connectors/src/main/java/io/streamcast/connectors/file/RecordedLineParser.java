package io.streamcast.connectors.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.EventParser;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one line of a recorded file into a {@link ParsedEvent}. A file may mix three forms:
 * <ul>
 *   <li>JSON lines ({@code {"key": ..., "ts": ..., "value": ...}}), recognised by a leading
 *       {@code '{'} and checked exactly as Kafka records are;
 *   <li>CSV {@code timestamp,value} (the NAB layout): the key is the file name without extension;
 *   <li>CSV {@code key,timestamp,value}.
 * </ul>
 * Blank lines, lines starting with {@code #}, and a CSV header on the first content line
 * ({@code timestamp,value} or {@code key,timestamp,value}, any case) yield nothing. Everything else
 * yields exactly one record; a dead letter's origin is {@code file:PATH} and the 1-based line number.
 * Fields may be wrapped in double quotes; quoted commas are not supported.
 *
 * <p>That is the {@link KeyFrom#AUTO} rule; {@link #read} also applies {@link KeyFrom#FILENAME} (every record
 * keyed by its file) and {@link KeyFrom#COLUMN} (every line must carry its key).
 */
public final class RecordedLineParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> TIMESTAMP_HEADERS = Set.of("timestamp", "ts", "time");

    private final EventParser parser;
    private transient ObjectMapper mapper;

    public RecordedLineParser(EventValidation validation) {
        this.parser = new EventParser(validation);
    }

    /** The series key of a {@code timestamp,value} file: its name without directory and extension. */
    public static String keyFromFileName(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        String name = fileName.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The topic name dead letters and events of a file carry: {@code file:PATH}. */
    public static String originOf(String path) {
        return "file:" + path;
    }

    /**
     * Parses one line, keying it by layout ({@link KeyFrom#AUTO}).
     *
     * @param line the line without its terminator
     * @param path the file's path, for the origin
     * @param fileKey the key for two-column CSV lines
     * @param lineNumber 1-based
     * @param firstContentLine whether no earlier line of the file had content (headers may appear only there)
     * @param seenAt wall-clock epoch millis for dead letters
     * @return the record, or {@code null} for a blank line, comment or header
     */
    public ParsedEvent parse(
            String line, String path, String fileKey, long lineNumber, boolean firstContentLine, long seenAt) {
        RecordedLine read = read(line, path, fileKey, KeyFrom.AUTO, lineNumber, firstContentLine, seenAt);
        return read == null ? null : read.parsed();
    }

    /**
     * Reads one line under a key rule.
     *
     * @param fileKey the key of the line's file under {@code keyFrom} (see {@link KeyFrom#fileKey}); under
     *     {@link KeyFrom#FILENAME} every record gets it, under {@link KeyFrom#AUTO} two-column lines do, under
     *     {@link KeyFrom#COLUMN} it is not used
     * @return the line read, or {@code null} for a blank line, comment or header
     */
    public RecordedLine read(String line, String path, String fileKey, KeyFrom keyFrom, long lineNumber,
                             boolean firstContentLine, long seenAt) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        String origin = originOf(path);
        if (trimmed.startsWith("{")) {
            String json = keyFrom == KeyFrom.FILENAME ? withKey(line, fileKey) : line;
            ParsedEvent parsed = parser.parseJson(json.getBytes(StandardCharsets.UTF_8), origin,
                    DeadLetter.NO_PARTITION, lineNumber, seenAt);
            boolean lacksKey = keyFrom == KeyFrom.COLUMN && !parsed.isValid()
                    && parsed.getDeadLetter().getReason() == DeadLetterReason.MISSING_KEY;
            return new RecordedLine(parsed, json, lacksKey);
        }
        String[] cols = trimmed.split(",", -1);
        for (int i = 0; i < cols.length; i++) {
            cols[i] = unquote(cols[i].strip());
        }
        if (cols.length == 2) {
            if (firstContentLine && isTimestampHeader(cols[0]) && cols[1].equalsIgnoreCase("value")) {
                return null;
            }
            if (keyFrom == KeyFrom.COLUMN) {
                return new RecordedLine(ParsedEvent.invalid(new DeadLetter(line, DeadLetterReason.MISSING_KEY,
                        "a timestamp,value line has no key column", origin, DeadLetter.NO_PARTITION, lineNumber,
                        seenAt)), null, true);
            }
            return csv(parser.parseFields(fileKey, cols[0], cols[1], line, origin, DeadLetter.NO_PARTITION,
                    lineNumber, seenAt));
        }
        if (cols.length == 3) {
            if (firstContentLine && cols[0].equalsIgnoreCase("key") && isTimestampHeader(cols[1])
                    && cols[2].equalsIgnoreCase("value")) {
                return null;
            }
            String key = keyFrom == KeyFrom.FILENAME ? fileKey : cols[0];
            return csv(parser.parseFields(key, cols[1], cols[2], line, origin, DeadLetter.NO_PARTITION, lineNumber,
                    seenAt));
        }
        return csv(ParsedEvent.invalid(new DeadLetter(line, DeadLetterReason.MALFORMED_CSV,
                "expected 2 columns (timestamp,value) or 3 (key,timestamp,value), got " + cols.length,
                origin, DeadLetter.NO_PARTITION, lineNumber, seenAt)));
    }

    private static RecordedLine csv(ParsedEvent parsed) {
        return new RecordedLine(parsed, null, false);
    }

    /**
     * A JSON object line with its {@code key} field set to {@code key} (added when missing); other fields are
     * kept. A line that is not a JSON object, or is larger than the validation allows, is returned unchanged so
     * that it is dead-lettered for what is wrong with it.
     */
    String withKey(String line, String key) {
        if (line.length() > parser.validation().maxMessageBytes()) {
            return line;
        }
        try {
            JsonNode root = mapper().readTree(line);
            if (!(root instanceof ObjectNode)) {
                return line;
            }
            ((ObjectNode) root).put("key", key);
            return mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            return line;
        }
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                    .build();
        }
        return mapper;
    }

    private static boolean isTimestampHeader(String col) {
        return TIMESTAMP_HEADERS.contains(col.toLowerCase(Locale.ROOT));
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
