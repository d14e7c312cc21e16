package io.streamcast.jobs.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster scripts' helpers that need no cluster: {@code prune_oldest}, which bounds RocksDB's LOG files of ended
 * runs in {@code logs/rocksdb} (they used to pile up, one set per subtask and run).
 */
class ScriptLibTest {

    @TempDir
    Path tmp;

    @Test
    void pruneOldestKeepsTheMostRecentlyModifiedFilesAndDeletesTheRest() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rocksdb"));
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 8; i++) {
            // names in the opposite order of their times, and one with a space: the order is by time, not by name
            Path f = dir.resolve((i == 3 ? "db with space_" : "db_") + (9 - i) + "_LOG");
            Files.writeString(f, "log " + i);
            Files.setLastModifiedTime(f, FileTime.from(t0.plusSeconds(60L * i)));
        }
        Files.createDirectories(dir.resolve("subdir"));

        Result r = run("prune_oldest '" + dir + "' 3");
        assertThat(r.exit).as(r.output).isZero();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("db_2_LOG", "db_3_LOG", "db_4_LOG", "subdir");
        }

        assertThat(run("prune_oldest '" + dir + "' 10").exit).isZero();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.count()).isEqualTo(4);
        }
        assertThat(run("prune_oldest '" + tmp.resolve("missing") + "' 3").exit).isZero();
        Result bad = run("prune_oldest '" + dir + "' many");
        assertThat(bad.exit).isNotZero();
        assertThat(bad.output).contains("must be a whole number").contains("'many'");
    }

    record Result(int exit, String output) {}

    Result run(String command) throws IOException, InterruptedException {
        Path lib = StandaloneClusterITCase.REPO.resolve("scripts/lib.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source '" + lib + "' && " + command)
                .redirectErrorStream(true);
        pb.environment().put("STREAMCAST_CLUSTER_DIR", tmp.resolve("cluster").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
