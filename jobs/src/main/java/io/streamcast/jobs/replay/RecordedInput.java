package io.streamcast.jobs.replay;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.file.RecordedLineParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A read-through of recorded files before they are replayed: how many records they hold, and every line that is
 * not a valid event, with its file and line number, so that none is dropped without the user seeing it.
 * Lines are read with the same {@link RecordedLineParser} the replay producer and the job use.
 */
public final class RecordedInput {

    /** Where the series key of a record comes from. */
    public enum KeyFrom {
        /** Two-column lines ({@code timestamp,value}) are keyed by file name, others by their key. */
        AUTO,
        /** Every line must be {@code timestamp,value}: the key is the file name without extension. */
        FILENAME,
        /** Every line must carry its key: {@code key,timestamp,value} CSV or JSON. */
        COLUMN
    }

    /** A line that is not a valid event. {@code json}: JSON lines are sent unchanged for the job to dead-letter. */
    public record Malformed(Path file, long line, String reason, boolean json) {
        public String where() {
            return file + ":" + line;
        }
    }

    private final List<Path> files;
    private final long records;
    private final long validRecords;
    private final List<Malformed> malformed;
    private final List<Malformed> keyMismatches;

    private RecordedInput(List<Path> files, long records, long validRecords, List<Malformed> malformed,
                          List<Malformed> keyMismatches) {
        this.files = files;
        this.records = records;
        this.validRecords = validRecords;
        this.malformed = malformed;
        this.keyMismatches = keyMismatches;
    }

    /** Reads every file of {@code fileOrDir} (non-hidden files, recursively, in path order). */
    public static RecordedInput scan(Path fileOrDir, EventValidation validation, KeyFrom keyFrom) throws IOException {
        List<Path> files = listFiles(fileOrDir);
        RecordedLineParser parser = new RecordedLineParser(validation);
        long records = 0;
        long valid = 0;
        List<Malformed> malformed = new ArrayList<>();
        List<Malformed> mismatches = new ArrayList<>();
        for (Path file : files) {
            String fileKey = RecordedLineParser.keyFromFileName(file.getFileName().toString());
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                long number = 0;
                boolean seenContent = false;
                while ((line = in.readLine()) != null) {
                    number++;
                    ParsedEvent parsed = parser.parse(line, file.toString(), fileKey, number, !seenContent, 0L);
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        seenContent = true;
                    }
                    if (parsed == null) {
                        continue;
                    }
                    boolean json = line.strip().startsWith("{");
                    int columns = json ? 0 : line.strip().split(",", -1).length;
                    if (keyFrom == KeyFrom.FILENAME && (json || columns == 3)) {
                        mismatches.add(new Malformed(file, number, "--key-from filename, but the line carries a key", json));
                    } else if (keyFrom == KeyFrom.COLUMN && columns == 2) {
                        mismatches.add(new Malformed(file, number,
                                "--key-from column, but the line is timestamp,value without a key", false));
                    }
                    if (parsed.isValid()) {
                        records++;
                        valid++;
                    } else {
                        if (json) {
                            records++;  // the replay producer sends JSON lines as they are
                        }
                        malformed.add(new Malformed(file, number, parsed.getDeadLetter().getReason().code() + ": "
                                + parsed.getDeadLetter().getDetail(), json));
                    }
                }
            }
        }
        return new RecordedInput(List.copyOf(files), records, valid, List.copyOf(malformed), List.copyOf(mismatches));
    }

    /** Files in replay order (before merging by event time). */
    public List<Path> files() {
        return files;
    }

    /** Records the replay producer will send: valid events plus invalid JSON lines. */
    public long recordsToSend() {
        return records;
    }

    public long validRecords() {
        return validRecords;
    }

    public List<Malformed> malformed() {
        return malformed;
    }

    /** Lines whose key does not come from where {@link KeyFrom} says it must. */
    public List<Malformed> keyMismatches() {
        return keyMismatches;
    }

    public long malformedCsvLines() {
        return malformed.stream().filter(m -> !m.json()).count();
    }

    public long malformedJsonLines() {
        return malformed.stream().filter(Malformed::json).count();
    }

    static List<Path> listFiles(Path fileOrDir) throws IOException {
        if (Files.isRegularFile(fileOrDir)) {
            return List.of(fileOrDir);
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new IllegalArgumentException("--input " + fileOrDir.toAbsolutePath() + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(fileOrDir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        }
    }
}
