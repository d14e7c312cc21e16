package io.streamcast.jobs.forecast;

import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The models source's splits in checkpoints: a split keeps its topic id through a round trip, and a split the Kafka
 * source wrote for this operator (savepoints of earlier releases) still restores, without a topic id.
 */
class ModelsTopicSplitSerializerTest {

    static final TopicPartition MODELS_0 = new TopicPartition("models", 0);

    final ModelsTopicSplitSerializer serializer = new ModelsTopicSplitSerializer();

    @Test
    void aSplitKeepsItsOffsetAndTopicId() throws Exception {
        KafkaPartitionSplit split = new ModelsTopicSplit(new KafkaPartitionSplit(MODELS_0, 17), "Zx3oZ0jORuWGCsA7pMZk0g");
        KafkaPartitionSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
        assertThat(back).isInstanceOf(ModelsTopicSplit.class).isEqualTo(split);
        assertThat(back.getTopicPartition()).isEqualTo(MODELS_0);
        assertThat(back.getStartingOffset()).isEqualTo(17);
        assertThat(back.getStoppingOffset()).isEmpty();
        assertThat(ModelsTopicSplit.topicIdOf(back)).isEqualTo("Zx3oZ0jORuWGCsA7pMZk0g");
    }

    @Test
    void aSplitWithoutTopicIdKeepsNone() throws Exception {
        KafkaPartitionSplit split = new KafkaPartitionSplit(MODELS_0, KafkaPartitionSplit.EARLIEST_OFFSET);
        KafkaPartitionSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
        assertThat(ModelsTopicSplit.topicIdOf(back)).isNull();
        assertThat(back.getStartingOffset()).isEqualTo(KafkaPartitionSplit.EARLIEST_OFFSET);
    }

    @Test
    void anEarlierReleasesKafkaSerializerReadsThisReleasesSplitAsItsOwnWithoutTheId() throws Exception {
        // an earlier release restores this operator's splits with the Kafka source's serializer, whatever version they
        // carry: the split's own fields come first, so it reads them and not a misread topic
        KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();
        KafkaPartitionSplit split = new ModelsTopicSplit(new KafkaPartitionSplit(MODELS_0, 17), "Zx3oZ0jORuWGCsA7pMZk0g");
        KafkaPartitionSplit old = kafka.deserialize(ModelsTopicSplitSerializer.VERSION, serializer.serialize(split));
        assertThat(old).isEqualTo(new KafkaPartitionSplit(MODELS_0, 17));
        // the Kafka source's format this relies on: version 0, the topic, partition and offsets from the start
        assertThat(kafka.getVersion()).isZero();
        assertThat(serializer.serialize(split)).startsWith(kafka.serialize(new KafkaPartitionSplit(MODELS_0, 17)));
    }

    @Test
    void theKafkaSourcesOwnFormatIsReadWithoutTopicId() throws Exception {
        KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();
        KafkaPartitionSplit written = new KafkaPartitionSplit(MODELS_0, 5);
        assertThat(kafka.getVersion()).isNotEqualTo(ModelsTopicSplitSerializer.VERSION);
        KafkaPartitionSplit back = serializer.deserialize(kafka.getVersion(), kafka.serialize(written));
        assertThat(back).isEqualTo(written);
        assertThat(ModelsTopicSplit.topicIdOf(back)).isNull();
    }
}
