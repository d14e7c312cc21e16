package io.streamcast.connectors.file;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

/**
 * A {@link BulkFormat} that reads recorded CSV / JSON-lines files (see {@link RecordedLineParser})
 * into {@link ParsedEvent}s. A bulk format rather than a stream format because it needs each
 * split's path: for the key of {@code timestamp,value} files and for the origin of dead letters.
 *
 * <p>Files are not split. The checkpointed position is the number of records already emitted
 * from the file; on restore the reader parses again from the start and skips that many, which is
 * exact because parsing is deterministic and every line yields at most one record.
 */
public final class RecordedFileFormat implements BulkFormat<ParsedEvent, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    static final int BATCH_SIZE = 500;

    private final RecordedLineParser lineParser;

    public RecordedFileFormat(EventValidation validation) {
        this.lineParser = new RecordedLineParser(validation);
    }

    @Override
    public Reader<ParsedEvent> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new LineReader(lineParser, split, 0L);
    }

    @Override
    public Reader<ParsedEvent> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long alreadyEmitted = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new LineReader(lineParser, split, alreadyEmitted);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ParsedEvent> getProducedType() {
        return TypeInformation.of(ParsedEvent.class);
    }

    private static final class LineReader implements BulkFormat.Reader<ParsedEvent> {
        private final RecordedLineParser parser;
        private final BufferedReader reader;
        private final String path;
        private final String fileKey;
        private long lineNumber;
        private boolean seenContent;
        private long emitted;
        private long toSkip;

        LineReader(RecordedLineParser parser, FileSourceSplit split, long toSkip) throws IOException {
            Path file = split.path();
            FSDataInputStream in = file.getFileSystem().open(file);
            this.parser = parser;
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            this.path = file.getPath();
            this.fileKey = RecordedLineParser.keyFromFileName(file.getName());
            this.toSkip = toSkip;
            this.emitted = toSkip;
        }

        @Override
        public RecordIterator<ParsedEvent> readBatch() throws IOException {
            List<ParsedEvent> batch = new ArrayList<>(BATCH_SIZE);
            String line;
            while (batch.size() < BATCH_SIZE && (line = reader.readLine()) != null) {
                lineNumber++;
                ParsedEvent parsed = parser.parse(line, path, fileKey, lineNumber, !seenContent, System.currentTimeMillis());
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    seenContent = true;
                }
                if (parsed == null) {
                    continue;
                }
                if (toSkip > 0) {
                    toSkip--;
                    continue;
                }
                batch.add(parsed);
            }
            if (batch.isEmpty()) {
                return null;
            }
            long before = emitted;
            emitted += batch.size();
            return new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, before);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
