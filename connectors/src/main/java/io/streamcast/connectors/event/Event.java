package io.streamcast.connectors.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One observation of one time series: the series key, the event time in epoch milliseconds and
 * the observed value.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters for every field), so Flink
 * never falls back to Kryo for it; inside a {@link ParsedEvent}, the record type of the job's streams, it is
 * written by {@link ParsedEventSerializer}. On the wire it is
 * {@code {"key": "...", "ts": <epoch millis>, "value": <number>}}.
 */
@JsonPropertyOrder({"key", "ts", "value"})
public class Event {

    private String key;
    private long timestampMillis;
    private double value;

    /** For Flink's POJO serializer and Jackson. */
    public Event() {}

    public Event(String key, long timestampMillis, double value) {
        this.key = key;
        this.timestampMillis = timestampMillis;
        this.value = value;
    }

    @JsonProperty("key")
    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    @JsonProperty("ts")
    public long getTimestampMillis() {
        return timestampMillis;
    }

    @JsonProperty("ts")
    public void setTimestampMillis(long timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    @JsonProperty("value")
    public double getValue() {
        return value;
    }

    public void setValue(double value) {
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event)) {
            return false;
        }
        Event other = (Event) o;
        return timestampMillis == other.timestampMillis
                && Double.compare(value, other.value) == 0
                && Objects.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestampMillis, value);
    }

    @Override
    public String toString() {
        return "Event{key='" + key + "', ts=" + timestampMillis + ", value=" + value + '}';
    }
}
