package io.streamcast.model.core.artifact;

import java.io.IOException;

/**
 * A model artifact could not be read because its bytes are not a valid artifact of a supported format
 * version. The message names the problem (bad magic, unknown version, truncation, checksum or shape
 * mismatch). An {@link IOException} so that callers handling I/O failures handle this too.
 */
public class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
