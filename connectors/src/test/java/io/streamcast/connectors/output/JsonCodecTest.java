package io.streamcast.connectors.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    private static final ForecastRecord FORECAST = new ForecastRecord("machine-7", 1_700_000_000_000L, 42.5,
            new float[] {43.0f, 44.0f}, new float[] {40.0f, 39.5f}, new float[] {46.0f, 48.5f},
            0.75, true, 0.999, 0.5, 0.125, false, "lstm-h32-v3");

    @Test
    void forecastRecordWireFormat() throws Exception {
        String json = JsonCodec.toJson(FORECAST);

        assertThat(json).isEqualTo("{\"key\":\"machine-7\",\"ts\":1700000000000,\"value\":42.5,"
                + "\"forecast\":[43.0,44.0],\"lower\":[40.0,39.5],\"upper\":[46.0,48.5],"
                + "\"anomalyScore\":0.75,\"isAnomaly\":true,\"anomalyLikelihood\":0.999,\"residualSurprise\":0.5,"
                + "\"profileSurprise\":0.125,\"outsideSeenRange\":false,\"modelVersion\":\"lstm-h32-v3\"}");
        assertThat(JsonCodec.fromJson(json, ForecastRecord.class)).isEqualTo(FORECAST);
    }

    @Test
    void nonFiniteNumbersStayStandardJsonAndRoundTrip() throws Exception {
        ForecastRecord early = new ForecastRecord("k", 1L, 1.0, new float[] {1.0f},
                new float[] {Float.NEGATIVE_INFINITY}, new float[] {Float.POSITIVE_INFINITY},
                Double.NaN, false, 0.0, 0.0, 0.0, false, "v1");

        String json = JsonCodec.toJson(early);

        assertThat(json).contains("\"lower\":[\"-Infinity\"]", "\"upper\":[\"Infinity\"]", "\"anomalyScore\":\"NaN\"");
        JsonNode strict = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(strict.get("isAnomaly").booleanValue()).isFalse();
        assertThat(JsonCodec.fromJson(json, ForecastRecord.class)).isEqualTo(early);
    }

    @Test
    void unknownFieldsAreIgnoredOnReading() {
        ForecastRecord read = JsonCodec.fromJson(
                "{\"key\":\"k\",\"ts\":5,\"value\":1.0,\"addedLater\":{\"x\":1}}", ForecastRecord.class);

        assertThat(read.getKey()).isEqualTo("k");
        assertThat(read.getTs()).isEqualTo(5L);
        assertThat(read.getForecast()).isNull();
    }

    @Test
    void deadLetterWireFormatUsesReasonCode() {
        DeadLetter dl = new DeadLetter("{\"key\":", DeadLetterReason.MALFORMED_JSON, "not valid JSON",
                "events", 1, 17L, 1_700_000_000_123L);

        String json = JsonCodec.toJson(dl);

        assertThat(json).isEqualTo("{\"raw\":\"{\\\"key\\\":\",\"reason\":\"malformed-json\","
                + "\"detail\":\"not valid JSON\",\"topic\":\"events\",\"partition\":1,\"offset\":17,"
                + "\"seenAt\":1700000000123}");
        assertThat(JsonCodec.fromJson(json, DeadLetter.class)).isEqualTo(dl);
    }

    @Test
    void eventWireFormatUsesTs() {
        Event event = new Event("k", 12L, 0.5);

        assertThat(JsonCodec.toJson(event)).isEqualTo("{\"key\":\"k\",\"ts\":12,\"value\":0.5}");
        assertThat(JsonCodec.fromJson("{\"key\":\"k\",\"ts\":12,\"value\":0.5}", Event.class)).isEqualTo(event);
    }

    @Test
    void unreadableJsonNamesTheType() {
        assertThatThrownBy(() -> JsonCodec.fromJson("{nope", DeadLetter.class))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("Cannot read DeadLetter from JSON");
    }
}
