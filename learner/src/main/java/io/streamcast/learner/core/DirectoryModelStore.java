package io.streamcast.learner.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A model store in a local (or mounted) directory: {@code <dir>/<version>.scm}, written to a temporary file in the
 * same directory and then renamed, so a reader never sees half an artifact. The URI returned is a {@code file:} URI.
 */
public final class DirectoryModelStore implements ModelStore {
    private final Path dir;

    public DirectoryModelStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String put(String version, byte[] bytes) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the model store directory " + dir + ": " + e, e);
        }
        Path target = dir.resolve(version + ".scm");
        Path tmp = dir.resolve("." + version + ".scm.tmp");
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw new IOException("cannot write " + target + " to the model store: " + e, e);
        }
        return target.toUri().toString();
    }

    @Override
    public String describe() {
        return dir.toString();
    }
}
