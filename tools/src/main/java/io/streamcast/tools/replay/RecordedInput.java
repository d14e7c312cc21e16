package io.streamcast.tools.replay;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.file.KeyFrom;
import io.streamcast.connectors.file.RecordedLine;
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
    private final List<KeylessFile> keylessFiles;

    private RecordedInput(List<Path> files, long records, long validRecords, List<Malformed> malformed,
                          List<KeylessFile> keylessFiles) {
        this.files = files;
        this.records = records;
        this.validRecords = validRecords;
        this.malformed = malformed;
        this.keylessFiles = keylessFiles;
    }

    /**
     * A file with lines that carry no key although {@link KeyFrom#COLUMN} wants every line to: how many, and the
     * first of them.
     */
    public record KeylessFile(Path file, long lines, long firstLine, String firstReason) {}

    /**
     * Reads every file of {@code fileOrDir} (non-hidden files, recursively, in path order), keying lines as
     * {@code keyFrom} says, exactly as the replay producer will.
     */
    public static RecordedInput scan(Path fileOrDir, EventValidation validation, KeyFrom keyFrom) throws IOException {
        List<Path> files = listFiles(fileOrDir);
        RecordedLineParser parser = new RecordedLineParser(validation);
        long records = 0;
        long valid = 0;
        List<Malformed> malformed = new ArrayList<>();
        List<KeylessFile> keyless = new ArrayList<>();
        for (Path file : files) {
            String fileKey = keyFrom.fileKey(fileOrDir, file);
            long keylessLines = 0;
            long firstKeyless = 0;
            String firstReason = null;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                long number = 0;
                boolean seenContent = false;
                while ((line = in.readLine()) != null) {
                    number++;
                    RecordedLine read = parser.read(line, file.toString(), fileKey, keyFrom, number, !seenContent, 0L);
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        seenContent = true;
                    }
                    if (read == null) {
                        continue;
                    }
                    ParsedEvent parsed = read.parsed();
                    if (read.lacksKey()) {
                        if (keylessLines++ == 0) {
                            firstKeyless = number;
                            firstReason = parsed.getDeadLetter().getDetail();
                        }
                        continue;
                    }
                    boolean json = read.isJson();
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
            if (keylessLines > 0) {
                keyless.add(new KeylessFile(file, keylessLines, firstKeyless, firstReason));
            }
        }
        return new RecordedInput(List.copyOf(files), records, valid, List.copyOf(malformed), List.copyOf(keyless));
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

    /** Under {@link KeyFrom#COLUMN}: the files with lines that carry no key (none under the other rules). */
    public List<KeylessFile> keylessFiles() {
        return keylessFiles;
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
