package io.streamcast.connectors.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.output.ForecastRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides how Streamcast's records look as JSON ({@link Event},
 * {@link DeadLetter}, {@link ForecastRecord}, and any other bean the sinks are given).
 *
 * <p>Non-finite numbers (a forecast interval can be NaN or infinite before a series has statistics) are
 * written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} so that the output
 * stays standard JSON, and read back from them. Finite doubles are written as the shortest decimal that
 * reads back as the same double, and the forecasts and bounds (floats) as the shortest decimal that reads back as
 * the same float (Jackson's fast writer, {@code USE_FAST_DOUBLE_WRITER}, does both; {@code Double.toString} and
 * {@code Float.toString} on Java 17 sometimes write one digit more, which reads back the same). Unknown fields are ignored on reading so that a
 * newer writer does not break an older reader. Thread-safe.
 */
public final class JsonCodec {

    private static final Logger LOG = LoggerFactory.getLogger(JsonCodec.class);

    private static final ObjectMapper BEANS = builder().build();
    private static final boolean FORECASTS_DIRECT = directForecastWriterMatches();
    private static final ObjectMapper MAPPER = FORECASTS_DIRECT ? builder().addModule(forecastModule()).build() : BEANS;

    private JsonCodec() {}

    static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .enable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST);
    }

    /** {@link ForecastRecordJsonSerializer} for {@link ForecastRecord} itself; a subclass keeps its bean serializer. */
    private static SimpleModule forecastModule() {
        ForecastRecordJsonSerializer serializer = new ForecastRecordJsonSerializer();
        SimpleModule module = new SimpleModule("streamcast-forecast-record");
        module.setSerializers(new SimpleSerializers() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription bean) {
                return type.getRawClass() == ForecastRecord.class ? serializer : null;
            }
        });
        return module;
    }

    /**
     * True when {@link ForecastRecordJsonSerializer} writes what the bean serializer writes: the record has exactly
     * the properties it knows, and a probe record comes out byte for byte the same. Otherwise (the record changed
     * and the writer was not updated) forecasts are written by the bean serializer.
     */
    private static boolean directForecastWriterMatches() {
        try {
            var description = BEANS.getSerializationConfig().introspect(BEANS.constructType(ForecastRecord.class));
            java.util.Set<String> properties = new java.util.TreeSet<>();
            description.findProperties().forEach(p -> properties.add(p.getName()));
            ObjectMapper direct = builder().addModule(forecastModule()).build();
            ForecastRecord probe = new ForecastRecord("probe-key", 1_700_000_000_123L, 12.25,
                    new float[] {1.5f, Float.NaN, 2.0e-3f, 101.23457f}, new float[] {-0.125f, Float.NEGATIVE_INFINITY},
                    new float[] {Float.POSITIVE_INFINITY}, 0.625, true, 0.975, 2.5e-3, 0.25, true, "probe-v1");
            ForecastRecord empty = new ForecastRecord();
            boolean same = properties.equals(new java.util.TreeSet<>(ForecastRecordJsonSerializer.PROPERTIES));
            for (ForecastRecord r : new ForecastRecord[] {probe, empty}) {
                byte[] beans = BEANS.writeValueAsBytes(r);
                same &= java.util.Arrays.equals(beans, direct.writeValueAsBytes(r));
            }
            if (!same) {
                LOG.warn("The direct ForecastRecord JSON writer does not write what Jackson's bean serializer writes "
                        + "(record properties {}, written directly {}): forecasts are written by the bean serializer "
                        + "(slower) until ForecastRecordJsonSerializer is updated",
                        properties, ForecastRecordJsonSerializer.PROPERTIES);
            }
            return same;
        } catch (IOException | RuntimeException e) {
            LOG.warn("The direct ForecastRecord JSON writer could not be checked; using the bean serializer", e);
            return false;
        }
    }

    /**
     * True when forecasts are written field by field ({@code ForecastRecordJsonSerializer}) rather than by the
     * bean serializer: the two write the same bytes, and the direct writer is only used while its properties are
     * the record's.
     */
    public static boolean writesForecastsDirectly() {
        return FORECASTS_DIRECT;
    }

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
