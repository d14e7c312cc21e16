package io.streamcast.tools.evaluate;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.file.RecordedLineParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One recorded {@code timestamp,value} file read row by row, with the event each row becomes (parsed exactly as
 * the job's file source parses it) and the row's original timestamp and value text, so output can be written
 * with the input's own timestamps.
 *
 * @param relativePath the file's path relative to the evaluated folder, with {@code /} separators
 * @param key          the series key the job sees: the relative path without {@code .csv}, unique per file
 * @param rows         every data row in file order (header, blank and comment lines are not rows)
 */
public record RecordedSeries(String relativePath, String key, List<Row> rows) {

    /** One data row: its 1-based line number, original text fields, and the parsed event (valid or not). */
    public record Row(long lineNumber, String timestampText, String valueText, ParsedEvent parsed) {
        public boolean valid() {
            return parsed.isValid();
        }
    }

    public RecordedSeries {
        rows = Collections.unmodifiableList(rows);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException if a line has a key column: one file must hold one series
     */
    public static RecordedSeries read(Path root, Path file, EventValidation validation) throws IOException {
        String rel = root.relativize(file).toString().replace('\\', '/');
        String key = rel.endsWith(".csv") ? rel.substring(0, rel.length() - 4) : rel;
        RecordedLineParser parser = new RecordedLineParser(validation);
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            boolean seenContent = false;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                ParsedEvent parsed = parser.parse(line, file.toString(), key, lineNumber, !seenContent, 0L);
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    seenContent = true;
                }
                if (parsed == null) {
                    continue;
                }
                String[] cols = line.strip().split(",", -1);
                if (line.strip().startsWith("{") || cols.length == 3) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + ": evaluate reads one series per file, "
                            + "as timestamp,value lines (the NAB layout); this line has a key");
                }
                String ts = cols.length >= 1 ? unquote(cols[0].strip()) : "";
                String value = cols.length >= 2 ? unquote(cols[1].strip()) : "";
                rows.add(new Row(lineNumber, ts, value, parsed));
            }
        }
        return new RecordedSeries(rel, key, rows);
    }

    public List<String> timestamps() {
        return rows.stream().map(Row::timestampText).toList();
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
