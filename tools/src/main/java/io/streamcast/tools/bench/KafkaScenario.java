package io.streamcast.tools.bench;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.KafkaWiring;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kafka}: Kafka in → job → Kafka out, exactly-once, through the in-process broker. The input topic is filled
 * before the job is submitted and the output is read back ({@code read_committed}) after the job has finished;
 * neither is timed. {@code warmUps} untimed runs of the same job go first, so that the first timed run does not pay
 * for compiling the JSON and Kafka client paths. Each run reads the same input from the start with its own consumer
 * group, output topics and transactional ids.
 *
 * @param interval   checkpoint interval: how often the transactions commit
 * @param properties Kafka client properties file for the job's source and sinks, or null
 */
record KafkaScenario(int keys, int perKey, int repeats, int warmUps, Duration interval, Path properties)
        implements PipelineScenario {

    static final String TITLE = "Kafka → job → Kafka, exactly-once";

    /** The job's default checkpoint interval. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = ForecastOptions.CHECKPOINT_INTERVAL.defaultValue();

    /** The row's scenario: with its checkpoint interval (= transaction cadence) and any client properties. */
    static String title(Duration interval, Path properties) {
        String every = interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
        return TITLE + ", checkpoints every " + every
                + (properties == null ? "" : ", client properties " + properties.getFileName());
    }

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).start()) {
            long events = produceInput(kafka, config(kafka, 0).eventsTopic());
            int[] run = {0};
            PipelineHarness.Measured once = () -> run(h, kafka, ++run[0], events);
            for (int i = 0; i < warmUps; i++) {
                once.run();
            }
            double eps = PipelineHarness.median(repeats, once);
            h.log.printf(Locale.ROOT, "kafka exactly-once keys=%d: %,.0f events/s%n", keys, eps);
            return PipelineResults.ofRows(List.of(PipelineRow.measuredNow(title(interval, properties), "hashmap", 2,
                    keys, events, eps, note(), repeats)));
        }
    }

    private String note() {
        return "in-process broker; input produced before the job starts, output read back with read_committed "
                + "after it ends (neither timed); "
                + (warmUps == 0 ? "no warm-up run" : warmUps + " untimed warm-up run" + (warmUps > 1 ? "s" : "")
                + " of the same job first (JIT)");
    }

    /** Fills the input topic: {@code perKey} events for each of the keys; returns how many. */
    private long produceInput(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        kafka.createTopics(2, topic);
        long sent = 0;
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262144),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int step = 0; step < perKey; step++) {
                for (int k = 0; k < keys; k++) {
                    String key = "k" + k;
                    Event e = new Event(key, SyntheticEvents.T0 + step * 60_000L, 100 + Math.sin(step + k));
                    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), JsonCodec.toJsonBytes(e)));
                    sent++;
                }
            }
        }
        return sent;
    }

    /** Run {@code run} of the job over the whole input; checks every event came out once. */
    private double run(PipelineHarness h, EmbeddedKafkaBroker kafka, int run, long events) throws Exception {
        ForecastJobConfig c = config(kafka, run);
        kafka.createTopics(2, c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic());
        StreamExecutionEnvironment env = h.environment(2, "hashmap", null);
        new ForecastJob(c, h.model, KafkaWiring.source(c, true), KafkaWiring.forecastsSink(c),
                KafkaWiring.anomaliesSink(c), KafkaWiring.deadLetterSink(c)).build(env);
        long cpu = PipelineHarness.processCpuNanos();
        JobExecutionResult r = env.execute("bench-kafka");
        cpu = PipelineHarness.processCpuNanos() - cpu;
        long out = TopicReader.forEach(kafka.bootstrapServers(), c.forecastsTopic(), Duration.ofMinutes(2), x -> { });
        if (out != events) {
            throw new IllegalStateException("exactly-once run: sent " + events + " events, read " + out + " forecasts");
        }
        double v = events * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        h.logRun(run <= warmUps ? "kafka warm-up" : "kafka", v, events, cpu);
        return v;
    }

    /** Run {@code run}'s job: the shared input topic, its own group, outputs and transactional ids. */
    private ForecastJobConfig config(EmbeddedKafkaBroker kafka, int run) {
        Map<String, String> s = new HashMap<>();
        s.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), interval.toMillis() + " ms");
        if (properties != null) {
            s.put(ForecastOptions.KAFKA_PROPERTIES_FILE.key(), properties.toAbsolutePath().toString());
        }
        s.put(ForecastOptions.EVENTS_TOPIC.key(), "bench-events");
        s.put(ForecastOptions.FORECASTS_TOPIC.key(), "bench-forecasts-" + run);
        s.put(ForecastOptions.ANOMALIES_TOPIC.key(), "bench-anomalies-" + run);
        s.put(ForecastOptions.DEAD_LETTER_TOPIC.key(), "bench-dead-letters-" + run);
        s.put(ForecastOptions.GROUP_ID.key(), "bench-" + run);
        s.put(ForecastOptions.TRANSACTIONAL_ID_PREFIX.key(), "bench-" + run);
        return ForecastJobConfig.fromConfiguration(Configuration.fromMap(s));
    }
}
