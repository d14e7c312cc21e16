package io.streamcast.connectors.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one place that decides how Streamcast's records look as JSON ({@link Event},
 * {@link DeadLetter}, {@link ForecastRecord}, and any other bean the sinks are given).
 *
 * <p>Non-finite doubles (a forecast interval can be infinite before a series has statistics) are
 * written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} so that the output
 * stays standard JSON, and read back from them. Unknown fields are ignored on reading so that a
 * newer writer does not break an older reader. Thread-safe.
 */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
            .build();

    private JsonCodec() {}

    /** The configured mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes a record as UTF-8 JSON bytes. */
    public static byte[] toJsonBytes(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + record.getClass().getName() + " as JSON", e);
        }
    }

    /** Writes a record as a JSON string. */
    public static String toJson(Object record) {
        return new String(toJsonBytes(record), StandardCharsets.UTF_8);
    }

    /**
     * Reads a record of the given type from JSON.
     *
     * @throws UncheckedIOException if the JSON does not describe such a record
     */
    public static <T> T fromJson(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }

    /** Reads a record of the given type from a JSON string. */
    public static <T> T fromJson(String json, Class<T> type) {
        return fromJson(json.getBytes(StandardCharsets.UTF_8), type);
    }
}
