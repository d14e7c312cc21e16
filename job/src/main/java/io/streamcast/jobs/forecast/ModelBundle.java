package io.streamcast.jobs.forecast;

import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model artifact's bytes, shipped inside the job graph so every task loads exactly the model the job
 * was submitted with, wherever it runs (no shared file system needed). Read and checked once on the
 * client, so a bad artifact fails the submission with the reader's message rather than a task.
 */
public final class ModelBundle implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Class-path location of the bundled default model. */
    public static final String DEFAULT_RESOURCE = "/models/default.scm";

    private final byte[] bytes;
    private final String sha256;
    private final String modelVersion;

    private ModelBundle(byte[] bytes, String source) {
        this.bytes = bytes;
        this.sha256 = ModelArtifactReader.sha256(bytes);
        try {
            this.modelVersion = load().modelVersion();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use model " + source + ": " + e.getMessage(), e);
        }
    }

    public static ModelBundle fromBytes(byte[] bytes, String source) {
        return new ModelBundle(bytes.clone(), source);
    }

    public static ModelBundle fromFile(Path path) {
        try {
            return new ModelBundle(Files.readAllBytes(path), path.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("model file " + path + " does not exist: pass --model PATH to a file "
                    + "written by 'streamcast train'", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + path, e);
        }
    }

    /** The default model bundled in the jar. */
    public static ModelBundle bundledDefault() {
        try (InputStream in = ModelBundle.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled model " + DEFAULT_RESOURCE + " is missing from the class path");
            }
            return new ModelBundle(in.readAllBytes(), "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled model " + DEFAULT_RESOURCE, e);
        }
    }

    /** Parses the artifact (checksum and shapes checked by the reader). */
    public ModelArtifact load() throws IOException {
        return ModelArtifactReader.fromBytes(bytes);
    }

    public String sha256() {
        return sha256;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public int sizeBytes() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelBundle m && sha256.equals(m.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sha256);
    }

    @Override
    public String toString() {
        return "ModelBundle[" + modelVersion + ", sha256=" + sha256 + ", " + bytes.length + " bytes]";
    }
}
