package io.streamcast.jobs.control;

/**
 * Why a model update was refused; the {@link #code()} is what a {@link ModelControlError} carries on the wire.
 */
public enum ModelRefusal {
    /** The control message is not JSON, or lacks version, uri or sha256. */
    MALFORMED_UPDATE("malformed-update"),
    /** The artifact could not be read from its uri by the task. */
    UNREADABLE("unreadable"),
    /** The artifact is larger than {@code streamcast.model.max-artifact-bytes}. */
    TOO_LARGE("too-large"),
    /** The artifact's SHA-256 differs from the one in the update. */
    SHA256_MISMATCH("sha256-mismatch"),
    /** The artifact reader refused the bytes: bad magic, unknown format, truncation, checksum or shapes. */
    INVALID_ARTIFACT("invalid-artifact"),
    /** The artifact names another model version than the update. */
    VERSION_MISMATCH("version-mismatch"),
    /** The version is the one in service, but with other bytes: a published version must not change. */
    VERSION_CONFLICT("version-conflict");

    private final String code;

    ModelRefusal(String code) {
        this.code = code;
    }

    /** The kebab-case code, e.g. {@code sha256-mismatch}. */
    public String code() {
        return code;
    }

    /** Thrown by {@link ModelLoader} with the reason and a message saying what was wrong. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final ModelRefusal reason;

        public RefusedException(ModelRefusal reason, String detail, Throwable cause) {
            super(detail, cause);
            this.reason = reason;
        }

        public RefusedException(ModelRefusal reason, String detail) {
            this(reason, detail, null);
        }

        public ModelRefusal reason() {
            return reason;
        }
    }
}
