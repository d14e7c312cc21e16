package io.streamcast.tools.local;

import io.streamcast.connectors.kafka.BrokerCheck;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.file.RecordedFileSource;
import io.streamcast.connectors.file.KeyFrom;
import io.streamcast.connectors.file.ReplayProducer;
import io.streamcast.tools.replay.RecordedInput;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Runs the forecast job on this machine: a Flink mini-cluster, and either Kafka (an in-process broker
 * unless bootstrap servers are given) or a recorded file. With Kafka and no input of its own it replays
 * the bundled sample stream first. Prints a summary and writes the forecasts to a CSV file.
 */
public final class LocalRun {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    /** Class-path location of the bundled sample stream. */
    public static final String SAMPLE_RESOURCE = "/sample/events.jsonl.gz";

    /**
     * What the run did. {@code outputs} says where the anomalies and dead letters went (Kafka topics, or folders of
     * JSON-lines files for a file source).
     */
    public record Summary(long eventsIn, long forecastsOut, long deadLettered, long anomalies, java.nio.file.Path csv,
                          Duration took, String outputs) {
        public String line() {
            return String.format("events in: %d, forecasts out: %d, dead-lettered: %d, anomalies: %d; forecasts written "
                    + "to %s; %.1f s%n%s", eventsIn, forecastsOut, deadLettered, anomalies, csv, took.toMillis() / 1000.0,
                    outputs);
        }

        /** Where the outputs of a run on Kafka are. */
        static String onKafka(ForecastJobConfig c, boolean inProcessBroker) {
            if (inProcessBroker) {
                return String.format("dead letters went to topic '%s' and anomalies to topic '%s' of the in-process "
                        + "broker, which stops with the run (the anomalies are the CSV's rows with is_anomaly true; "
                        + "run with --bootstrap-servers to keep the topics)", c.deadLetterTopic(), c.anomaliesTopic());
            }
            return String.format("dead letters are in topic '%s', anomalies in topic '%s' and forecasts in topic '%s' "
                    + "at %s", c.deadLetterTopic(), c.anomaliesTopic(), c.forecastsTopic(), c.bootstrapServers());
        }

        /** Where the outputs of a run on a file are. */
        static String onFile(java.nio.file.Path forecasts, java.nio.file.Path anomalies, java.nio.file.Path dead) {
            return String.format("dead letters are in %s, anomalies in %s and forecasts in %s (JSON lines, in one "
                    + "folder per hour of the run's wall clock)", dead, anomalies, forecasts);
        }
    }

    /** How to run. {@code fileSource} null means Kafka; {@code replayInput} null means the bundled sample. */
    public record Options(ForecastJobConfig config, ModelBundle model, int parallelism, boolean follow,
                          String fileSource, java.nio.file.Path replayInput, boolean replay,
                          java.nio.file.Path outDir, boolean resetTopics) {
        public Options(ForecastJobConfig config, ModelBundle model, int parallelism, boolean follow, String fileSource,
                       java.nio.file.Path replayInput, boolean replay, java.nio.file.Path outDir) {
            this(config, model, parallelism, follow, fileSource, replayInput, replay, outDir, false);
        }
    }

    private final Options o;
    private final PrintStream log;

    public LocalRun(Options options, PrintStream log) {
        this.o = options;
        this.log = log;
    }

