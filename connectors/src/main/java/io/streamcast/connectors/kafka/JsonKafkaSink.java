package io.streamcast.connectors.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a Flink {@link KafkaSink} that writes records as JSON to one topic, keyed by series key:
 * forecasts, anomalies, dead letters.
 *
 * <pre>{@code
 * KafkaSink<ForecastRecord> sink = JsonKafkaSink.<ForecastRecord>builder()
 *     .bootstrapServers("broker:9092")
 *     .topic("forecasts")
 *     .keyExtractor(ForecastRecord::getKey)
 *     .transactionalIdPrefix("streamcast-forecasts")      // unique per job on the cluster
 *     .build();                                           // EXACTLY_ONCE by default
 * }</pre>
 *
 * With {@link DeliveryGuarantee#EXACTLY_ONCE} (the default) records become visible to
 * {@code read_committed} consumers when the checkpoint that covers them completes, so the job must
 * checkpoint; {@code transaction.timeout.ms} must exceed the longest checkpoint plus restart
 * and stay ≤ {@value #MAX_TRANSACTION_TIMEOUT_MS} ms (the broker's default
 * {@code transaction.max.timeout.ms}).
 *
 * <p>Servers and client properties: the setters of {@link KafkaClientBuilder}, or {@code .client(settings)} with the
 * {@link KafkaClientSettings} every Kafka client of the project is built from.
 *
 * <p>Producer defaults for throughput: {@code batch.size} {@value #DEFAULT_BATCH_SIZE} and {@code linger.ms}
 * {@value #DEFAULT_LINGER_MS}; client properties override them.
 */
public final class JsonKafkaSink {

    private static final Logger LOG = LoggerFactory.getLogger(JsonKafkaSink.class);

    /** The broker's default {@code transaction.max.timeout.ms}: 15 minutes. */
    public static final long MAX_TRANSACTION_TIMEOUT_MS = 900_000L;

    /** The default {@code transaction.timeout.ms}: 10 minutes. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /**
     * The sink's default {@code batch.size}: 256 KiB instead of Kafka's 16 KiB. A forecast is about 650 bytes of
     * JSON, so Kafka's default sends a produce request per ~25 forecasts, and each request of a transactional
     * producer costs the broker a transaction check; with 256 KiB the exactly-once benchmark needed about a third
     * less CPU in all. A client property {@code batch.size} overrides it.
     */
    public static final int DEFAULT_BATCH_SIZE = 256 * 1024;

    /**
     * The sink's default {@code linger.ms}: 20 ms instead of Kafka's 5, so batches fill under load. It delays a
     * record by at most that much; exactly-once output waits for the next checkpoint anyway. A client property
     * {@code linger.ms} overrides it.
     */
    public static final int DEFAULT_LINGER_MS = 20;

    private JsonKafkaSink() {}

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Collects the settings; {@link #build()} checks them and says what to fix. */
    public static final class Builder<T> extends KafkaClientBuilder<Builder<T>> {
        private String topic;
        private SerializableFunction<T, String> keyExtractor;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix;
        private Duration transactionTimeout;

        private Builder() {}

        public Builder<T> topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** The Kafka record key, usually the series key; without one records carry no key. */
        public Builder<T> keyExtractor(SerializableFunction<T, String> keyExtractor) {
            this.keyExtractor = keyExtractor;
            return this;
        }

        /** {@link DeliveryGuarantee#EXACTLY_ONCE} by default. */
        public Builder<T> deliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
            this.deliveryGuarantee = deliveryGuarantee;
            return this;
        }

        /** Required for exactly-once; must be unique among the jobs writing to the cluster. */
        public Builder<T> transactionalIdPrefix(String transactionalIdPrefix) {
            this.transactionalIdPrefix = transactionalIdPrefix;
            return this;
        }

        /** {@code transaction.timeout.ms}; {@link #DEFAULT_TRANSACTION_TIMEOUT} by default. */
        public Builder<T> transactionTimeout(Duration transactionTimeout) {
            this.transactionTimeout = transactionTimeout;
            return this;
        }

        /**
         * Checks the settings and builds the sink.
         *
         * @throws IllegalArgumentException saying what to fix
         */
        public KafkaSink<T> build() {
            Map<String, String> props = new LinkedHashMap<>();
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(DEFAULT_BATCH_SIZE));
            props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(DEFAULT_LINGER_MS));
            props.putAll(client().toMap());
            String servers = KafkaClientSettings.requireBootstrapServers(props);
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("No topic to write to: call topic(\"forecasts\")");
            }
            if (deliveryGuarantee == null) {
                throw new IllegalArgumentException(
                        "Delivery guarantee must not be null: use EXACTLY_ONCE (the default), AT_LEAST_ONCE or NONE");
            }
            for (String serializer : new String[] {
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG}) {
                if (props.containsKey(serializer)) {
                    throw new IllegalArgumentException(
                            "Remove " + serializer + " from the client properties: the sink writes JSON bytes itself");
                }
            }
            String prefix = transactionalIdPrefix == null || transactionalIdPrefix.isBlank()
                    ? null : transactionalIdPrefix.trim();
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && prefix == null) {
                throw new IllegalArgumentException(
                        "EXACTLY_ONCE needs a transactional id prefix: call transactionalIdPrefix(\"<job>-" + topic
                                + "\") with a value unique among the jobs writing to this Kafka cluster, "
                                + "or choose deliveryGuarantee(AT_LEAST_ONCE)");
            }
            long timeoutMs = transactionTimeoutMillis(props);
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(timeoutMs));
            props.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
            if (deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE && prefix != null) {
                LOG.warn("Transactional id prefix '{}' is ignored: the sink to '{}' is {}, not EXACTLY_ONCE",
                        prefix, topic, deliveryGuarantee);
            }

            KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                    .setBootstrapServers(servers)
                    .setDeliveryGuarantee(deliveryGuarantee)
                    .setKafkaProducerConfig(KafkaClientProperties.toProperties(props))
                    .setRecordSerializer(new JsonRecordSerializationSchema<>(topic, keyExtractor));
            if (prefix != null && deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                // POOLING: a small pool of transactional ids per subtask, reused, instead of a new id per checkpoint
                // (INCREMENTING). The broker keeps far fewer ids, lingering transactions are found by asking the broker
                // (ListTransactions) instead of probing ids one by one, and the committer knows ids are reused: when
                // a recovery commits again a transaction committed before the failure whose id a later one has
                // taken, that is expected and logged as a warning, not as an ERROR claiming data loss. Restoring
                // state written under INCREMENTING is supported; going back is not.
                builder.setTransactionalIdPrefix(prefix).setTransactionNamingStrategy(TransactionNamingStrategy.POOLING);
            }
            LOG.info("Kafka JSON sink: servers={}, topic={}, guarantee={}, transactionalIdPrefix={}, "
                            + "client properties {}",
                    servers, topic, deliveryGuarantee, prefix, KafkaClientProperties.masked(props));
            return builder.build();
        }

        private long transactionTimeoutMillis(Map<String, String> props) {
            String fromProps = props.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
            long ms;
            if (transactionTimeout != null) {
                if (fromProps != null) {
                    throw new IllegalArgumentException(
                            "transaction.timeout.ms is set twice: transactionTimeout(" + transactionTimeout
                                    + ") and transaction.timeout.ms=" + fromProps + " in the client properties; keep one");
                }
                ms = transactionTimeout.toMillis();
            } else if (fromProps != null) {
                try {
                    ms = Long.parseLong(fromProps.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "transaction.timeout.ms must be a number of milliseconds; got '" + fromProps + "'");
                }
            } else {
                ms = DEFAULT_TRANSACTION_TIMEOUT.toMillis();
            }
            if (ms <= 0 || ms > MAX_TRANSACTION_TIMEOUT_MS) {
                throw new IllegalArgumentException(
                        "transaction.timeout.ms must be in 1.." + MAX_TRANSACTION_TIMEOUT_MS
                                + " (the broker's default transaction.max.timeout.ms); got " + ms);
            }
            return ms;
        }
    }
}
