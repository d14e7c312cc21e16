package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.EventTimeBounds;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;

/**
 * Every option of the forecast job, declared once with its type, default and description. The CLI maps
 * its flags onto these keys; {@link ForecastJobConfig#fromConfiguration} parses and validates them.
 */
public final class ForecastOptions {

    private ForecastOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("streamcast.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers (host:port,...). Required when the source or sinks are Kafka.");

    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE = ConfigOptions.key("streamcast.kafka.properties-file")
            .stringType().noDefaultValue()
            .withDescription("A Java properties file of extra Kafka client properties (e.g. SASL/SSL) applied to every "
                    + "consumer and producer. Secret values are never logged.");

    public static final ConfigOption<String> EVENTS_TOPIC = ConfigOptions.key("streamcast.topics.events")
            .stringType().defaultValue("events").withDescription("Topic of the input events.");

    public static final ConfigOption<String> FORECASTS_TOPIC = ConfigOptions.key("streamcast.topics.forecasts")
            .stringType().defaultValue("forecasts").withDescription("Topic of the forecast records, one per accepted event.");

    public static final ConfigOption<String> ANOMALIES_TOPIC = ConfigOptions.key("streamcast.topics.anomalies")
            .stringType().defaultValue("anomalies").withDescription("Topic of the forecast records flagged as anomalies.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("streamcast.topics.dead-letter")
            .stringType().defaultValue("events-dlq").withDescription("Topic of rejected input records with their reasons.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("streamcast.kafka.group-id")
            .stringType().defaultValue("streamcast-forecast").withDescription("Consumer group id of the Kafka source.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key("streamcast.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("Delivery guarantee of the Kafka sinks. EXACTLY_ONCE needs checkpointing and consumers "
                    + "reading with isolation.level=read_committed.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("streamcast.kafka.transactional-id-prefix")
            .stringType().defaultValue("streamcast")
            .withDescription("Prefix of the Kafka sinks' transactional ids; unique per job on a cluster.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("streamcast.checkpoint-interval")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("Checkpoint interval; exactly-once output becomes visible at each checkpoint.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("streamcast.watermark.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(0))
            .withDescription("Bound on event-time disorder across keys for watermarks.");

    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("streamcast.watermark.idleness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A source split with no events for this long stops holding back the watermark.");

    public static final ConfigOption<Duration> BUCKET_INTERVAL = ConfigOptions.key("streamcast.bucket.interval")
            .durationType().noDefaultValue()
            .withDescription("If set, raw events are aggregated into fixed event-time buckets of this length before the model.");

    public static final ConfigOption<BucketAggregate> BUCKET_AGGREGATE = ConfigOptions.key("streamcast.bucket.aggregate")
            .enumType(BucketAggregate.class).defaultValue(BucketAggregate.MEAN)
            .withDescription("How a bucket's events become one value: MEAN, SUM, COUNT or LAST.");

    public static final ConfigOption<Integer> WARM_UP_EVENTS = ConfigOptions.key("streamcast.anomaly.warm-up-events")
            .intType().defaultValue(AnomalyConfig.DEFAULT_WARM_UP_EVENTS)
            .withDescription("No anomaly is flagged for a key before it has seen this many events.");

    public static final ConfigOption<Double> ANOMALY_THRESHOLD = ConfigOptions.key("streamcast.anomaly.threshold")
            .doubleType().defaultValue(AnomalyConfig.DEFAULT_THRESHOLD)
            .withDescription("An event is flagged when its detection score (1 for a value outside the key's seen range, "
                    + "else the log-scaled anomaly likelihood) is at least this (0..1].");

    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("streamcast.state.ttl")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("A key with no events for this long in event time has its state cleared by a timer.");

    public static final ConfigOption<Integer> MAX_MESSAGE_BYTES = ConfigOptions.key("streamcast.input.max-message-bytes")
            .intType().defaultValue(64 * 1024)
            .withDescription("Larger input records are dead-lettered as oversized-message.");

    public static final ConfigOption<Double> MAX_ABS_VALUE = ConfigOptions.key("streamcast.input.max-abs-value")
            .doubleType().defaultValue(1e12)
            .withDescription("Values whose magnitude exceeds this are dead-lettered as value-out-of-bounds.");

    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("streamcast.max-parallelism")
            .intType().defaultValue(128)
            .withDescription("Fixed max parallelism (number of key groups): keep it across savepoints.");

    public static final ConfigOption<Duration> EVENT_TIME_MAX_AHEAD = ConfigOptions.key("streamcast.event-time.max-ahead")
            .durationType().defaultValue(EventTimeBounds.DEFAULT_MAX_AHEAD)
            .withDescription("Events dated more than this ahead of the wall clock are dead-lettered as bad-timestamp "
                    + "(one far-future event would otherwise stall its key and advance the watermark).");

    public static final ConfigOption<String> EVENT_TIME_MIN = ConfigOptions.key("streamcast.event-time.min")
            .stringType().defaultValue(EventTimeBounds.DEFAULT_MIN.toString())
            .withDescription("Events dated before this instant (ISO-8601, e.g. 2000-01-01T00:00:00Z, or epoch millis) "
                    + "are dead-lettered as bad-timestamp.");

    /** How the optional bucketing turns a bucket's raw events into one value. */
    public enum BucketAggregate { MEAN, SUM, COUNT, LAST }
}
