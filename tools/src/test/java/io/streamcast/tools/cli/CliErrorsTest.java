package io.streamcast.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The errors a user sees: one line naming the value and the file and line or the address, and what to do; the
 * stack trace only under --verbose; exit code 2 for a bad argument or input, 1 for no broker.
 */
class CliErrorsTest {

    static StreamcastCliTest.Result execute(String... args) {
        return StreamcastCliTest.execute(args);
    }

    /** A timestamp,value CSV with a line that is neither at line 4. */
    static Path csvWithABadLine(Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path csv = data.resolve("series.csv");
        Files.writeString(csv, "timestamp,value\n2024-01-01 00:00:00,1.0\n2024-01-01 00:05:00,2.0\n"
                + "garbage line\n2024-01-01 00:10:00,3.0\n");
        return csv;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void oneLineWithoutStackTrace(StreamcastCliTest.Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void trainOnACsvWithABadLineNamesTheFileAndLine(@TempDir Path dir) throws Exception {
        Path csv = csvWithABadLine(dir);
        StreamcastCliTest.Result r = execute("train", "--input", csv.toString(), "--out", dir.resolve("m.scm").toString(),
                "--no-progress");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + csv + " line 4: expected 2 columns");
        oneLineWithoutStackTrace(r);
    }

    @Test
    void verbosePrintsTheStackTraceToo(@TempDir Path dir) throws Exception {
        Path csv = csvWithABadLine(dir);
        StreamcastCliTest.Result r = execute("train", "--input", csv.toString(), "--out", dir.resolve("m.scm").toString(),
                "--no-progress", "--verbose");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + csv + " line 4: ").contains("SeriesFormatException").contains("\tat ");
    }

    @Test
    void evaluateOnACsvWithABadLineNamesTheFileAndLineBeforeRunningTheJob(@TempDir Path dir) throws Exception {
        Path csv = csvWithABadLine(dir);
        Path out = dir.resolve("out");
        StreamcastCliTest.Result r = execute("evaluate", "--data", csv.getParent().toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + csv + ":4: unparseable timestamp 'garbage line' (expected ISO-8601, "
                + "e.g. 2014-04-10 07:15:00); evaluate needs a timestamp,value row on every data line: fix or delete "
                + "the line" + System.lineSeparator());
        assertThat(out).doesNotExist();
    }

    @Test
    void aBadOptionValueIsOneLineAndWhereToReadTheHelp() {
        StreamcastCliTest.Result r = execute("train", "--input", "x.csv", "--out", "m.scm", "--epochs", "abc");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: Invalid value for option '--epochs'", "'abc' is not an int")
                .contains("see 'streamcast train --help'")
                .doesNotContain("Usage:").doesNotContain("--hidden");
        assertThat(r.err().strip().lines()).hasSize(2);
    }

    @Test
    void anUnknownOptionSuggestsAndPointsAtTheHelp() {
        StreamcastCliTest.Result r = execute("run", "--bootstrap-server", "x:1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: Unknown options: '--bootstrap-server', 'x:1'")
                .contains("--bootstrap-servers").contains("see 'streamcast run --help'").doesNotContain("Usage:");
    }

    @Test
    void replayWithNoBrokerFailsFastNamingTheAddress(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "timestamp,value\n2024-01-01 00:00:00,1.0\n");
        String address = "127.0.0.1:" + freePort();
        long start = System.nanoTime();
        StreamcastCliTest.Result r = execute("replay", "--input", csv.toString(), "--bootstrap-servers", address,
                "--no-progress");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: no Kafka broker answered at " + address + " within 10 s: start a broker "
                + "(scripts/start-kafka.sh starts one at 127.0.0.1:9092) or give a running one's address with "
                + "--bootstrap-servers; nothing was sent" + System.lineSeparator());
    }

    @Test
    void runWithNoBrokerFailsFastNamingTheAddress(@TempDir Path dir) throws Exception {
        String address = "127.0.0.1:" + freePort();
        long start = System.nanoTime();
        StreamcastCliTest.Result r = execute("run", "--bootstrap-servers", address, "--out", dir.toString());
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: no Kafka broker answered at " + address + " within 10 s: start a broker "
                + "(scripts/start-kafka.sh starts one at 127.0.0.1:9092), or omit --bootstrap-servers to run with an "
                + "in-process broker" + System.lineSeparator());
    }

    @Test
    void anUnexpectedFailureIsOneLineWithItsCauses() {
        assertThat(StreamcastCli.describe(new java.util.concurrent.ExecutionException(
                new IllegalStateException("broken")))).isEqualTo("IllegalStateException: broken");
        assertThat(StreamcastCli.describe(new IllegalStateException("job failed",
                new java.io.IOException("disk full")))).isEqualTo("IllegalStateException: job failed; caused by "
                + "IOException: disk full");
    }
}
