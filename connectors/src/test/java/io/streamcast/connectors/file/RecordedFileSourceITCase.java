package io.streamcast.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class RecordedFileSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @TempDir
    Path dir;

    private List<ParsedEvent> run(String spec, EventValidation validation) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(TestClusters.jobConfiguration());
        env.setParallelism(TestClusters.PARALLELISM);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        List<ParsedEvent> out = new ArrayList<>();
        try (CloseableIterator<ParsedEvent> it = env
                .fromSource(RecordedFileSource.fromSpec(spec, validation), WatermarkStrategy.noWatermarks(), "recorded")
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void readsCsvAndJsonLinesFromADirectoryWithDeadLettersForBadLines() throws Exception {
        Path nab = dir.resolve("realKnownCause");
        Files.createDirectories(nab);
        Files.writeString(nab.resolve("machine_temperature.csv"), String.join("\n",
                "timestamp,value",
                "2014-07-01 00:00:00,70.5",
                "2014-07-01 00:05:00,71.0",
                "2014-07-01 00:10:00,oops",
                "2014-07-01 00:15:00,5000",
                "") );
        Files.writeString(dir.resolve("mixed.jsonl"), String.join("\n",
                "{\"key\":\"pump-1\",\"ts\":\"2014-07-01T00:00:00Z\",\"value\":1.0}",
                "",
                "{\"key\":\"pump-2\",\"ts\":1404172800000,\"value\":2.0}",
                "{\"key\":\"pump-2\",\"ts\":",
                "pump-3,2014-07-01T00:00:00Z,3.0",
                "a,b,c,d"));
        Files.writeString(dir.resolve(".hidden.csv"), "2014-07-01 00:00:00,1\n");

        List<ParsedEvent> all = run("file:" + dir, EventValidation.builder().valueBounds(-100, 1000).build());

        long july1 = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();
        assertThat(all.stream().filter(ParsedEvent::isValid).map(ParsedEvent::getEvent))
                .containsExactlyInAnyOrder(
                        new Event("machine_temperature", july1, 70.5),
                        new Event("machine_temperature", july1 + 300_000, 71.0),
                        new Event("pump-1", july1, 1.0),
                        new Event("pump-2", july1, 2.0),
                        new Event("pump-3", july1, 3.0));
        Map<String, DeadLetterReason> deadByOrigin = all.stream().filter(p -> !p.isValid())
                .map(ParsedEvent::getDeadLetter)
                .collect(Collectors.toMap(DeadLetter::origin, DeadLetter::getReason));
        String csv = "file:" + nab.resolve("machine_temperature.csv").toAbsolutePath();
        String jsonl = "file:" + dir.resolve("mixed.jsonl").toAbsolutePath();
        assertThat(deadByOrigin).containsExactlyInAnyOrderEntriesOf(Map.of(
                csv + ":4", DeadLetterReason.BAD_VALUE,
                csv + ":5", DeadLetterReason.VALUE_OUT_OF_BOUNDS,
                jsonl + ":4", DeadLetterReason.MALFORMED_JSON,
                jsonl + ":6", DeadLetterReason.MALFORMED_CSV));
    }

    @Test
    void missingPathIsReportedBeforeTheJobStarts() {
        Path missing = dir.resolve("nope.csv");

        assertThatThrownBy(() -> RecordedFileSource.fromSpec("file:" + missing, EventValidation.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Recorded file or directory " + missing + " does not exist (from 'file:" + missing + "')");
    }
}
