package io.streamcast.connectors.file;

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
 */
public final class RecordedLineParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> TIMESTAMP_HEADERS = Set.of("timestamp", "ts", "time");

    private final EventParser parser;

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
     * Parses one line.
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
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        String origin = originOf(path);
        if (trimmed.startsWith("{")) {
            return parser.parseJson(line.getBytes(StandardCharsets.UTF_8), origin,
                    DeadLetter.NO_PARTITION, lineNumber, seenAt);
        }
        String[] cols = trimmed.split(",", -1);
        for (int i = 0; i < cols.length; i++) {
            cols[i] = unquote(cols[i].strip());
        }
        if (cols.length == 2) {
            if (firstContentLine && isTimestampHeader(cols[0]) && cols[1].equalsIgnoreCase("value")) {
                return null;
            }
            return parser.parseFields(fileKey, cols[0], cols[1], line, origin, DeadLetter.NO_PARTITION, lineNumber, seenAt);
        }
        if (cols.length == 3) {
            if (firstContentLine && cols[0].equalsIgnoreCase("key") && isTimestampHeader(cols[1])
                    && cols[2].equalsIgnoreCase("value")) {
                return null;
            }
            return parser.parseFields(cols[0], cols[1], cols[2], line, origin, DeadLetter.NO_PARTITION, lineNumber, seenAt);
        }
        return ParsedEvent.invalid(new DeadLetter(line, DeadLetterReason.MALFORMED_CSV,
                "expected 2 columns (timestamp,value) or 3 (key,timestamp,value), got " + cols.length,
                origin, DeadLetter.NO_PARTITION, lineNumber, seenAt));
    }

    private static boolean isTimestampHeader(String col) {
        return TIMESTAMP_HEADERS.contains(col.toLowerCase(Locale.ROOT));
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
