package io.streamcast.jobs.forecast;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * The forecast job's source of the models topic: Flink's {@link KafkaSource} (its enumerator, its reader, its
 * enumerator state), with a reader that knows which topic its offsets belong to. Kafka names a topic, but a topic
 * deleted and created again under the same name is another topic (another topic id) whose offsets start again at 0;
 * a reader that kept the old topic's position would wait behind the new topic's first records and never apply them
 * (the Kafka consumer starts over only when its position lies beyond the new topic's end).
 *
 * <p>{@link ModelsTopicReader} checks the topic's id every {@link #IDENTITY_CHECK_INTERVAL} and keeps it with every
 * split it checkpoints ({@link ModelsTopicSplit}):
 * <ul>
 *   <li>the topic gone: the reader pauses (the job serves on with the model in service; the enumerator finds no
 *       partitions, {@link ModelsTopicSubscriber});</li>
 *   <li>the topic back under the id it had: the reader goes on from where it was;</li>
 *   <li>another id (the topic was created again, while the job ran or while it was stopped): the new topic is read
 *       from its beginning, one WARN line naming both ids. The old topic's position is dropped.</li>
 * </ul>
 * The splits' format is {@link ModelsTopicSplitSerializer}'s, which also reads the Kafka source's own (savepoints of
 * earlier releases): such a split's topic is taken to be the one that exists when it is restored.
 */
final class ModelsTopicSource
        implements Source<String, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<String>,
        LineageVertexProvider {

    private static final long serialVersionUID = 1L;

    /** How often the reader asks the broker for the models topic's id. */
    static final Duration IDENTITY_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final KafkaSource<String> kafka;
    private final String topic;
    private final Properties clientProperties;

    /**
     * @param kafka            the Kafka source of {@code topic} (unbounded)
     * @param clientProperties how to reach the broker (bootstrap servers, security), for the reader's admin client
     */
    ModelsTopicSource(KafkaSource<String> kafka, String topic, Properties clientProperties) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        if (kafka.getBoundedness() != Boundedness.CONTINUOUS_UNBOUNDED) {
            throw new IllegalArgumentException("the models topic's reader follows one topic for good: unbounded only");
        }
        this.topic = Objects.requireNonNull(topic, "topic");
        this.clientProperties = new Properties();
        this.clientProperties.putAll(clientProperties);
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
        return kafka.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return new ModelsTopicSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<String, KafkaPartitionSplit> createReader(SourceReaderContext context) {
        return new ModelsTopicReader(kafka, context, topic, clientProperties, IDENTITY_CHECK_INTERVAL);
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return kafka.getProducedType();
    }

    @Override
    public LineageVertex getLineageVertex() {
        return kafka.getLineageVertex();
    }
}
