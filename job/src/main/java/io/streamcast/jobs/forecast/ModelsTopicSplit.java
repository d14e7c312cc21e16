package io.streamcast.jobs.forecast;

import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;

import java.util.Objects;

/**
 * A partition of the models topic as {@link ModelsTopicReader} checkpoints it: the Kafka split (partition, next
 * offset) and the id of the topic that offset belongs to (null when not known: a split of an earlier release, or one
 * taken before the reader first reached the broker).
 */
final class ModelsTopicSplit extends KafkaPartitionSplit {

    private final String topicId;

    ModelsTopicSplit(KafkaPartitionSplit split, String topicId) {
        super(split.getTopicPartition(), split.getStartingOffset(),
                split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET));
        this.topicId = topicId;
    }

    /** The id of the topic whose offset this split holds; null when not known. */
    String topicId() {
        return topicId;
    }

    /** The topic id of {@code split}: its own if it is a {@link ModelsTopicSplit}, else null. */
    static String topicIdOf(KafkaPartitionSplit split) {
        return split instanceof ModelsTopicSplit m ? m.topicId : null;
    }

    /** {@code split} as a plain Kafka split (what the Kafka reader is given). */
    static KafkaPartitionSplit plain(KafkaPartitionSplit split) {
        return new KafkaPartitionSplit(split.getTopicPartition(), split.getStartingOffset(),
                split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET));
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o)
                && Objects.equals(((ModelsTopicSplit) o).topicId, topicId);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(topicId);
    }

    @Override
    public String toString() {
        return super.toString() + " of topic id " + topicId;
    }
}
