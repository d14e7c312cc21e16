package io.streamcast.jobs.control;

import java.util.Arrays;
import java.util.Objects;

/**
 * The model put in service by the last accepted update, as kept in the forecast operator's broadcast state:
 * the update and the artifact's bytes. The bytes are kept (a model is tens of kilobytes) so that a restart
 * restores the model even when the file at {@code uri} has gone. Written by {@link ActiveModelSerializer}.
 */
public final class ActiveModel {

    private final ModelUpdate update;
    private final byte[] bytes;

    public ActiveModel(ModelUpdate update, byte[] bytes) {
        this.update = Objects.requireNonNull(update, "update");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    public ModelUpdate update() {
        return update;
    }

    public String version() {
        return update.getVersion();
    }

    /** The artifact's bytes; not copied, do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActiveModel a && update.equals(a.update) && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * update.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ActiveModel{" + update + ", " + bytes.length + " bytes}";
    }
}
