package io.streamcast.jobs.forecast;

import io.streamcast.jobs.control.ModelControlOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Job settings on topics of their own, so integration tests sharing a broker never read each other's records. */
final class TestTopics {

    private TestTopics() {}

    /** {@code prefix} and a random suffix. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The broker, topics named {@code id-events}, {@code id-forecasts}, {@code id-anomalies}, {@code id-dlq},
     * {@code id-models} and {@code id-model-errors}, consumer group and transactional id prefix {@code id}; a mutable
     * map for the test's own settings.
     */
    static Map<String, String> settings(String id, String bootstrapServers) {
        Map<String, String> s = new HashMap<>();
        s.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        s.put(ForecastOptions.EVENTS_TOPIC.key(), id + "-events");
        s.put(ForecastOptions.FORECASTS_TOPIC.key(), id + "-forecasts");
        s.put(ForecastOptions.ANOMALIES_TOPIC.key(), id + "-anomalies");
        s.put(ForecastOptions.DEAD_LETTER_TOPIC.key(), id + "-dlq");
        s.put(ForecastOptions.GROUP_ID.key(), id);
        s.put(ForecastOptions.TRANSACTIONAL_ID_PREFIX.key(), id);
        s.put(ModelControlOptions.MODELS_TOPIC.key(), id + "-models");
        s.put(ModelControlOptions.MODEL_ERRORS_TOPIC.key(), id + "-model-errors");
        return s;
    }
}
