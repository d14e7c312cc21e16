package io.streamcast.tools.bench;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reading and deleting checkpoint folders that Flink may still be changing.
 * <p>
 * Flink writes and discards checkpoint files from its own threads, and not only while a job runs: a subsumed
 * checkpoint is deleted after the next one completes, the checkpoints of a finished job and the files of a
 * checkpoint that a cancellation aborted are deleted after {@code execute()} has returned or the cancellation was
 * acknowledged. A plain {@code Files.walk} over such a folder fails with {@link NoSuchFileException} when an entry
 * goes between being listed and being read, and deleting it fails with {@link NoSuchFileException} or
 * {@link DirectoryNotEmptyException}. These walks skip what vanished, and {@link #delete} goes on until nothing is
 * left.
 */
final class CheckpointFolders {

    /** How long {@link #delete} keeps trying while files keep appearing in the folder. */
    static final Duration DELETE_PATIENCE = Duration.ofSeconds(30);

    private CheckpointFolders() {}

    /**
     * Deletes {@code dir} and everything under it; entries deleted meanwhile by someone else are skipped, and while
     * new ones appear it tries again, for up to {@link #DELETE_PATIENCE}. Nothing to do when {@code dir} is missing.
     *
     * @throws IOException when something cannot be deleted, or files still appear after the patience ran out
     */
    static void delete(Path dir) throws IOException {
        long deadline = System.nanoTime() + DELETE_PATIENCE.toNanos();
        while (true) {
            try {
                deleteOnce(dir);
                if (!Files.exists(dir)) {
                    return;
                }
            } catch (DirectoryNotEmptyException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new DirectoryNotEmptyException(dir + " (files still appear in it after "
                        + DELETE_PATIENCE.toSeconds() + " s)");
            }
            sleep(50);
        }
    }

    private static void deleteOnce(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                return skipIfGone(e);
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The folder of the newest completed checkpoint under {@code root} (a {@code _metadata} file at most two
     * folders below it, {@code JOB/chk-N/_metadata}) whose {@code _metadata} was written after {@code millis}, or
     * null when there is none yet.
     */
    static Path latestCompletedAfter(Path root, long millis) throws IOException {
        Path best = null;
        long bestModified = Long.MIN_VALUE;
        for (Path metadata : files(root, 3)) {
            if (!metadata.getFileName().toString().equals("_metadata")) {
                continue;
            }
            long modified = metadata.toFile().lastModified(); // 0 when it was deleted meanwhile
            if (modified > millis && modified > bestModified) {
                best = metadata.getParent();
                bestModified = modified;
            }
        }
        return best;
    }

    /** The bytes of the files under {@code dir}; files deleted meanwhile count nothing. */
    static long size(Path dir) throws IOException {
        long bytes = 0;
        for (Path f : files(dir, Integer.MAX_VALUE)) {
            bytes += f.toFile().length(); // 0 when it was deleted meanwhile
        }
        return bytes;
    }

    /** The regular files under {@code dir}, at most {@code depth} levels down, skipping entries that vanish. */
    private static List<Path> files(Path dir, int depth) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        Files.walkFileTree(dir, Set.of(), depth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                return skipIfGone(e);
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                return skipIfGone(e);
            }
        });
        return out;
    }

    private static FileVisitResult skipIfGone(IOException e) throws IOException {
        if (e == null || e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
        }
        throw e;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting a checkpoint folder", e);
        }
    }
}
