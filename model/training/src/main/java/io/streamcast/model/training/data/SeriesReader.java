package io.streamcast.model.training.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads recorded series from CSV files.
 *
 * <p>Two layouts, told apart by the header line:
 * <ul>
 *   <li>{@code timestamp,value} — one series per file (the NAB layout); the series key is the file's path
 *       relative to the input directory, without {@code .csv} (for a single file: its name without {@code .csv});</li>
 *   <li>{@code key,timestamp,value} (columns in any order) — many series in one file, grouped by key in order of
 *       first appearance.</li>
 * </ul>
 * Timestamps may be {@code yyyy-MM-dd HH:mm:ss[.SSS]} or ISO-8601 local date-times (both read as UTC),
 * ISO-8601 instants or offset date-times ({@code 2014-04-01T00:00:00Z}, {@code ...+02:00}), plain dates, or
 * integer epoch milliseconds. Values must be finite numbers. A malformed row fails the whole read with a
 * {@link SeriesFormatException} naming the file and line: training on silently skipped rows would hide a broken
 * recording. Rows of one series that are out of time order are sorted (stable) and a warning is logged.
 *
 * <p>A directory input is searched recursively (following symbolic links) for {@code *.csv} files, in sorted path
 * order so the result does
 * not depend on the file system.
 */
public final class SeriesReader {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesReader.class);

    private static final DateTimeFormatter SPACE_DATE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    private SeriesReader() {
    }

    /** Reads a CSV file or, recursively, every {@code *.csv} file under a directory. */
    public static List<Series> read(Path input) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        if (Files.isDirectory(input)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(input, FileVisitOption.FOLLOW_LINKS)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                        .sorted(Comparator.comparing(Path::toString))
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + input, e);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("input directory " + input + " holds no *.csv file");
            }
            List<Series> all = new ArrayList<>();
            for (Path f : files) {
                all.addAll(readFile(f, stem(input.relativize(f).toString())));
            }
            return all;
        }
        return readFile(input, stem(input.getFileName().toString()));
    }

    /** Reads one file; {@code defaultKey} names the series when the file has no key column. */
    public static List<Series> readFile(Path file, String defaultKey) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file, defaultKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Series> parse(BufferedReader in, Path file, String defaultKey) throws IOException {
        String line;
        long lineNo = 0;
        String[] header = null;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (!line.isBlank()) {
                header = split(stripBom(line));
                break;
            }
        }
        if (header == null) {
            throw new SeriesFormatException(file, 0, "empty file (expected a header 'timestamp,value' or 'key,timestamp,value')");
        }
        int tsCol = -1;
        int valueCol = -1;
        int keyCol = -1;
        for (int i = 0; i < header.length; i++) {
            switch (header[i].toLowerCase(Locale.ROOT)) {
                case "timestamp" -> tsCol = i;
                case "value" -> valueCol = i;
                case "key" -> keyCol = i;
                default -> { }
            }
        }
        if (tsCol < 0 || valueCol < 0) {
            throw new SeriesFormatException(file, lineNo, "header " + Arrays.toString(header)
                    + " lacks a 'timestamp' and a 'value' column (expected 'timestamp,value' or 'key,timestamp,value')");
        }
        int columns = header.length;
        Map<String, Builder> byKey = new LinkedHashMap<>();
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = split(line);
            if (cells.length != columns) {
                throw new SeriesFormatException(file, lineNo, "expected " + columns + " columns "
                        + Arrays.toString(header) + " but found " + cells.length + ": '" + line + "'");
            }
            long ts = parseTimestamp(cells[tsCol], file, lineNo);
            double v;
            try {
                v = Double.parseDouble(cells[valueCol]);
            } catch (NumberFormatException e) {
                throw new SeriesFormatException(file, lineNo, "value '" + cells[valueCol] + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new SeriesFormatException(file, lineNo, "value '" + cells[valueCol] + "' is not finite");
            }
            String key = keyCol >= 0 ? cells[keyCol] : defaultKey;
            if (key.isEmpty()) {
                throw new SeriesFormatException(file, lineNo, "empty key");
            }
            byKey.computeIfAbsent(key, k -> new Builder()).add(ts, v);
        }
        if (byKey.isEmpty()) {
            throw new SeriesFormatException(file, lineNo, "no data rows after the header");
        }
        List<Series> out = new ArrayList<>(byKey.size());
        for (Map.Entry<String, Builder> e : byKey.entrySet()) {
            out.add(e.getValue().build(e.getKey(), file));
        }
        return out;
    }

    /**
     * Parses one timestamp cell to epoch milliseconds (UTC).
     *
     * @throws SeriesFormatException naming the file and line when no supported form matches
     */
    static long parseTimestamp(String s, Path file, long lineNo) {
        if (s.isEmpty()) {
            throw new SeriesFormatException(file, lineNo, "empty timestamp");
        }
        if (isInteger(s)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new SeriesFormatException(file, lineNo, "timestamp '" + s + "' is out of range for epoch millis");
            }
        }
        try {
            if (s.length() > 10 && s.charAt(10) == ' ') {
                return LocalDateTime.parse(s, SPACE_DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            if (s.endsWith("Z") || s.endsWith("z")) {
                return Instant.parse(s.toUpperCase(Locale.ROOT)).toEpochMilli();
            }
            if (s.length() > 10 && hasOffset(s)) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new SeriesFormatException(file, lineNo, "timestamp '" + s
                    + "' is neither 'yyyy-MM-dd HH:mm:ss' (UTC), ISO-8601 nor epoch milliseconds");
        }
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return false;
        }
        String time = s.substring(t + 1);
        return time.indexOf('+') >= 0 || time.indexOf('-') >= 0;
    }

    private static boolean isInteger(String s) {
        int start = s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Splits on commas and strips surrounding whitespace and double quotes (no embedded commas in these files). */
    private static String[] split(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].strip();
            if (c.length() >= 2 && c.charAt(0) == '"' && c.charAt(c.length() - 1) == '"') {
                c = c.substring(1, c.length() - 1).strip();
            }
            cells[i] = c;
        }
        return cells;
    }

    private static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    private static String stem(String path) {
        String p = path.replace('\\', '/');
        return p.toLowerCase(Locale.ROOT).endsWith(".csv") ? p.substring(0, p.length() - 4) : p;
    }

    private static final class Builder {
        private long[] ts = new long[256];
        private double[] vs = new double[256];
        private int n;
        private boolean ordered = true;

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            if (n > 0 && t < ts[n - 1]) {
                ordered = false;
            }
            ts[n] = t;
            vs[n] = v;
            n++;
        }

        Series build(String key, Path file) {
            long[] t = Arrays.copyOf(ts, n);
            double[] v = Arrays.copyOf(vs, n);
            if (!ordered) {
                LOG.warn("{}: series '{}' has rows out of time order; sorting them by timestamp", file, key);
                Integer[] idx = new Integer[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
                Arrays.sort(idx, Comparator.comparingLong(i -> ts[i])); // stable: equal timestamps keep file order
                for (int i = 0; i < n; i++) {
                    t[i] = ts[idx[i]];
                    v[i] = vs[idx[i]];
                }
            }
            return new Series(key, file.toString(), t, v);
        }
    }
}
