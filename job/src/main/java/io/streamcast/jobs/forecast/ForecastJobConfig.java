package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.EventTimeBounds;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.streamcast.jobs.forecast.ForecastOptions.*;

/**
 * The forecast job's settings, parsed from a Flink {@link Configuration} (keys in {@link ForecastOptions})
 * and validated together in one place. Immutable and serializable, so operators may hold it.
 */
public record ForecastJobConfig(
        String bootstrapServers,
        String kafkaPropertiesFile,
        String eventsTopic,
        String forecastsTopic,
        String anomaliesTopic,
        String deadLetterTopic,
        String groupId,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration checkpointInterval,
        Duration outOfOrderness,
        Duration idleness,
        Duration bucketInterval,
        ForecastOptions.BucketAggregate bucketAggregate,
        int warmUpEvents,
        double anomalyThreshold,
        Duration stateTtl,
        int maxMessageBytes,
        double maxAbsValue,
        int maxParallelism,
        Duration eventTimeMaxAhead,
        Instant eventTimeMin) implements Serializable {

    public ForecastJobConfig {
        require(!checkpointInterval.isNegative() && !checkpointInterval.isZero(),
                "streamcast.checkpoint-interval must be positive, got " + checkpointInterval);
        require(!outOfOrderness.isNegative(), "streamcast.watermark.out-of-orderness must not be negative, got " + outOfOrderness);
        require(!idleness.isNegative() && !idleness.isZero(), "streamcast.watermark.idleness must be positive, got " + idleness);
        require(bucketInterval == null || (!bucketInterval.isNegative() && !bucketInterval.isZero()),
                "streamcast.bucket.interval must be positive when set, got " + bucketInterval);
        require(warmUpEvents >= 0, "streamcast.anomaly.warm-up-events must be >= 0, got " + warmUpEvents);
        require(anomalyThreshold > 0 && anomalyThreshold <= 1,
                "streamcast.anomaly.threshold must be in (0, 1], got " + anomalyThreshold);
        require(!stateTtl.isNegative() && !stateTtl.isZero(), "streamcast.state.ttl must be positive, got " + stateTtl);
        require(maxMessageBytes > 0, "streamcast.input.max-message-bytes must be positive, got " + maxMessageBytes);
        require(maxAbsValue > 0 && Double.isFinite(maxAbsValue),
                "streamcast.input.max-abs-value must be a positive finite number, got " + maxAbsValue);
        require(maxParallelism >= 1 && maxParallelism <= 32768,
                "streamcast.max-parallelism must be in [1, 32768], got " + maxParallelism);
        require(!eventTimeMaxAhead.isNegative(), "streamcast.event-time.max-ahead must not be negative, got " + eventTimeMaxAhead);
        require(deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE || !transactionalIdPrefix.isBlank(),
                "streamcast.kafka.transactional-id-prefix must not be blank with EXACTLY_ONCE delivery");
    }

    /** Parses every option (defaults where unset) and validates the combination. */
    public static ForecastJobConfig fromConfiguration(Configuration c) {
        return new ForecastJobConfig(
                c.get(BOOTSTRAP_SERVERS), c.get(KAFKA_PROPERTIES_FILE),
                c.get(EVENTS_TOPIC), c.get(FORECASTS_TOPIC), c.get(ANOMALIES_TOPIC), c.get(DEAD_LETTER_TOPIC),
                c.get(GROUP_ID), c.get(DELIVERY_GUARANTEE), c.get(TRANSACTIONAL_ID_PREFIX),
                c.get(CHECKPOINT_INTERVAL), c.get(OUT_OF_ORDERNESS), c.get(IDLENESS),
                c.get(BUCKET_INTERVAL), c.get(BUCKET_AGGREGATE),
                c.get(WARM_UP_EVENTS), c.get(ANOMALY_THRESHOLD), c.get(STATE_TTL),
                c.get(MAX_MESSAGE_BYTES), c.get(MAX_ABS_VALUE), c.get(MAX_PARALLELISM),
                c.get(EVENT_TIME_MAX_AHEAD), parseInstant(EVENT_TIME_MIN.key(), c.get(EVENT_TIME_MIN)));
    }

    /** Defaults for everything. */
    public static ForecastJobConfig defaults() {
        return fromConfiguration(new Configuration());
    }

    /** This config with other Kafka bootstrap servers. */
    public ForecastJobConfig withBootstrapServers(String servers) {
        return new ForecastJobConfig(servers, kafkaPropertiesFile, eventsTopic, forecastsTopic, anomaliesTopic,
                deadLetterTopic, groupId, deliveryGuarantee, transactionalIdPrefix, checkpointInterval, outOfOrderness,
                idleness, bucketInterval, bucketAggregate, warmUpEvents, anomalyThreshold, stateTtl, maxMessageBytes,
                maxAbsValue, maxParallelism, eventTimeMaxAhead, eventTimeMin);
    }

    /** The bounds on event time that {@link ValidateFunction} applies. */
    public EventTimeBounds eventTimeBounds() {
        return new EventTimeBounds(eventTimeMin, eventTimeMaxAhead);
    }

    private static Instant parseInstant(String key, String value) {
        String v = value.trim();
        try {
            return v.chars().allMatch(Character::isDigit) || v.startsWith("-") && v.length() > 1
                    ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 instant (e.g. 2000-01-01T00:00:00Z) or epoch "
                    + "millis, got '" + value + "'");
        }
    }

    /** Kafka bootstrap servers, or an error saying how to set them. */
    public String requireBootstrapServers() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: pass --bootstrap-servers HOST:PORT "
                    + "(or set " + BOOTSTRAP_SERVERS.key() + ")");
        }
        return bootstrapServers;
    }

    /** How the job's Kafka clients reach Kafka: the bootstrap servers (required) and the client properties file. */
    public KafkaClientSettings kafkaClient() {
        return KafkaClientSettings.of(requireBootstrapServers(),
                kafkaPropertiesFile == null ? null : Path.of(kafkaPropertiesFile));
    }

    public Optional<Duration> bucketing() {
        return Optional.ofNullable(bucketInterval);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
