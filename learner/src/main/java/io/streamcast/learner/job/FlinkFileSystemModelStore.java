package io.streamcast.learner.job;

import io.streamcast.learner.core.ModelStore;
import java.io.IOException;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A model store at any Flink file system URI ({@code file:///models}, {@code s3://bucket/models}, {@code hdfs://…}):
 * {@code <base>/<version>.scm}, written to a hidden temporary file beside it and renamed (where the file system's
 * rename is atomic, as on local and HDFS, a reader never sees half an artifact; on object stores the write itself
 * becomes visible whole at close). The returned URI is what the forecast job's tasks read through the same file
 * systems.
 */
public final class FlinkFileSystemModelStore implements ModelStore {
    private final String base;

    public FlinkFileSystemModelStore(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @Override
    public String put(String version, byte[] bytes) throws IOException {
        Path target = new Path(base + "/" + version + ".scm");
        Path tmp = new Path(base + "/." + version + ".scm.tmp");
        FileSystem fs = target.getFileSystem();
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
                out.write(bytes);
                out.sync();
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("renaming " + tmp + " to " + target + " failed");
            }
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target.makeQualified(fs).toUri().toString();
    }

    @Override
    public String describe() {
        return base;
    }
}
