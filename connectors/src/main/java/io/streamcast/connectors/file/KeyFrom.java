package io.streamcast.connectors.file;

import java.nio.file.Path;

/**
 * Where the series key of a replayed record comes from. The key is both the Kafka record key and the event's
 * {@code key} field.
 */
public enum KeyFrom {
    /**
     * By line layout (the default): a {@code timestamp,value} line is keyed by its file's name without directory
     * and extension (as the job's file source keys it); a {@code key,timestamp,value} line by its first column; a
     * JSON line by its {@code key} field.
     */
    AUTO,
    /**
     * Every record of a file is keyed by the file's path relative to the replayed folder, with {@code /} between
     * folders and without the extension ({@code realTweets/Twitter_volume_AAPL} for
     * {@code DIR/realTweets/Twitter_volume_AAPL.csv}; the file name without extension when a single file is
     * replayed). A key column or JSON {@code key} field in the file is replaced.
     */
    FILENAME,
    /**
     * Every line must carry its key: the first column of a {@code key,timestamp,value} CSV line or the {@code key}
     * field of a JSON line. A line without one is an error (see {@link RecordedLine#lacksKey()}).
     */
    COLUMN;

    /**
     * The key a file's keyless lines get under this rule.
     *
     * @param input the replayed file or folder
     * @param file a file under {@code input} (or {@code input} itself)
     */
    public String fileKey(Path input, Path file) {
        if (this != FILENAME || input.equals(file) || !file.startsWith(input)) {
            return RecordedLineParser.keyFromFileName(file.getFileName().toString());
        }
        Path rel = input.relativize(file);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            key.append(rel.getName(i)).append('/');
        }
        return key.append(RecordedLineParser.keyFromFileName(rel.getFileName().toString())).toString();
    }
}
