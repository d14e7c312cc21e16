package io.streamcast.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's work folder is deleted while Flink is still discarding the checkpoints of a job that has just ended
 * (a finished job's checkpoints, an aborted checkpoint's files on cancellation): {@link PipelineHarness#close} and
 * the checkpoint walks of the state scenario must not fail when files vanish or appear meanwhile.
 */
class PipelineHarnessTest {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    private static ExecutorService flink;

    @BeforeAll
    static void start() {
        flink = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stop() {
        flink.shutdownNow();
    }

    /** {@code checkpoints/JOB/chk-N/FILE}: {@code dirs} checkpoints of {@code files} files each, the paths made. */
    private static List<Path> checkpoints(Path root, int dirs, int files) throws IOException {
        List<Path> made = new ArrayList<>();
        Path job = Files.createDirectories(root.resolve("7e77534731a016cdc60cbc2ff888513c"));
        for (int c = 1; c <= dirs; c++) {
            Path chk = Files.createDirectory(job.resolve("chk-" + c));
            made.add(chk);
            for (int f = 0; f < files; f++) {
                made.add(Files.write(chk.resolve("state-" + f), new byte[100]));
            }
            made.add(Files.write(chk.resolve("_metadata"), new byte[10]));
        }
        return made;
    }

    /** Deletes the paths in the order a cleaner thread of Flink would: each checkpoint's files, then its folder. */
    private static Future<?> discardConcurrently(List<Path> made, CountDownLatch started) {
        List<Path> order = new ArrayList<>(made);
        order.sort(Comparator.comparing(Path::toString).reversed()); // files before their folder
        return flink.submit(() -> {
            started.countDown();
            for (Path p : order) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Flink logs such failures and goes on
                }
            }
        });
    }

    @Test
    void closeDeletesTheWorkFolderWhileFlinkIsStillDiscardingCheckpoints() throws Exception {
        for (int round = 0; round < 5; round++) {
            PipelineHarness h = new PipelineHarness(true, QUIET);
            List<Path> made = checkpoints(h.checkpoints(), 20, 50);
            CountDownLatch started = new CountDownLatch(1);
            Future<?> cleaner = discardConcurrently(made, started);
            started.await();

            h.close();

            assertThat(h.work).doesNotExist();
            cleaner.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void deleteWaitsForFilesThatAreStillBeingWritten() throws Exception {
        Path root = Files.createTempDirectory("checkpoint-folders");
        Path chk = Files.createDirectories(root.resolve("job").resolve("chk-2"));
        CountDownLatch started = new CountDownLatch(1);
        Future<?> writer = flink.submit(() -> {
            started.countDown();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            for (int i = 0; System.nanoTime() < end; i++) {
                try {
                    Files.createDirectories(chk);
                    Files.write(chk.resolve("state-" + i), new byte[10]);
                } catch (IOException e) {
                    // the folder was deleted meanwhile: write again
                }
            }
        });
        started.await();

        CheckpointFolders.delete(root);
        writer.get(30, TimeUnit.SECONDS);
        CheckpointFolders.delete(root);

        assertThat(root).doesNotExist();
    }

    @Test
    void theNewestCompletedCheckpointIsFoundAndSizedWhileOlderOnesAreDiscarded() throws Exception {
        for (int round = 0; round < 5; round++) {
            Path root = Files.createTempDirectory("checkpoint-folders");
            long before = System.currentTimeMillis() - 10_000;
            List<Path> old = checkpoints(root, 10, 50);
            Path newest = root.resolve("7e77534731a016cdc60cbc2ff888513c").resolve("chk-11");
            Files.createDirectory(newest);
            Files.write(newest.resolve("state-0"), new byte[1000]);
            Files.write(newest.resolve("state-1"), new byte[234]);
            Files.write(newest.resolve("_metadata"), new byte[10]);
            assertThat(newest.resolve("_metadata").toFile().setLastModified(System.currentTimeMillis() + 60_000)).isTrue();
            CountDownLatch started = new CountDownLatch(1);
            Future<?> cleaner = discardConcurrently(old, started);
            started.await();

            Path found;
            try {
                found = CheckpointFolders.latestCompletedAfter(root, before);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }

            assertThat(found).isEqualTo(newest);
            assertThat(CheckpointFolders.size(found)).isEqualTo(1244);
            cleaner.get(30, TimeUnit.SECONDS);
            CheckpointFolders.delete(root);
        }
    }
}
