package io.streamcast.model.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesReaderTest {
    private static final long APRIL_FIRST_2014 = Instant.parse("2014-04-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void readsNabFileAsUtcWithKeyFromFileName() throws IOException {
        Path f = write("speed_1.csv", "timestamp,value\n2014-04-01 00:00:00,90\n2014-04-01 00:05:00,80.5\n");
        List<Series> all = SeriesReader.read(f);
        assertThat(all).hasSize(1);
        Series s = all.get(0);
        assertThat(s.key()).isEqualTo("speed_1");
        assertThat(s.timestamps()).containsExactly(APRIL_FIRST_2014, APRIL_FIRST_2014 + 300_000);
        assertThat(s.values()).containsExactly(90.0, 80.5);
    }

    @Test
    void readsKeyedFileWithIsoAndEpochTimestamps() throws IOException {
        Path f = write("many.csv", "key,timestamp,value\n"
                + "a,2014-04-01T00:00:00Z,1\n"
                + "b," + APRIL_FIRST_2014 + ",10\n"
                + "a,2014-04-01T02:00:00+02:00,2\n" // an offset: the same instant as the first row
                + "b,2014-04-01T00:10:00,11\n");
        List<Series> all = SeriesReader.read(f);
        assertThat(all).extracting(Series::key).containsExactly("a", "b");
        assertThat(all.get(0).timestamps()).containsExactly(APRIL_FIRST_2014, APRIL_FIRST_2014);
        assertThat(all.get(1).timestamps()).containsExactly(APRIL_FIRST_2014, APRIL_FIRST_2014 + 600_000);
        assertThat(all.get(1).values()).containsExactly(10.0, 11.0);
    }

    @Test
    void directoryIsSearchedRecursivelyInSortedOrderWithRelativeKeys() throws IOException {
        write("b.csv", "timestamp,value\n2014-04-01 00:00:00,1\n");
        Files.createDirectories(dir.resolve("sub"));
        write("sub/a.csv", "timestamp,value\n2014-04-01 00:00:00,2\n");
        write("notes.txt", "not a csv");
        List<Series> all = SeriesReader.read(dir);
        assertThat(all).extracting(Series::key).containsExactly("b", "sub/a");
    }

    @Test
    void sortsRowsThatAreOutOfOrder() throws IOException {
        Path f = write("x.csv", "timestamp,value\n2014-04-01 00:10:00,2\n2014-04-01 00:00:00,1\n");
        Series s = SeriesReader.read(f).get(0);
        assertThat(s.values()).containsExactly(1.0, 2.0);
    }

    @Test
    void malformedValueNamesFileAndLine() throws IOException {
        Path f = write("bad.csv", "timestamp,value\n2014-04-01 00:00:00,1\n\n2014-04-01 00:05:00,abc\n");
        assertThatThrownBy(() -> SeriesReader.read(f))
                .isInstanceOf(SeriesFormatException.class)
                .hasMessage(f + " line 4: value 'abc' is not a number")
                .satisfies(e -> assertThat(((SeriesFormatException) e).line()).isEqualTo(4));
    }

    @Test
    void malformedTimestampAndColumnCountAndHeaderAreReported() throws IOException {
        Path ts = write("ts.csv", "timestamp,value\n01/04/2014,1\n");
        assertThatThrownBy(() -> SeriesReader.read(ts)).hasMessageStartingWith(ts + " line 2: timestamp '01/04/2014'");
        Path cols = write("cols.csv", "timestamp,value\n2014-04-01 00:00:00,1,7\n");
        assertThatThrownBy(() -> SeriesReader.read(cols)).hasMessageStartingWith(cols + " line 2: expected 2 columns");
        Path header = write("header.csv", "time,v\n2014-04-01 00:00:00,1\n");
        assertThatThrownBy(() -> SeriesReader.read(header)).hasMessageStartingWith(header + " line 1: header");
        Path nan = write("nan.csv", "timestamp,value\n2014-04-01 00:00:00,NaN\n");
        assertThatThrownBy(() -> SeriesReader.read(nan)).hasMessage(nan + " line 2: value 'NaN' is not finite");
        Path empty = write("empty.csv", "timestamp,value\n");
        assertThatThrownBy(() -> SeriesReader.read(empty)).hasMessageContaining("no data rows");
    }

    @Test
    void missingInputIsAnIllegalArgument() {
        assertThatThrownBy(() -> SeriesReader.read(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SeriesReader.read(dir)).hasMessageContaining("holds no *.csv file");
    }

    @Test
    void readsAFolderOfNabFiles() throws IOException {
        // a folder laid out as NAB's data/realTraffic (header, "yyyy-MM-dd HH:mm:ss" UTC, 5-minute steps),
        // written here so that the test needs nothing outside the repository
        Path nab = Files.createDirectories(dir.resolve("realTraffic"));
        for (String name : new String[] {"occupancy_6005", "occupancy_t4013", "speed_6005", "speed_7578"}) {
            StringBuilder csv = new StringBuilder("timestamp,value\n");
            java.time.LocalDateTime t = java.time.LocalDateTime.of(2015, 9, 1, 13, 45);
            for (int i = 0; i < 1200; i++, t = t.plusMinutes(5)) {
                csv.append(t.toString().replace('T', ' ')).append(":00,").append(3 + (i * 7919 % 100) / 10.0).append('\n');
            }
            Files.writeString(nab.resolve(name + ".csv"), csv);
        }
        List<Series> all = SeriesReader.read(nab);
        assertThat(all).hasSizeGreaterThan(3).allSatisfy(s -> assertThat(s.size()).isGreaterThan(1000));
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}
