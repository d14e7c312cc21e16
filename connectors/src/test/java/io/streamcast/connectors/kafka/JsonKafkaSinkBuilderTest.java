package io.streamcast.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class JsonKafkaSinkBuilderTest {

    private static JsonKafkaSink.Builder<ForecastRecord> complete() {
        return JsonKafkaSink.<ForecastRecord>builder()
                .bootstrapServers("broker:9092")
                .topic("forecasts")
                .keyExtractor(ForecastRecord::getKey)
                .transactionalIdPrefix("job-forecasts");
    }

    @Test
    void buildsWithDefaults() {
        assertThat(complete().build()).isNotNull();
    }

    @Test
    void producerBatchesForThroughputUnlessTheClientPropertiesSayOtherwise() throws Exception {
        Properties defaults = producerConfig(complete().build());
        assertThat(defaults.getProperty("batch.size")).isEqualTo("262144");
        assertThat(defaults.getProperty("linger.ms")).isEqualTo("20");

        Properties overridden = producerConfig(complete().clientProperty("batch.size", "16384")
                .clientProperty("linger.ms", "0").build());
        assertThat(overridden.getProperty("batch.size")).isEqualTo("16384");
        assertThat(overridden.getProperty("linger.ms")).isEqualTo("0");
    }

    private static Properties producerConfig(KafkaSink<?> sink) throws Exception {
        Method m = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        m.setAccessible(true);
        return (Properties) m.invoke(sink);
    }

    @Test
    void exactlyOnceNeedsATransactionalIdPrefix() {
        assertThatThrownBy(() -> complete().transactionalIdPrefix(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EXACTLY_ONCE needs a transactional id prefix: call transactionalIdPrefix(\"<job>-forecasts\") "
                        + "with a value unique among the jobs writing to this Kafka cluster, or choose "
                        + "deliveryGuarantee(AT_LEAST_ONCE)");
    }

    @Test
    void atLeastOnceNeedsNoPrefix() {
        assertThat(complete().transactionalIdPrefix(null).deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build())
                .isNotNull();
    }

    @Test
    void transactionTimeoutAboveTheBrokerMaximumIsRejected() {
        assertThatThrownBy(() -> complete().transactionTimeout(Duration.ofMinutes(16)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transaction.timeout.ms must be in 1..900000 (the broker's default "
                        + "transaction.max.timeout.ms); got 960000");
        assertThatThrownBy(() -> complete().clientProperty("transaction.timeout.ms", "3600000").build())
                .hasMessage("transaction.timeout.ms must be in 1..900000 (the broker's default "
                        + "transaction.max.timeout.ms); got 3600000");
        assertThatThrownBy(() -> complete().clientProperty("transaction.timeout.ms", "soon").build())
                .hasMessage("transaction.timeout.ms must be a number of milliseconds; got 'soon'");
        assertThat(complete().transactionTimeout(Duration.ofMinutes(15)).build()).isNotNull();
    }

    @Test
    void transactionTimeoutSetTwice() {
        assertThatThrownBy(() -> complete().transactionTimeout(Duration.ofMinutes(1))
                        .clientProperty("transaction.timeout.ms", "60000").build())
                .hasMessage("transaction.timeout.ms is set twice: transactionTimeout(PT1M) and "
                        + "transaction.timeout.ms=60000 in the client properties; keep one");
    }

    @Test
    void missingTopicAndServers() {
        assertThatThrownBy(() -> complete().topic(null).build())
                .hasMessage("No topic to write to: call topic(\"forecasts\")");
        assertThatThrownBy(() -> complete().bootstrapServers(null).build())
                .hasMessage("Kafka bootstrap servers are not set: call bootstrapServers(\"host:9092\") or set "
                        + "bootstrap.servers in the client properties");
    }

    @Test
    void serializerOverridesAreRejected() {
        assertThatThrownBy(() -> complete().clientProperty("key.serializer", "x.Y").build())
                .hasMessage("Remove key.serializer from the client properties: the sink writes JSON bytes itself");
    }

    @Test
    void serializationSchemaKeysBySeriesKeyAndWritesJson() throws Exception {
        JsonRecordSerializationSchema<ForecastRecord> schema =
                new JsonRecordSerializationSchema<>("forecasts", ForecastRecord::getKey);
        ForecastRecord record = new ForecastRecord("series-9", 5L, 1.0, new float[] {2.0f}, new float[] {1.0f},
                new float[] {3.0f}, 0.3, false, 0.2, 0.1, 0.0, false, "v1");

        ProducerRecord<byte[], byte[]> out = schema.serialize(record, null, 5L);

        assertThat(out.topic()).isEqualTo("forecasts");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("series-9");
        assertThat(out.timestamp()).isEqualTo(5L);
        JsonNode json = JsonCodec.mapper().readTree(out.value());
        assertThat(json.get("key").asText()).isEqualTo("series-9");
        assertThat(json.get("forecast").get(0).asDouble()).isEqualTo(2.0);
        assertThat(new JsonRecordSerializationSchema<ForecastRecord>("dlq", null)
                .serialize(record, null, null).key()).isNull();
        // the exactly-once sink's pooled transactional ids need the topic (they list its lingering transactions)
        assertThat(schema.getKafkaDatasetFacet()).hasValueSatisfying(f ->
                assertThat(f.getTopicIdentifier().getTopics()).containsExactly("forecasts"));
    }
}
