package io.streamcast.jobs.forecast;

import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Splits of the models topic in checkpoints and savepoints. Version {@value #VERSION}: the Kafka source's own
 * serialization of the split first, unchanged, then its version (an int) and the topic id (UTF, empty when not
 * known). An earlier release, whose Kafka source's serializer reads the split's fields from the start and ignores what
 * follows (and the version it is given), therefore reads this release's splits as its own, without the id, instead of
 * misreading them. Any other version is the Kafka source's own format, as written for this operator by earlier
 * releases: it is read by the Kafka source's serializer, with no topic id.
 */
final class ModelsTopicSplitSerializer implements SimpleVersionedSerializer<KafkaPartitionSplit> {

    /** Far from the Kafka source's versions (0 so far), which this serializer reads as they are. */
    static final int VERSION = 1000;

    private final KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(KafkaPartitionSplit split) throws IOException {
        byte[] kafkaBytes = kafka.serialize(ModelsTopicSplit.plain(split));
        String topicId = ModelsTopicSplit.topicIdOf(split);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(kafkaBytes.length + 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(kafkaBytes);
            out.writeInt(kafka.getVersion());
            out.writeUTF(topicId == null ? "" : topicId);
        }
        return bytes.toByteArray();
    }

    @Override
    public KafkaPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            return kafka.deserialize(version, serialized);
        }
        // the Kafka source's bytes come first: their length is that of the same split serialized again
        KafkaPartitionSplit plain = kafka.deserialize(kafka.getVersion(), serialized);
        int prefix = kafka.serialize(plain).length;
        try (DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(serialized, prefix, serialized.length - prefix))) {
            int kafkaVersion = in.readInt();
            if (kafkaVersion != kafka.getVersion()) {
                plain = kafka.deserialize(kafkaVersion, java.util.Arrays.copyOf(serialized, prefix));
            }
            String topicId = in.readUTF();
            return new ModelsTopicSplit(plain, topicId.isEmpty() ? null : topicId);
        }
    }
}
