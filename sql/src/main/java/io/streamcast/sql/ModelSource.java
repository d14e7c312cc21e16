package io.streamcast.sql;

import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;

/**
 * Where the {@code model} argument of {@link StreamcastForecast} points, and how to read it:
 * <ul>
 *   <li>{@code NULL} or not given: the default model bundled in the jar ({@value ModelBundle#DEFAULT_RESOURCE});
 *   <li>{@code classpath:/path}: a resource on the function's class path;
 *   <li>anything else: a path or URI read through Flink's file systems ({@code file:///models/m.scm},
 *       {@code /models/m.scm}, {@code s3://bucket/m.scm} where that file system plugin is installed).
 * </ul>
 * The artifact is read whole and checked by the artifact reader (checksum, shapes, version), so a path that does not
 * exist and a corrupt artifact fail with a message that names the argument.
 */
public final class ModelSource {

    public static final String CLASSPATH_PREFIX = "classpath:";

    private ModelSource() {}

    /** Reads and checks the model {@code source} names ({@code null}: the bundled default). */
    public static ModelBundle load(String source) {
        if (source == null || source.isBlank()) {
            return ModelBundle.bundledDefault();
        }
        String s = source.trim();
        try {
            if (s.toLowerCase(Locale.ROOT).startsWith(CLASSPATH_PREFIX)) {
                String resource = s.substring(CLASSPATH_PREFIX.length());
                String absolute = resource.startsWith("/") ? resource : "/" + resource;
                try (InputStream in = ModelSource.class.getResourceAsStream(absolute)) {
                    if (in == null) {
                        throw new IllegalArgumentException("model '" + source + "': no such resource on the class path");
                    }
                    return ModelBundle.fromBytes(in.readAllBytes(), source);
                }
            }
            Path path = new Path(URI.create(s.contains("://") ? s : new java.io.File(s).toURI().toString()));
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("model '" + source + "' does not exist: pass model => "
                        + "'file:///path/to/model.scm' (a file written by 'streamcast train'), or leave the argument "
                        + "out for the bundled default model");
            }
            try (FSDataInputStream in = fs.open(path)) {
                return ModelBundle.fromBytes(in.readAllBytes(), source);
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("model '" + source + "' does not exist: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("model '" + source + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