    public Summary run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(o.outDir());
        java.nio.file.Path csv = o.outDir().resolve("forecasts.csv");
        if (o.fileSource() != null) {
            return runOnFile(csv, start);
        }
        EmbeddedKafkaBroker broker = null;
        ForecastJobConfig config = o.config();
        try {
            if (config.bootstrapServers() == null) {
                log.println("starting an in-process Kafka broker (KRaft) ...");
                broker = EmbeddedKafkaBroker.start();
                config = config.withBootstrapServers(broker.bootstrapServers());
                log.println("Kafka broker at " + broker.bootstrapServers());
            }
            KafkaClientSettings client = config.kafkaClient();
            if (broker == null) {
                BrokerCheck.requireReachable(client, BrokerCheck.DEFAULT_TIMEOUT, "start a broker "
                        + "(scripts/start-kafka.sh starts one at 127.0.0.1:9092), or omit --bootstrap-servers to run "
                        + "with an in-process broker");
            }
            if (o.resetTopics()) {
                deleteTopics(client, config);
                log.printf("deleted topics %s to start clean%n", String.join(", ", jobTopics(config)));
            }
            createTopics(client, config);
            if (!o.resetTopics()) {
                refuseOldData(client, config, o.replay());
            }
            if (o.replay()) {
                long sent = replay(client, config.eventsTopic());
                log.printf("replayed %d records into topic '%s'%n", sent, config.eventsTopic());
            }
            StreamExecutionEnvironment env = localEnvironment();
            new ForecastJob(config, o.model(), KafkaWiring.source(config, !o.follow()),
                    KafkaWiring.forecastsSink(config), KafkaWiring.anomaliesSink(config),
                    KafkaWiring.deadLetterSink(config)).build(env);
            log.printf("running the forecast job in a local mini-cluster (parallelism %d, model %s)%s%n",
                    o.parallelism(), o.model().modelVersion(), o.follow() ? "; Ctrl-C stops it" : "");
            env.execute("streamcast-forecast");

            Duration timeout = Duration.ofMinutes(2);
            long eventsIn = TopicReader.forEach(client, config.eventsTopic(), timeout, r -> { });
            long dead = TopicReader.forEach(client, config.deadLetterTopic(), timeout, r -> { });
            long anomalies = TopicReader.forEach(client, config.anomaliesTopic(), timeout, r -> { });
            List<ForecastRecord> forecasts = new ArrayList<>();
            TopicReader.forEach(client, config.forecastsTopic(), timeout,
                    r -> forecasts.add(JsonCodec.fromJson(r.value(), ForecastRecord.class)));
            writeCsv(csv, forecasts);
            return new Summary(eventsIn, forecasts.size(), dead, anomalies, csv, Duration.ofNanos(System.nanoTime() - start),
                    Summary.onKafka(config, broker != null));
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private Summary runOnFile(java.nio.file.Path csv, long start) throws Exception {
        ForecastJobConfig config = o.config();
        java.nio.file.Path forecastsDir = o.outDir().resolve("forecasts");
        java.nio.file.Path anomaliesDir = o.outDir().resolve("anomalies");
        java.nio.file.Path deadDir = o.outDir().resolve("dead-letters");
        for (java.nio.file.Path d : List.of(forecastsDir, anomaliesDir, deadDir)) {
            deleteRecursively(d);
        }
        StreamExecutionEnvironment env = localEnvironment();
        new ForecastJob(config, o.model(), RecordedFileSource.fromSpec(o.fileSource(), KafkaWiring.validation(config)),
                jsonLines(forecastsDir), jsonLines(anomaliesDir), jsonLines(deadDir)).build(env);
        log.printf("running the forecast job over %s in a local mini-cluster (parallelism %d, model %s)%n",
                o.fileSource(), o.parallelism(), o.model().modelVersion());
        env.execute("streamcast-forecast-file");

        List<ForecastRecord> forecasts = new ArrayList<>();
        for (String line : lines(forecastsDir)) {
            forecasts.add(JsonCodec.fromJson(line, ForecastRecord.class));
        }
        long dead = lines(deadDir).size();
        long anomalies = lines(anomaliesDir).size();
        writeCsv(csv, forecasts);
        return new Summary(forecasts.size() + dead, forecasts.size(), dead, anomalies, csv,
                Duration.ofNanos(System.nanoTime() - start), Summary.onFile(forecastsDir, anomaliesDir, deadDir));
    }

    /** A mini-cluster environment: no Kryo fallback, a few restarts at most. */
    StreamExecutionEnvironment localEnvironment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(), conf);
    }

    private long replay(KafkaClientSettings client, String topic) throws IOException, InterruptedException {
        java.nio.file.Path input = o.replayInput();
        java.nio.file.Path temp = null;
        if (input == null) {
            temp = Files.createTempFile("streamcast-sample", ".jsonl");
            try (InputStream in = LocalRun.class.getResourceAsStream(SAMPLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled sample " + SAMPLE_RESOURCE + " is missing from the class path");
                }
                Files.copy(new GZIPInputStream(in), temp, StandardCopyOption.REPLACE_EXISTING);
            }
            input = temp;
            log.println("replaying the bundled sample stream (" + SAMPLE_RESOURCE + ")");
        }
        try {
            reportMalformed(input, temp == null ? null : "bundled sample " + SAMPLE_RESOURCE);
            return ReplayProducer.builder().client(client).topic(topic).build().replay(input);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Prints each line of the replay input that is not a valid event with its file and line number (as {@code replay}
     * does), and what becomes of it. {@code name}: the input's name to print instead of its path, or null.
     */
    private void reportMalformed(java.nio.file.Path input, String name) throws IOException {
        RecordedInput scan = RecordedInput.scan(input, KafkaWiring.validation(o.config()), KeyFrom.AUTO);
        int listed = 0;
        for (RecordedInput.Malformed m : scan.malformed()) {
            if (listed++ == MAX_LISTED) {
                log.printf("... and %d more%n", scan.malformed().size() - MAX_LISTED);
                break;
            }
            String where = name == null ? m.where() : name + " line " + m.line();
            log.printf("%s: %s %s%n", where, m.reason(),
                    m.json() ? "(sent unchanged: the job dead-letters it)" : "(not sent)");
        }
    }

    /** Malformed replay lines listed in full before the rest are only counted. */
    static final int MAX_LISTED = 50;

    /** The topics a run creates, reads and writes: events, forecasts, anomalies, dead letters. */
    static List<String> jobTopics(ForecastJobConfig c) {
        return List.of(c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic());
    }

    /**
     * A run reads the events topic from its start and writes all its output to the output topics, then reports
     * (and writes to the CSV) everything those topics hold: records left by an earlier run would be read again,
     * replayed records after them dead-lettered as out of order and forecasts duplicated. So a run refuses to start
     * when an output topic holds records, or when it is to replay into an events topic that holds records.
     *
     * @throws IllegalArgumentException naming the topics, their record counts and how to start clean
     */
    static void refuseOldData(KafkaClientSettings client, ForecastJobConfig c, boolean replay)
            throws InterruptedException, ExecutionException {
        Map<String, Long> counts = recordCounts(client, jobTopics(c));
        List<String> old = new ArrayList<>();
        for (String t : jobTopics(c)) {
            long n = counts.getOrDefault(t, 0L);
            if (n > 0 && (replay || !t.equals(c.eventsTopic()))) {
                old.add("'" + t + "'");
            }
        }
        if (old.isEmpty()) {
            return;
        }
        throw new IllegalArgumentException("the broker at " + client.bootstrapServers() + " holds records of an earlier "
                + "run (in topics " + String.join(", ", old) + "); this run would read the old events again "
                + "and report old and new output together (duplicate forecasts), so it did not start. To start "
                + "clean, run again with --reset-topics (deletes and recreates topics " + String.join(", ", jobTopics(c))
                + "), or empty the broker of scripts/start-kafka.sh: scripts/stop-kafka.sh && rm -r "
                + "target/cluster/kafka && scripts/start-kafka.sh");
    }

    /**
     * Records per topic (end offset minus start offset, summed over partitions; transaction markers count too);
     * retried for up to 30 s while a just-created topic's partitions are not yet served.
     */
    static Map<String, Long> recordCounts(KafkaClientSettings client, List<String> topics)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return recordCountsOnce(client, topics);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static Map<String, Long> recordCountsOnce(KafkaClientSettings client, List<String> topics)
            throws InterruptedException, ExecutionException {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        try (Admin admin = Admin.create(client.toProperties())) {
            Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest =
                    new java.util.HashMap<>();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (var d : described.values()) {
                for (var p : d.partitions()) {
                    var tp = new org.apache.kafka.common.TopicPartition(d.name(), p.partition());
                    earliest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest());
                    latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            var start = admin.listOffsets(earliest).all().get();
            var end = admin.listOffsets(latest).all().get();
            for (String t : topics) {
                counts.put(t, 0L);
            }
            end.forEach((tp, info) -> counts.merge(tp.topic(), info.offset() - start.get(tp).offset(), Long::sum));
        }
        return counts;
    }

    /** Deletes the job's topics where they exist and waits until the broker no longer lists them. */
    static void deleteTopics(KafkaClientSettings client, ForecastJobConfig c)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(client.toProperties())) {
            java.util.Set<String> existing = new java.util.HashSet<>(admin.listTopics().names().get());
            List<String> delete = jobTopics(c).stream().filter(existing::contains).toList();
            if (delete.isEmpty()) {
                return;
            }
            admin.deleteTopics(delete).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                java.util.Set<String> names = admin.listTopics().names().get();
                if (delete.stream().noneMatch(names::contains)) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("topics " + delete + " were still listed 30 s after their deletion");
        }
    }

    /**
     * Creates the job's topics where missing. The output topics stamp records with their append time: the
     * sinks give each record its event time, and a broker's time-based retention would delete outputs of a
     * replayed old stream at once.
     */
    static void createTopics(KafkaClientSettings client, ForecastJobConfig c)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(client.toProperties())) {
            for (String t : jobTopics(c)) {
                NewTopic topic = new NewTopic(t, 2, (short) 1);
                if (!t.equals(c.eventsTopic())) {
                    topic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
                }
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    LOG.info("topic {} exists already", t);
                }
            }
        }
    }

    private static <T> FileSink<T> jsonLines(java.nio.file.Path dir) {
        Encoder<T> encoder = (element, stream) -> {
            stream.write(JsonCodec.toJsonBytes(element));
            stream.write('\n');
        };
        return FileSink.forRowFormat(new Path(dir.toUri()), encoder).build();
    }

    private static List<String> lines(java.nio.file.Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            for (java.nio.file.Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            }
        }
        return out;
    }

    static void writeCsv(java.nio.file.Path csv, List<ForecastRecord> forecasts) throws IOException {
        forecasts.sort(Comparator.comparing(ForecastRecord::getKey).thenComparingLong(ForecastRecord::getTs));
        int horizon = forecasts.isEmpty() ? 0 : forecasts.get(0).horizon();
        try (ForecastCsv out = new ForecastCsv(csv, horizon)) {
            for (ForecastRecord r : forecasts) {
                out.write(r);
            }
        }
    }

    /** Deletes a file tree if it exists. */
    public static void deleteRecursively(java.nio.file.Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
