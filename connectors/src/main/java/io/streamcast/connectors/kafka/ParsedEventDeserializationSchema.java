package io.streamcast.connectors.kafka;

import io.streamcast.connectors.event.EventParser;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record into exactly one {@link ParsedEvent}: a valid event, or a dead letter
 * carrying the raw bytes, the reason, and the record's topic, partition and offset. It never
 * throws on bad input, so a poison record cannot fail the job and nothing is dropped.
 */
public final class ParsedEventDeserializationSchema implements KafkaRecordDeserializationSchema<ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final EventParser parser;

    public ParsedEventDeserializationSchema(EventValidation validation) {
        this.parser = new EventParser(validation);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedEvent> out) {
        out.collect(parser.parseJson(
                record.value(), record.topic(), record.partition(), record.offset(), System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<ParsedEvent> getProducedType() {
        return TypeInformation.of(ParsedEvent.class);
    }
}
