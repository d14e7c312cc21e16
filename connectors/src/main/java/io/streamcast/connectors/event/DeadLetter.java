package io.streamcast.connectors.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * An input record that could not become an {@link Event}, with the reason and where it came from.
 *
 * <p>For Kafka input, {@code topic}, {@code partition} and {@code offset} locate the record. For a
 * recorded file, {@code topic} is {@code "file:" + path}, {@code partition} is {@link #NO_PARTITION}
 * and {@code offset} is the 1-based line number. {@code raw} is the record's exact bytes: its text when they
 * are valid UTF-8, else {@value #BASE64_PREFIX} followed by their Base64 (also for text that itself starts
 * with that prefix), so {@link #rawBytes()} rebuilds the original (see {@link #rawOf}). Two exceptions: an
 * oversized record is cut to its first {@link EventValidation#RAW_PREVIEW_CHARS} characters so that the
 * dead-letter topic does not reject it in turn, and an event refused by the job after parsing (out of
 * order, late, outside the event-time bounds) carries the parsed event as JSON. {@code detail} says in words what was wrong;
 * {@code seenAt} is the wall-clock time in epoch millis at which it was rejected.
 *
 * <p>Flink serializes it with {@link DeadLetterSerializer} (attached by {@code @TypeInfo}). As JSON
 * {@code {"raw","reason","detail","topic","partition","offset","seenAt"}} with the reason as its
 * {@linkplain DeadLetterReason#code() code}.
 */
@TypeInfo(DeadLetterTypeInfo.Factory.class)
@JsonPropertyOrder({"raw", "reason", "detail", "topic", "partition", "offset", "seenAt"})
@JsonIgnoreProperties(ignoreUnknown = true)
public class DeadLetter {

    /** The partition of a record that did not come from Kafka. */
    public static final int NO_PARTITION = -1;

    /** Marks a {@code raw} that is the Base64 of the record's bytes (they are not valid UTF-8). */
    public static final String BASE64_PREFIX = "base64:";

    /**
     * The {@code raw} of a record with these bytes: the text if they are valid UTF-8 and it does not start with
     * {@link #BASE64_PREFIX}, else the prefix and the bytes' Base64. {@link #rawBytes()} inverts it.
     */
    public static String rawOf(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            if (!text.startsWith(BASE64_PREFIX)) {
                return text;
            }
        } catch (CharacterCodingException notUtf8) {
            // below
        }
        return BASE64_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The record's bytes as {@code raw} holds them: decoded from Base64 when prefixed, else its UTF-8. */
    public byte[] rawBytes() {
        if (raw == null) {
            return null;
        }
        return raw.startsWith(BASE64_PREFIX)
                ? Base64.getDecoder().decode(raw.substring(BASE64_PREFIX.length()))
                : raw.getBytes(StandardCharsets.UTF_8);
    }

    private String raw;
    private DeadLetterReason reason;
    private String detail;
    private String topic;
    private int partition;
    private long offset;
    private long seenAt;

    /** For serializers and Jackson. */
    public DeadLetter() {}

    public DeadLetter(
            String raw,
            DeadLetterReason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            long seenAt) {
        this.raw = raw;
        this.reason = reason;
        this.detail = detail;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.seenAt = seenAt;
    }

    /** Where the record came from: {@code topic-partition@offset}, or {@code file:path:line}. */
    public String origin() {
        return partition == NO_PARTITION ? topic + ":" + offset : topic + "-" + partition + "@" + offset;
    }

    public String getRaw() {
        return raw;
    }

    public void setRaw(String raw) {
        this.raw = raw;
    }

    public DeadLetterReason getReason() {
        return reason;
    }

    public void setReason(DeadLetterReason reason) {
        this.reason = reason;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public int getPartition() {
        return partition;
    }

    public void setPartition(int partition) {
        this.partition = partition;
    }

    public long getOffset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    public long getSeenAt() {
        return seenAt;
    }

    public void setSeenAt(long seenAt) {
        this.seenAt = seenAt;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter other = (DeadLetter) o;
        return partition == other.partition
                && offset == other.offset
                && seenAt == other.seenAt
                && Objects.equals(raw, other.raw)
                && reason == other.reason
                && Objects.equals(detail, other.detail)
                && Objects.equals(topic, other.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(raw, reason, detail, topic, partition, offset, seenAt);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + (reason == null ? null : reason.code()) + " at " + origin()
                + ": " + detail + ", raw='" + raw + "'}";
    }
}
