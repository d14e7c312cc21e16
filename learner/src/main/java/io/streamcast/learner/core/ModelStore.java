package io.streamcast.learner.core;

import java.io.IOException;

/** Where the learner writes the artifacts of accepted versions. */
public interface ModelStore {

    /**
     * Writes {@code bytes} as the artifact of {@code version} and returns the URI the forecast job's tasks read it
     * from (the {@code uri} of the announcement). Either the whole artifact is there under that URI afterwards, or
     * this throws.
     *
     * @throws IOException if the store cannot be written (missing, read-only, full)
     */
    String put(String version, byte[] bytes) throws IOException;

    /** Where the store is, for messages. */
    String describe();
}
