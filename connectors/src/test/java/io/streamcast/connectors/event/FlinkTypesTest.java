package io.streamcast.connectors.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/**
 * Every record type that crosses a Flink network or state boundary has an explicit serializer or is a POJO,
 * never Kryo.
 */
class FlinkTypesTest {

    @Test
    void recordTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Event.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ForecastRecord.class);
    }

    @Test
    void parsedEventRoundTripsBothSidesWithGenericTypesDisabled() throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<ParsedEvent> serializer =
                TypeInformation.of(ParsedEvent.class).createSerializer(config);
        assertThat(serializer).isInstanceOf(ParsedEventSerializer.class);

        ParsedEvent valid = ParsedEvent.valid(new Event("k", 10L, 1.5), "events", 1, 99L);
        ParsedEvent invalid = ParsedEvent.invalid(new DeadLetter(
                "{oops", DeadLetterReason.MALFORMED_JSON, "not valid JSON", "events", 0, 7L, 123L));

        assertThat(roundTrip(serializer, valid)).isEqualTo(valid);
        assertThat(roundTrip(serializer, invalid)).isEqualTo(invalid);
        assertThat(roundTrip(serializer, invalid).getEvent()).isNull();
    }

    @Test
    void forecastRecordRoundTripsItsArrays() throws Exception {
        TypeSerializer<ForecastRecord> serializer =
                TypeInformation.of(ForecastRecord.class).createSerializer(new ExecutionConfig().getSerializerConfig());
        ForecastRecord record = new ForecastRecord("k", 1L, 2.0, new float[] {1, 2, 3},
                new float[] {0, 1, 2}, new float[] {2, 3, Float.POSITIVE_INFINITY}, 0.875, true, 0.99, 0.9, 0.25, true,
                "v7");

        ForecastRecord copy = roundTrip(serializer, record);

        assertThat(copy).isEqualTo(record);
        assertThat(copy.getUpper()).containsExactly(2, 3, Float.POSITIVE_INFINITY);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
