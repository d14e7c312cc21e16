package io.streamcast.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedFileFormatTest {

    private static final int LINES = 1_234; // more than two batches

    @TempDir
    Path dir;

    private FileSourceSplit split(Path file, CheckpointedPosition position) throws Exception {
        org.apache.flink.core.fs.Path p = org.apache.flink.core.fs.Path.fromLocalFile(file.toFile());
        long size = Files.size(file);
        return new FileSourceSplit("0", p, 0, size, 0, size, new String[0], position);
    }

    private Path writeSeries() throws Exception {
        Path file = dir.resolve("series-a.csv");
        String body = IntStream.range(0, LINES)
                .mapToObj(i -> i == 500 ? "broken line" : i + "," + (i * 0.5))
                .collect(Collectors.joining("\n", "timestamp,value\n", "\n"));
        Files.writeString(file, body);
        return file;
    }

    /** Reads all records, remembering the position after each. */
    private static List<RecordAndPosition<ParsedEvent>> readAll(BulkFormat.Reader<ParsedEvent> reader) throws Exception {
        List<RecordAndPosition<ParsedEvent>> out = new ArrayList<>();
        BulkFormat.RecordIterator<ParsedEvent> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<ParsedEvent> r;
            while ((r = batch.next()) != null) {
                out.add(new RecordAndPosition<>(r.getRecord(), r.getOffset(), r.getRecordSkipCount()));
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }

    @Test
    void readsEveryLineWithFileKeyAndLineNumbers() throws Exception {
        Path file = writeSeries();
        RecordedFileFormat format = new RecordedFileFormat(EventValidation.defaults());

        List<RecordAndPosition<ParsedEvent>> all = readAll(format.createReader(new Configuration(), split(file, null)));

        assertThat(all).hasSize(LINES);
        ParsedEvent first = all.get(0).getRecord();
        assertThat(first.getEvent().getKey()).isEqualTo("series-a");
        assertThat(first.getOffset()).isEqualTo(2); // line 1 is the header
        assertThat(all.get(500).getRecord().isValid()).isFalse();
        assertThat(all.get(500).getRecord().getDeadLetter().origin()).isEqualTo("file:" + file.toAbsolutePath() + ":502");
        assertThat(all.get(LINES - 1).getRecord().getEvent().getValue()).isEqualTo((LINES - 1) * 0.5);
        assertThat(all.get(LINES - 1).getRecordSkipCount()).isEqualTo(LINES);
    }

    @Test
    void restoreContinuesAfterTheCheckpointedRecord() throws Exception {
        Path file = writeSeries();
        RecordedFileFormat format = new RecordedFileFormat(EventValidation.defaults());
        List<RecordAndPosition<ParsedEvent>> all = readAll(format.createReader(new Configuration(), split(file, null)));
        RecordAndPosition<ParsedEvent> checkpointed = all.get(700);

        List<RecordAndPosition<ParsedEvent>> rest = readAll(format.restoreReader(new Configuration(), split(file,
                new CheckpointedPosition(checkpointed.getOffset(), checkpointed.getRecordSkipCount()))));

        assertThat(rest).extracting(RecordAndPosition::getRecord)
                .containsExactlyElementsOf(all.subList(701, LINES).stream()
                        .map(RecordAndPosition::getRecord).collect(Collectors.toList()));
        assertThat(rest.get(0).getRecordSkipCount()).isEqualTo(702);
    }
}
