package io.streamcast.connectors.file;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.util.Arrays;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * The bounded source behind {@code --source file:PATH}: a Flink {@link FileSource} over recorded
 * CSV / JSON-lines files (a file, or a directory read recursively, hidden files skipped) emitting
 * the same {@link ParsedEvent}s as the Kafka source, malformed lines as dead letters with the file
 * and line number. Each file is read by one reader, in order.
 */
public final class RecordedFileSource {

    private RecordedFileSource() {}

    /** A bounded source over the given files or directories. */
    public static FileSource<ParsedEvent> of(EventValidation validation, Path... paths) {
        if (paths.length == 0) {
            throw new IllegalArgumentException("No recorded file or directory given: pass at least one path");
        }
        return FileSource.forBulkFileFormat(new RecordedFileFormat(validation), paths).build();
    }

    /** As {@link #of(EventValidation, Path...)} from local {@link java.nio.file.Path}s. */
    public static FileSource<ParsedEvent> of(EventValidation validation, java.nio.file.Path... paths) {
        return of(validation, Arrays.stream(paths).map(p -> Path.fromLocalFile(p.toAbsolutePath().toFile()))
                .toArray(Path[]::new));
    }

    /**
     * Reads a {@code --source} value of the form {@code file:PATH} (or a plain path) into a source.
     *
     * Paths without a scheme are local and must exist; others (e.g. {@code s3://...}) go to
     * Flink's file systems as they are.
     *
     * @throws IllegalArgumentException if the value is empty or a local path does not exist
     */
    public static FileSource<ParsedEvent> fromSpec(String spec, EventValidation validation) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("Source must be file:PATH; got '" + spec + "'");
        }
        String path = spec.startsWith("file:") && !spec.startsWith("file://") ? spec.substring(5) : spec;
        if (path.isBlank()) {
            throw new IllegalArgumentException("Source must be file:PATH with a non-empty PATH; got '" + spec + "'");
        }
        if (path.contains("://")) {
            return of(validation, new Path(path));
        }
        java.nio.file.Path local = java.nio.file.Path.of(path).toAbsolutePath();
        if (!java.nio.file.Files.exists(local)) {
            throw new IllegalArgumentException("Recorded file or directory " + local + " does not exist (from '"
                    + spec + "')");
        }
        return of(validation, local);
    }
}
