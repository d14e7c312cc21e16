package io.streamcast.jobs.control;

import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelFormatException;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * Loads and checks the artifact a {@link ModelUpdate} points at, as a task does before a swap: the update is
 * complete, the file is readable through Flink's file systems and not larger than the limit, its SHA-256 equals
 * the update's, the artifact reader accepts it (magic, format version, checksum, shapes) and it names the
 * update's version. Any failure is a {@link ModelRefusal.RefusedException} saying what was wrong.
 */
public final class ModelLoader {

    private ModelLoader() {}

    /** An artifact that passed every check. */
    public record Loaded(ModelUpdate update, byte[] bytes, ModelArtifact artifact) {
        public ActiveModel toActiveModel() {
            return new ActiveModel(update, bytes);
        }
    }

    /** Checks that an update names a version, a uri and a 64-hex-digit SHA-256. */
    public static void checkComplete(ModelUpdate u) throws ModelRefusal.RefusedException {
        if (u == null || blank(u.getVersion()) || blank(u.getUri()) || blank(u.getSha256())) {
            throw new ModelRefusal.RefusedException(ModelRefusal.MALFORMED_UPDATE,
                    "a model update needs \"version\", \"uri\" and \"sha256\", got " + u);
        }
        if (!u.getSha256().trim().matches("[0-9a-fA-F]{64}")) {
            throw new ModelRefusal.RefusedException(ModelRefusal.MALFORMED_UPDATE,
                    "\"sha256\" must be 64 hex digits, got '" + u.getSha256() + "'");
        }
    }

    public static Loaded load(ModelUpdate u, long maxBytes) throws ModelRefusal.RefusedException {
        checkComplete(u);
        byte[] bytes = read(u.getUri().trim(), maxBytes);
        return verify(u, bytes);
    }

    /** The checks after reading: SHA-256, the artifact reader's own checks, the version. */
    public static Loaded verify(ModelUpdate u, byte[] bytes) throws ModelRefusal.RefusedException {
        String actual = ModelArtifactReader.sha256(bytes);
        String expected = u.getSha256().trim().toLowerCase(Locale.ROOT);
        if (!actual.equals(expected)) {
            throw new ModelRefusal.RefusedException(ModelRefusal.SHA256_MISMATCH,
                    "the artifact at " + u.getUri() + " has SHA-256 " + actual + ", the update says " + expected);
        }
        ModelArtifact artifact;
        try {
            artifact = ModelArtifactReader.fromBytes(bytes);
        } catch (ModelFormatException e) {
            throw new ModelRefusal.RefusedException(ModelRefusal.INVALID_ARTIFACT,
                    "the artifact at " + u.getUri() + " is not a valid model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelRefusal.RefusedException(ModelRefusal.INVALID_ARTIFACT,
                    "the artifact at " + u.getUri() + " is not a valid model: " + e, e);
        }
        if (!artifact.modelVersion().equals(u.getVersion())) {
            throw new ModelRefusal.RefusedException(ModelRefusal.VERSION_MISMATCH,
                    "the artifact at " + u.getUri() + " is model version '" + artifact.modelVersion()
                            + "', the update says '" + u.getVersion() + "'");
        }
        return new Loaded(u, bytes, artifact);
    }

    private static byte[] read(String uri, long maxBytes) throws ModelRefusal.RefusedException {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem();
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
            byte[] chunk = new byte[64 * 1024];
            try (FSDataInputStream in = fs.open(path)) {
                long total = 0;
                int n;
                while ((n = in.read(chunk)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new ModelRefusal.RefusedException(ModelRefusal.TOO_LARGE,
                                "the artifact at " + uri + " is larger than " + maxBytes + " bytes "
                                        + "(streamcast.model.max-artifact-size)");
                    }
                    buf.write(chunk, 0, n);
                }
            }
            return buf.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusal.RefusedException(ModelRefusal.UNREADABLE,
                    "cannot read the artifact at " + uri + ": " + e, e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
