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
 * Splits of the models topic in checkpoints and savepoints. Version {@value #VERSION}: the topic id (UTF, empty when
 * not known), then the Kafka source's own serialization of the split (its version as an int, its length, its bytes).
 * Any other version is the Kafka source's own format, as written for this operator by earlier releases: it is read
 * by the Kafka source's serializer, with no topic id.
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(kafkaBytes.length + 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(topicId == null ? "" : topicId);
            out.writeInt(kafka.getVersion());
            out.writeInt(kafkaBytes.length);
            out.write(kafkaBytes);
        }
        return bytes.toByteArray();
    }

    @Override
    public KafkaPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            return kafka.deserialize(version, serialized);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String topicId = in.readUTF();
            int kafkaVersion = in.readInt();
            byte[] kafkaBytes = new byte[in.readInt()];
            in.readFully(kafkaBytes);
            KafkaPartitionSplit split = kafka.deserialize(kafkaVersion, kafkaBytes);
            return new ModelsTopicSplit(split, topicId.isEmpty() ? null : topicId);
        }
    }
}
