package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlOptions;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Job settings on topics of their own, so integration tests sharing a broker never read each other's records. */
public final class TestTopics {

    private TestTopics() {}

    /** {@code prefix} and a random suffix. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The broker, topics named {@code id-events}, {@code id-forecasts}, {@code id-anomalies}, {@code id-dlq},
     * {@code id-models} and {@code id-model-errors}, consumer group and transactional id prefix {@code id}; a mutable
     * map for the test's own settings.
     */
    public static Map<String, String> settings(String id, String bootstrapServers) {
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

    /** Writes {@code fileBytes} as {@code dir/version.scm} and returns the update naming it, with the SHA-256 of {@code shaOf}. */
    static ModelUpdate update(Path dir, String version, byte[] fileBytes, byte[] shaOf) throws Exception {
        Path f = dir.resolve(version + ".scm");
        Files.write(f, fileBytes);
        return new ModelUpdate(version, f.toUri().toString(), ModelArtifactReader.sha256(shaOf));
    }

    /** Sends {@code value} (UTF-8, no key) to {@code topic} and waits until the broker has it. */
    static void publish(String bootstrapServers, String topic, String value) throws Exception {
        try (var p = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Produces the events of steps [{@code from}, {@code to}) of every key of {@code series} as JSON to {@code topic}
     * (two partitions, key k to partition k % 2, keyed by the event's key), step by step across the keys, skipping a
     * key with no event at a step; with {@code pauseMillis} > 0 each step is flushed and followed by that pause.
     */
    public static void produce(String bootstrapServers, String topic, Map<String, List<Event>> series, int from,
            int to, long pauseMillis) throws Exception {
        try (var p = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> keys = new ArrayList<>(series.keySet());
            for (int t = from; t < to; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    Event e = series.get(keys.get(k)).get(t);
                    if (e == null) {
                        continue;
                    }
                    p.send(new ProducerRecord<>(topic, k % 2, e.getKey().getBytes(StandardCharsets.UTF_8),
                            JsonCodec.toJsonBytes(e)));
                }
                if (pauseMillis > 0) {
                    p.flush();
                    Thread.sleep(pauseMillis);
                }
            }
            p.flush();
        }
    }

    /** Every committed record of {@code topic} as a forecast record. */
    static List<ForecastRecord> forecasts(String bootstrapServers, String topic) throws Exception {
        return TopicReader.readAll(bootstrapServers, topic, Duration.ofSeconds(60)).stream()
                .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).toList();
    }

    /** A job started by {@link #startWithModelControl}: its configs and its client. */
    record Running(ForecastJobConfig config, ModelControlConfig control, JobClient job) {}

    /**
     * Creates the topics of {@code settings} on {@code kafka} and starts the forecast job with model control on them
     * (events from the earliest offset, no restarts, no generic types), serving {@code model}.
     */
    static Running startWithModelControl(EmbeddedKafkaBrokerExtension kafka, Map<String, String> settings,
                                         ModelBundle model, int parallelism, String name) throws Exception {
        return startWithModelControl(kafka.broker(), settings, model, parallelism, name);
    }

    /** As {@link #startWithModelControl(EmbeddedKafkaBrokerExtension, Map, ModelBundle, int, String)}, on a broker of the test's own. */
    static Running startWithModelControl(EmbeddedKafkaBroker kafka, Map<String, String> settings,
                                         ModelBundle model, int parallelism, String name) throws Exception {
        Configuration conf = Configuration.fromMap(settings);
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic());
        kafka.createTopics(1, c.deadLetterTopic(), control.modelsTopic(), control.modelErrorsTopic());
        return runWithModelControl(settings, model, parallelism, name, SavepointRestoreSettings.none());
    }

    /**
     * Starts the forecast job with model control on the topics of {@code settings}, which exist (events from the
     * earliest offset, no restarts, no generic types), serving {@code model}, restoring {@code restore}.
     */
    static Running runWithModelControl(Map<String, String> settings, ModelBundle model, int parallelism, String name,
                                       SavepointRestoreSettings restore) throws Exception {
        Configuration conf = Configuration.fromMap(settings);
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(conf);
        ModelControlConfig control = ModelControlConfig.fromConfiguration(conf);
        Configuration envConf = new Configuration();
        envConf.set(PipelineOptions.GENERIC_TYPES, false);
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(parallelism);
        var source = KafkaEventSource.builder().bootstrapServers(c.bootstrapServers()).topics(c.eventsTopic())
                .groupId(c.groupId()).startingOffsets("earliest").validation(KafkaWiring.validation(c)).build();
        new ForecastJob(c, model, source, KafkaWiring.forecastsSink(c), KafkaWiring.anomaliesSink(c), KafkaWiring.deadLetterSink(c))
                .withModelControl(control, KafkaWiring.modelsSource(c, control, false), KafkaWiring.modelErrorsSink(c, control))
                .build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        graph.setSavepointRestoreSettings(restore);
        return new Running(c, control, env.executeAsync(graph));
    }
}
