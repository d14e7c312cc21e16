package io.streamcast.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordedLineParserTest {

    private static final String PATH = "/data/realKnownCause/machine_temperature.csv";
    private static final long JULY_1 = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();

    private final RecordedLineParser parser = new RecordedLineParser(EventValidation.defaults());

    private ParsedEvent parse(String line, long lineNumber, boolean first) {
        return parser.parse(line, PATH, "machine_temperature", lineNumber, first, 0L);
    }

    @Test
    void keyFromFileName() {
        assertThat(RecordedLineParser.keyFromFileName("/a/b/nyc_taxi.csv")).isEqualTo("nyc_taxi");
        assertThat(RecordedLineParser.keyFromFileName("events.2024.jsonl")).isEqualTo("events.2024");
        assertThat(RecordedLineParser.keyFromFileName("README")).isEqualTo("README");
    }

    @Test
    void nabTwoColumnLinesTakeTheKeyFromTheFile() {
        assertThat(parse("timestamp,value", 1, true)).isNull();
        ParsedEvent row = parse("2014-07-01 00:00:00,73.96732207", 2, false);

        assertThat(row.getEvent()).isEqualTo(new Event("machine_temperature", JULY_1, 73.96732207));
        assertThat(row.getTopic()).isEqualTo("file:" + PATH);
        assertThat(row.getOffset()).isEqualTo(2);
    }

    @Test
    void threeColumnLinesCarryTheirKey() {
        assertThat(parse("key,timestamp,value", 1, true)).isNull();
        assertThat(parse("\"pump-3\", 1404172800000, 1.5", 2, false).getEvent())
                .isEqualTo(new Event("pump-3", JULY_1, 1.5));
    }

    @Test
    void headerIsOnlyRecognisedOnTheFirstContentLine() {
        ParsedEvent late = parse("timestamp,value", 5, false);

        assertThat(late.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void blankLinesAndCommentsYieldNothing() {
        assertThat(parse("", 1, true)).isNull();
        assertThat(parse("   ", 2, true)).isNull();
        assertThat(parse("# recorded 2014", 3, true)).isNull();
    }

    @Test
    void jsonLinesAreCheckedLikeKafkaRecords() {
        ParsedEvent ok = parse("{\"key\":\"a\",\"ts\":\"2014-07-01T00:00:00Z\",\"value\":2}", 1, true);
        ParsedEvent bad = parse("{\"key\":\"a\",\"ts\":", 2, false);

        assertThat(ok.getEvent()).isEqualTo(new Event("a", JULY_1, 2));
        assertThat(bad.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(bad.getDeadLetter().origin()).isEqualTo("file:" + PATH + ":2");
    }

    @Test
    void wrongColumnCountIsMalformedCsv() {
        ParsedEvent bad = parse("2014-07-01 00:00:00,1,2,3", 9, false);

        assertThat(bad.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MALFORMED_CSV);
        assertThat(bad.getDeadLetter().getDetail())
                .isEqualTo("expected 2 columns (timestamp,value) or 3 (key,timestamp,value), got 4");
        assertThat(bad.getDeadLetter().getRaw()).isEqualTo("2014-07-01 00:00:00,1,2,3");
        assertThat(bad.getDeadLetter().origin()).isEqualTo("file:" + PATH + ":9");
    }

    @Test
    void csvValuesAreValidated() {
        assertThat(parse("2014-07-01 00:00:00,NaN", 2, false).getDeadLetter().getReason())
                .isEqualTo(DeadLetterReason.NON_FINITE_VALUE);
        assertThat(parse("2014-07-01 00:00:00,", 3, false).getDeadLetter().getReason())
                .isEqualTo(DeadLetterReason.BAD_VALUE);
        assertThat(parse(" ,2014-07-01 00:00:00,1", 4, false).getDeadLetter().getReason())
                .isEqualTo(DeadLetterReason.BLANK_KEY);
    }

    private RecordedLine read(String line, KeyFrom keyFrom) {
        return parser.read(line, PATH, "realKnownCause/machine_temperature", keyFrom, 2, false, 0L);
    }

    @Test
    void keyFromFilenameKeysEveryLayoutByTheFile() {
        String fileKey = "realKnownCause/machine_temperature";

        assertThat(read("2014-07-01 00:00:00,1.5", KeyFrom.FILENAME).parsed().getEvent())
                .isEqualTo(new Event(fileKey, JULY_1, 1.5));
        assertThat(read("pump-3,1404172800000,1.5", KeyFrom.FILENAME).parsed().getEvent())
                .isEqualTo(new Event(fileKey, JULY_1, 1.5));
        RecordedLine json = read("{\"key\":\"pump-3\",\"ts\":1404172800000,\"value\":1.50,\"unit\":\"C\"}",
                KeyFrom.FILENAME);
        assertThat(json.parsed().getEvent()).isEqualTo(new Event(fileKey, JULY_1, 1.5));
        assertThat(json.json()).isEqualTo(
                "{\"key\":\"" + fileKey + "\",\"ts\":1404172800000,\"value\":1.50,\"unit\":\"C\"}");
        RecordedLine noKey = read("{\"ts\":\"2014-07-01T00:00:00Z\",\"value\":2}", KeyFrom.FILENAME);
        assertThat(noKey.parsed().getEvent()).isEqualTo(new Event(fileKey, JULY_1, 2));
        assertThat(noKey.lacksKey()).isFalse();
    }

    @Test
    void keyFromFilenameLeavesBrokenJsonForTheDeadLetterTopic() {
        RecordedLine broken = read("{\"key\":\"a\",\"ts\":", KeyFrom.FILENAME);
        RecordedLine nan = read("{\"ts\":1404172800000,\"value\":NaN}", KeyFrom.FILENAME);

        assertThat(broken.json()).isEqualTo("{\"key\":\"a\",\"ts\":");
        assertThat(broken.parsed().getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(nan.parsed().getDeadLetter().getReason()).isEqualTo(DeadLetterReason.NON_FINITE_VALUE);
    }

    @Test
    void keyFromColumnMarksLinesWithoutAKey() {
        RecordedLine twoColumns = read("2014-07-01 00:00:00,1.5", KeyFrom.COLUMN);
        RecordedLine jsonWithoutKey = read("{\"ts\":1404172800000,\"value\":2}", KeyFrom.COLUMN);
        RecordedLine keyed = read("pump-3,1404172800000,1.5", KeyFrom.COLUMN);
        RecordedLine badValue = read("{\"key\":\"p\",\"ts\":1404172800000,\"value\":\"x\"}", KeyFrom.COLUMN);

        assertThat(twoColumns.lacksKey()).isTrue();
        assertThat(twoColumns.parsed().getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_KEY);
        assertThat(jsonWithoutKey.lacksKey()).isTrue();
        assertThat(keyed.lacksKey()).isFalse();
        assertThat(keyed.parsed().getEvent()).isEqualTo(new Event("pump-3", JULY_1, 1.5));
        assertThat(badValue.lacksKey()).isFalse();
        assertThat(badValue.parsed().getDeadLetter().getReason()).isEqualTo(DeadLetterReason.BAD_VALUE);
        assertThat(read("2014-07-01 00:00:00,1.5", KeyFrom.AUTO).lacksKey()).isFalse();
    }

    @Test
    void fileKeyUnderFilenameIsThePathBelowTheInputWithoutExtension() {
        Path dir = Path.of("/data/nab");
        Path file = dir.resolve("realTweets/Twitter_volume_AAPL.csv");

        assertThat(KeyFrom.FILENAME.fileKey(dir, file)).isEqualTo("realTweets/Twitter_volume_AAPL");
        assertThat(KeyFrom.FILENAME.fileKey(dir, dir.resolve("a.b.jsonl"))).isEqualTo("a.b");
        assertThat(KeyFrom.FILENAME.fileKey(file, file)).isEqualTo("Twitter_volume_AAPL");
        assertThat(KeyFrom.AUTO.fileKey(dir, file)).isEqualTo("Twitter_volume_AAPL");
    }
}
