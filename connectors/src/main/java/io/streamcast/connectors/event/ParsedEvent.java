package io.streamcast.connectors.event;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The outcome of parsing one input record: either a valid {@link Event} or a {@link DeadLetter},
 * never both and never neither, together with where the record came from. Sources emit this type
 * so that a bad record travels down the stream to a dead-letter sink instead of vanishing.
 *
 * <p>Flink serializes it with {@link ParsedEventSerializer} (attached by {@code @TypeInfo}), not as a POJO: it
 * crosses the keyBy shuffle for every event. The absent side is {@code null}. Use {@link #valid} and
 * {@link #invalid} to build one; the no-argument constructor and the setters exist for serializers.
 */
@TypeInfo(ParsedEventTypeInfo.Factory.class)
public class ParsedEvent {

    private Event event;
    private DeadLetter deadLetter;
    private String topic;
    private int partition;
    private long offset;

    /** For serializers. */
    public ParsedEvent() {}

    private ParsedEvent(Event event, DeadLetter deadLetter, String topic, int partition, long offset) {
        this.event = event;
        this.deadLetter = deadLetter;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** A valid event read from {@code topic}/{@code partition} at {@code offset}. */
    public static ParsedEvent valid(Event event, String topic, int partition, long offset) {
        return new ParsedEvent(
                Objects.requireNonNull(event, "event"), null, topic, partition, offset);
    }

    /** A rejected record; its origin is the dead letter's. */
    public static ParsedEvent invalid(DeadLetter deadLetter) {
        Objects.requireNonNull(deadLetter, "deadLetter");
        return new ParsedEvent(
                null,
                deadLetter,
                deadLetter.getTopic(),
                deadLetter.getPartition(),
                deadLetter.getOffset());
    }

    /** True when this holds an {@link Event}, false when it holds a {@link DeadLetter}. */
    public boolean isValid() {
        return event != null;
    }

    /** The event, or {@code null} for a dead letter. */
    public Event getEvent() {
        return event;
    }

    public void setEvent(Event event) {
        this.event = event;
    }

    /** The dead letter, or {@code null} for a valid event. */
    public DeadLetter getDeadLetter() {
        return deadLetter;
    }

    public void setDeadLetter(DeadLetter deadLetter) {
        this.deadLetter = deadLetter;
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ParsedEvent)) {
            return false;
        }
        ParsedEvent other = (ParsedEvent) o;
        return partition == other.partition
                && offset == other.offset
                && Objects.equals(event, other.event)
                && Objects.equals(deadLetter, other.deadLetter)
                && Objects.equals(topic, other.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter, topic, partition, offset);
    }

    @Override
    public String toString() {
        return isValid() ? "ParsedEvent{" + event + "}" : "ParsedEvent{" + deadLetter + "}";
    }
}
