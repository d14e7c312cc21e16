package io.streamcast.connectors.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.streamcast.connectors.output.ForecastRecord;
import java.io.IOException;
import java.util.List;

/**
 * Writes a {@link ForecastRecord} field by field, in the order and with the names of its bean serialization
 * ({@code @JsonPropertyOrder}), without the bean serializer's per-property reflection. The job writes one per
 * event. {@link JsonCodec} uses it only while it writes byte for byte what the bean serializer writes, so a
 * field added to the record without adding it here falls back to the bean serializer rather than being lost.
 */
final class ForecastRecordJsonSerializer extends StdSerializer<ForecastRecord> {

    private static final long serialVersionUID = 1L;

    /** The properties written, in order: the record's bean properties as of this writer. */
    static final List<String> PROPERTIES = List.of("key", "ts", "value", "forecast", "lower", "upper",
            "anomalyScore", "isAnomaly", "anomalyLikelihood", "residualSurprise", "profileSurprise", "outsideSeenRange",
            "modelVersion");

    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString FORECAST = new SerializedString("forecast");
    private static final SerializedString LOWER = new SerializedString("lower");
    private static final SerializedString UPPER = new SerializedString("upper");
    private static final SerializedString ANOMALY_SCORE = new SerializedString("anomalyScore");
    private static final SerializedString ANOMALY_LIKELIHOOD = new SerializedString("anomalyLikelihood");
    private static final SerializedString RESIDUAL_SURPRISE = new SerializedString("residualSurprise");
    private static final SerializedString PROFILE_SURPRISE = new SerializedString("profileSurprise");
    private static final SerializedString OUTSIDE_SEEN_RANGE = new SerializedString("outsideSeenRange");
    private static final SerializedString IS_ANOMALY = new SerializedString("isAnomaly");
    private static final SerializedString MODEL_VERSION = new SerializedString("modelVersion");

    ForecastRecordJsonSerializer() {
        super(ForecastRecord.class);
    }

    @Override
    public void serialize(ForecastRecord r, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject(r);
        g.writeFieldName(KEY);
        g.writeString(r.getKey());
        g.writeFieldName(TS);
        g.writeNumber(r.getTs());
        g.writeFieldName(VALUE);
        g.writeNumber(r.getValue());
        array(g, FORECAST, r.getForecast());
        array(g, LOWER, r.getLower());
        array(g, UPPER, r.getUpper());
        g.writeFieldName(ANOMALY_SCORE);
        g.writeNumber(r.getAnomalyScore());
        g.writeFieldName(IS_ANOMALY);
        g.writeBoolean(r.isAnomaly());
        g.writeFieldName(ANOMALY_LIKELIHOOD);
        g.writeNumber(r.getAnomalyLikelihood());
        g.writeFieldName(RESIDUAL_SURPRISE);
        g.writeNumber(r.getResidualSurprise());
        g.writeFieldName(PROFILE_SURPRISE);
        g.writeNumber(r.getProfileSurprise());
        g.writeFieldName(OUTSIDE_SEEN_RANGE);
        g.writeBoolean(r.isOutsideSeenRange());
        g.writeFieldName(MODEL_VERSION);
        g.writeString(r.getModelVersion());
        g.writeEndObject();
    }

    private static void array(JsonGenerator g, SerializedString name, float[] a) throws IOException {
        g.writeFieldName(name);
        if (a == null) {
            g.writeNull();
            return;
        }
        // as Jackson's float[] serializer writes it: each value's shortest float decimal
        g.writeStartArray(a, a.length);
        for (float v : a) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}
