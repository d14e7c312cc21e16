package io.streamcast.connectors.kafka;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented rule (docs/deploy.md, "Record keys and dead-letter bytes"): the series key is the JSON {@code key};
 * the Kafka record key is not read (it only chose the partition), whether it is missing or differs.
 */
class RecordKeyRuleTest {

    static ParsedEvent deserialize(byte[] recordKey, String json) {
        List<ParsedEvent> out = new ArrayList<>();
        new ParsedEventDeserializationSchema(EventValidation.defaults()).deserialize(
                new ConsumerRecord<>("events", 0, 7L, recordKey, json.getBytes(StandardCharsets.UTF_8)),
                new org.apache.flink.util.Collector<>() {
                    @Override
                    public void collect(ParsedEvent record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void theJsonKeyIsTheSeriesKeyWhateverTheRecordKey() {
        String json = "{\"key\": \"json-key\", \"ts\": 1767571200000, \"value\": 1.5}";
        for (byte[] recordKey : new byte[][] {"json-key".getBytes(StandardCharsets.UTF_8),
                "other-key".getBytes(StandardCharsets.UTF_8), null}) {
            ParsedEvent p = deserialize(recordKey, json);
            assertThat(p.isValid()).isTrue();
            assertThat(p.getEvent().getKey()).isEqualTo("json-key");
        }
    }
}
