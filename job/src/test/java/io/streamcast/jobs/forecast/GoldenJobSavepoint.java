package io.streamcast.jobs.forecast;

import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.ForecastJobMain;
import io.streamcast.jobs.control.ModelControlOptions;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The job and the input of the golden whole-job savepoints {@code golden/job-savepoint-v1} (written by the release
 * with series state layout 2), {@code golden/job-savepoint-v2} (the release with layout 3) and
 * {@code golden/job-savepoint-v3} (the releases with layouts 4 and 5), {@code golden/job-savepoint-v4} (layout 6) and
 * {@code golden/job-savepoint-v5} (layouts 7 to 9, the persistence weight by least squares),
 * {@code golden/job-savepoint-v6} (layout 9, the weight by Huber's loss) and {@code golden/job-savepoint-v7} (this
 * release: layout 10, the profile candidate's two floats for keys without a season), shared by the class
 * that wrote it ({@link JobSavepointGoldenWriter}) and the test that restores it ({@link JobSavepointRestoreITCase}).
 *
 * <p>The job is the one {@link ForecastJobMain} submits to a cluster ({@link ForecastJobMain#job}): Kafka events
 * source, the forecast pipeline with its uids, exactly-once Kafka sinks, and model control reading a models topic,
 * on RocksDB (the state backend of {@code scripts/start-flink.sh} and {@code docker/compose.yaml}) at parallelism
 * {@value #PARALLELISM} with the default max parallelism. The model is {@link TestModels#bundle()}, fixed in code,
 * so a retrained bundled model cannot change what the savepoint holds.
 *
 * <p>The input: {@value #KEYS} keys ({@code key-0} … on partition {@code index mod 2} of {@value #EVENTS_TOPIC})
 * with {@value #EVENTS_PER_KEY} events each, five minutes apart, interleaved in time order, plus a malformed record
 * in each half. The savepoint was taken after the prefix: the first {@value #PREFIX} events of every key and one
 * malformed record. The suffix starts with a copy of {@code key-0}'s last prefix event (same time, other value),
 * which only a job that restored the key's state recognises as out of order.
 *
 * <p>Everything the savepoint depends on is here: topic names and partitions (source splits and offsets), the
 * transactional id prefix (sink state), keys, prefix, parallelism, model and options. Changing any of it needs a
 * new golden version; {@link #describe()} is stored beside the savepoint and the test checks it.
 */
final class GoldenJobSavepoint {

    /**
     * The golden written by the release with series state layout 2 (intervals of every horizon, the model's forecast
     * served alone); never rewritten.
     */
    static final String NAME_V1 = "job-savepoint-v1";
    /**
     * The golden written by the release with series state layout 3 (event counts and the served one-step forecast
     * kept in the stats); never rewritten.
     */
    static final String NAME_V2 = "job-savepoint-v2";
    /**
     * The golden written by the releases with series state layouts 4 and 5 (no daily profile in the anomaly scorer,
     * its residual statistics in units of the key's value scale); never rewritten.
     */
    static final String NAME_V3 = "job-savepoint-v3";
    /**
     * The golden written by the release with series state layout 6 (the daily profile's means and the recurrent
     * state as floats); never rewritten.
     */
    static final String NAME_V4 = "job-savepoint-v4";
    /**
     * The golden written by the releases with series state layouts 7 to 9 and the persistence weight fitted by least
     * squares; never rewritten.
     */
    static final String NAME_V5 = "job-savepoint-v5";
    /**
     * The golden written by the release with series state layout 9 and the persistence weight fitted by Huber's loss;
     * never rewritten.
     */
    static final String NAME_V6 = "job-savepoint-v6";
    /**
     * The golden of this release (series state layout 10: a key without a season also keeps its profile candidate's
     * error averages); {@link JobSavepointGoldenWriter} writes this one.
     */
    static final String NAME = "job-savepoint-v7";
    static final Path DIR = dir(NAME);

    static Path dir(String name) {
        return StateCompatibilityTest.GOLDEN_DIR.resolve(name);
    }
    /** The job's settings and input, written beside the savepoint ({@link #describe()}). */
    static final String DESCRIPTION_FILE = "golden-job.properties";

    static final int PARALLELISM = 2;
    static final int KEYS = 4;
    static final int EVENTS_PER_KEY = 40;
    static final int PREFIX = 20;
    static final int WARM_UP_EVENTS = 8;

    static final String EVENTS_TOPIC = "golden-events";
    static final int EVENTS_PARTITIONS = 2;
    static final String MODELS_TOPIC = "golden-models";
    /** Consumer group and transactional id prefix of the job that wrote the savepoint; a restore keeps them. */
    static final String GOLDEN_ID = "golden";

    static final ModelBundle MODEL = TestModels.bundle();

    static final String MALFORMED_IN_PREFIX = "{\"key\": \"key-1\", \"ts\": 1767571200000, \"value\": 4.0";
    static final String MALFORMED_IN_SUFFIX = "{\"key\": \"key-2\", \"ts\": \"yesterday\", \"value\": 3.0}";

    private GoldenJobSavepoint() {}

    /** Every key's events, prefix and suffix. */
    static Map<String, List<Event>> series() {
        Map<String, List<Event>> byKey = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            byKey.put(key, TestModels.series(key, EVENTS_PER_KEY, Math.pow(10, k), 700 + k));
        }
        return byKey;
    }

    /** The copy of {@code key-0}'s last prefix event that opens the suffix: same event time, another value. */
    static Event repeatedEvent() {
        Event last = series().get("key-0").get(PREFIX - 1);
        return new Event(last.getKey(), last.getTimestampMillis(), last.getValue() + 1);
    }

    /** The input topics of the golden job, as the writer created them. */
    static void createInputTopics(EmbeddedKafkaBroker kafka) {
        kafka.createTopics(EVENTS_PARTITIONS, EVENTS_TOPIC);
        kafka.createTopics(1, MODELS_TOPIC);
    }

    /** Sends the prefix to the events topic, in the order (and so at the offsets) the golden job read it. */
    static void producePrefix(EmbeddedKafkaBroker kafka) {
        produce(kafka, 0, PREFIX, List.of(), PREFIX / 2, MALFORMED_IN_PREFIX);
    }

    /** Sends the suffix; after {@link #producePrefix} its records follow the prefix's offsets. */
    static void produceSuffix(EmbeddedKafkaBroker kafka) {
        produce(kafka, PREFIX, EVENTS_PER_KEY, List.of(repeatedEvent()), (PREFIX + EVENTS_PER_KEY) / 2,
                MALFORMED_IN_SUFFIX);
    }

    /**
     * Events {@code from} (inclusive) to {@code to} of every key, time step by time step, key {@code k} to partition
     * {@code k mod 2}; {@code first} before them, the malformed record (partition 1) after step {@code malformedAfter}.
     * One producer, flushed at the end: records of a partition keep their send order, so the offsets are fixed.
     */
    private static void produce(EmbeddedKafkaBroker kafka, int from, int to, List<Event> first, int malformedAfter,
                                String malformed) {
        Map<String, List<Event>> series = series();
        List<String> keys = new ArrayList<>(series.keySet());
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Event e : first) {
                producer.send(event(e, keys.indexOf(e.getKey()) % EVENTS_PARTITIONS));
            }
            for (int t = from; t < to; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    producer.send(event(series.get(keys.get(k)).get(t), k % EVENTS_PARTITIONS));
                }
                if (t == malformedAfter) {
                    producer.send(new ProducerRecord<>(EVENTS_TOPIC, 1, null, malformed.getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static ProducerRecord<byte[], byte[]> event(Event e, int partition) {
        return new ProducerRecord<>(EVENTS_TOPIC, partition, e.getKey().getBytes(StandardCharsets.UTF_8),
                JsonCodec.toJsonBytes(e));
    }

    /** One run of the golden job: its own output topics, consumer group and transactional id prefix. */
    record Run(String id, String groupAndTransactionalIdPrefix) {

        /** A run that continues the golden job: its consumer group and transactional id prefix. */
        static Run continuing(String id) {
            return new Run(id, GOLDEN_ID);
        }

        /** A run of its own, from the start of the topics. */
        static Run independent(String id) {
            return new Run(id, id);
        }

        String forecasts() {
            return id + "-forecasts";
        }

        String anomalies() {
            return id + "-anomalies";
        }

        String deadLetters() {
            return id + "-dlq";
        }

        String modelErrors() {
            return id + "-model-errors";
        }

        void createOutputTopics(EmbeddedKafkaBroker kafka) {
            kafka.createTopics(2, forecasts(), anomalies());
            kafka.createTopics(1, deadLetters(), modelErrors());
        }

        /** The job options, as {@code -D} settings of {@link ForecastJobMain} would give them. */
        Configuration options(String bootstrapServers) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
            s.put(ForecastOptions.EVENTS_TOPIC.key(), EVENTS_TOPIC);
            s.put(ForecastOptions.FORECASTS_TOPIC.key(), forecasts());
            s.put(ForecastOptions.ANOMALIES_TOPIC.key(), anomalies());
            s.put(ForecastOptions.DEAD_LETTER_TOPIC.key(), deadLetters());
            s.put(ForecastOptions.GROUP_ID.key(), groupAndTransactionalIdPrefix);
            s.put(ForecastOptions.TRANSACTIONAL_ID_PREFIX.key(), groupAndTransactionalIdPrefix);
            s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "300 ms");
            s.put(ForecastOptions.WARM_UP_EVENTS.key(), String.valueOf(WARM_UP_EVENTS));
            s.put(ModelControlOptions.MODELS_TOPIC.key(), MODELS_TOPIC);
            s.put(ModelControlOptions.MODEL_ERRORS_TOPIC.key(), modelErrors());
            return Configuration.fromMap(s);
        }

        /** The production job graph of this run in {@code env}, restoring {@code restore}. */
        StreamGraph streamGraph(StreamExecutionEnvironment env, String bootstrapServers, SavepointRestoreSettings restore) {
            ForecastJobMain.job(options(bootstrapServers), MODEL, false).build(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("golden-" + id);
            graph.setSavepointRestoreSettings(restore);
            return graph;
        }

        /** Submits this run to the mini-cluster of the calling test. */
        JobClient start(String bootstrapServers, SavepointRestoreSettings restore) throws Exception {
            return start(bootstrapServers, restore, PARALLELISM);
        }

        /** Submits this run at {@code parallelism} (the golden was written at {@value #PARALLELISM}). */
        JobClient start(String bootstrapServers, SavepointRestoreSettings restore, int parallelism) throws Exception {
            StreamExecutionEnvironment env = environment();
            env.setParallelism(parallelism);
            return env.executeAsync(streamGraph(env, bootstrapServers, restore));
        }
    }

    /** The environment of every run: RocksDB, no Kryo, no restarts (a failed restore fails the run). */
    static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    /** Waits until {@code topic} holds at least {@code count} committed records; fails with what it holds after {@code timeout}. */
    static void awaitCommitted(EmbeddedKafkaBroker kafka, String topic, long count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n;
        while ((n = TopicReader.forEach(kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> { })) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + topic + " holds " + n + " committed records after " + timeout
                        + ", expected " + count);
            }
            Thread.sleep(200);
        }
    }

    /** Stops {@code job} with a canonical savepoint under {@code dir}; returns the savepoint's directory. */
    static Path stopWithSavepoint(JobClient job, Path dir) throws Exception {
        String path = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        return Path.of(java.net.URI.create(path.startsWith("file:") ? path : "file:" + path));
    }

    static List<ForecastRecord> forecasts(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        return TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(60)).stream()
                .map(r -> JsonCodec.fromJson(r.value(), ForecastRecord.class)).collect(Collectors.toList());
    }

    static List<DeadLetter> deadLetters(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        return TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(60)).stream()
                .map(r -> JsonCodec.fromJson(r.value(), DeadLetter.class)).collect(Collectors.toList());
    }

    /** Records by key, each key's in event-time order. */
    static Map<String, List<ForecastRecord>> byKey(List<ForecastRecord> records) {
        Map<String, List<ForecastRecord>> m = records.stream().collect(Collectors.groupingBy(ForecastRecord::getKey,
                LinkedHashMap::new, Collectors.toList()));
        m.values().forEach(l -> l.sort(Comparator.comparingLong(ForecastRecord::getTs)));
        return m;
    }

    /** What the savepoint depends on, stored beside it as {@value #DESCRIPTION_FILE}. */
    static Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("job", "ForecastJobMain.job: Kafka source and exactly-once sinks, model control on");
        d.put("state-backend", "rocksdb");
        d.put("parallelism", String.valueOf(PARALLELISM));
        d.put("max-parallelism", String.valueOf(ForecastOptions.MAX_PARALLELISM.defaultValue()));
        d.put("model-version", TestModels.VERSION);
        d.put("model-sha256", MODEL.sha256());
        d.put("keys", String.valueOf(KEYS));
        d.put("events-per-key", String.valueOf(EVENTS_PER_KEY));
        d.put("prefix-events-per-key", String.valueOf(PREFIX));
        d.put("warm-up-events", String.valueOf(WARM_UP_EVENTS));
        d.put("events-topic", EVENTS_TOPIC + " (" + EVENTS_PARTITIONS + " partitions)");
        d.put("models-topic", MODELS_TOPIC + " (1 partition)");
        d.put("consumer-group-and-transactional-id-prefix", GOLDEN_ID);
        return d;
    }
}
