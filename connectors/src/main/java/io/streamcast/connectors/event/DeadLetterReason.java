package io.streamcast.connectors.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why an input record was rejected. Each reason has a stable kebab-case code: it is what the
 * dead-letter topic carries in {@code "reason"} and what metric names are built from, so codes
 * never change once released.
 */
public enum DeadLetterReason {
    /** The record is not a JSON object (or not valid JSON at all, or has trailing garbage). */
    MALFORMED_JSON("malformed-json"),
    /** A recorded CSV line has the wrong number of columns. */
    MALFORMED_CSV("malformed-csv"),
    /** The record is larger than the configured maximum number of bytes. */
    OVERSIZED_MESSAGE("oversized-message"),
    /** There is no {@code key} field, it is null, or it is not a string or number. */
    MISSING_KEY("missing-key"),
    /** The key is an empty or whitespace-only string. */
    BLANK_KEY("blank-key"),
    /**
     * The {@code ts} field is missing, not epoch millis, not ISO-8601, or out of range; or the event time is outside
     * the {@link EventTimeBounds} (checked by the job).
     */
    BAD_TIMESTAMP("bad-timestamp"),
    /** There is no {@code value} field, or it is null. */
    MISSING_VALUE("missing-value"),
    /** The value is neither a JSON number nor a numeric string. */
    BAD_VALUE("bad-value"),
    /** The value is NaN or infinite (including numbers too large for a double). */
    NON_FINITE_VALUE("non-finite-value"),
    /** The value lies outside the configured bounds. */
    VALUE_OUT_OF_BOUNDS("value-out-of-bounds"),
    /** The event is older than what its series already processed; decided by the job, not the parser. */
    OUT_OF_ORDER("out-of-order");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The stable kebab-case code, e.g. {@code "non-finite-value"}. */
    @JsonValue
    public String code() {
        return code;
    }

    /**
     * The reason with the given code.
     *
     * @throws IllegalArgumentException if no reason has that code
     */
    @JsonCreator
    public static DeadLetterReason fromCode(String code) {
        for (DeadLetterReason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("Unknown dead-letter reason code: '" + code + "'");
    }
}
