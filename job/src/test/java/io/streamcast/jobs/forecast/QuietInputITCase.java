package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a pause in the input longer than {@code streamcast.watermark.idleness} must not wipe learned state. The
 * job as deployed (Kafka events, models topic read for hot-swap) at parallelism 2: events, a pause of several times
 * the idleness timeout, more events; every key's forecasts after the pause continue its series exactly as without the
 * pause. Before the fix, the idle events input let the model-control input's {@code Long.MAX_VALUE} watermark through,
 * every 7-day expiry timer fired, and every key started afresh after the pause.
 */
@Timeout(300)
class QuietInputITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    static final ModelBundle MODEL = TestModels.bundle();
    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    @Test
    void aPauseLongerThanTheIdlenessTimeoutKeepsEveryKeysState() throws Exception {
        Map<String, String> s = TestTopics.settings(TestTopics.unique("quiet"), kafka.bootstrapServers());
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
        s.put(ForecastOptions.IDLENESS.key(), "1 s"); // the state TTL stays at its default of 7 days
        TestTopics.Running running = TestTopics.startWithModelControl(kafka, s, MODEL, PARALLELISM, "forecast-quiet-input");
        ForecastJobConfig c = running.config();
        ModelControlConfig control = running.control();
        JobClient job = running.job();
        try {
            Map<String, List<Event>> series = new LinkedHashMap<>();
            for (int k = 0; k < 4; k++) {
                series.put("key-" + k, TestModels.series("key-" + k, 120, Math.pow(10, k), 700 + k));
            }
            produce(c.eventsTopic(), series, 0, 60);
            awaitCount(c.forecastsTopic(), 240);
            Thread.sleep(6_000); // six times the idleness timeout, no events
            produce(c.eventsTopic(), series, 60, 120);
            awaitCount(c.forecastsTopic(), 480);

            Map<String, List<ForecastRecord>> byKey = TopicReader.readAll(kafka.bootstrapServers(), c.forecastsTopic(),
                            Duration.ofSeconds(60)).stream()
                    .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class))
                    .collect(Collectors.groupingBy(ForecastRecord::getKey));
            for (Map.Entry<String, List<Event>> e : series.entrySet()) {
                List<ForecastRecord> got = new ArrayList<>(byKey.get(e.getKey()));
                got.sort(Comparator.comparingLong(ForecastRecord::getTs));
                assertThat(got).hasSize(120);
                ForecastFunctionTest.assertForecastsEqual(got, TestModels.referenceForecasts(MODEL, e.getValue()));
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    static void produce(String topic, Map<String, List<Event>> series, int from, int to) throws Exception {
        try (var p = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> keys = new ArrayList<>(series.keySet());
            for (int t = from; t < to; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    Event e = series.get(keys.get(k)).get(t);
                    p.send(new ProducerRecord<>(topic, k % 2, e.getKey().getBytes(StandardCharsets.UTF_8), JsonCodec.toJsonBytes(e)));
                }
            }
            p.flush();
        }
    }

    static void awaitCount(String topic, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long have;
        while ((have = TopicReader.forEach(kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> { })) < n) {
            assertThat(System.nanoTime()).as("%d records on %s (have %d)", n, topic, have).isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(have).as("no more than %d records on %s", n, topic).isEqualTo(n);
    }
}
