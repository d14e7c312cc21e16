package io.streamcast.tools.local;

import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.connectors.kafka.TopicReader;
import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.file.RecordedFileSource;
import io.streamcast.connectors.file.ReplayProducer;
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

    /** What the run did. */
    public record Summary(long eventsIn, long forecastsOut, long deadLettered, long anomalies, java.nio.file.Path csv,
                          Duration took) {
        public String line() {
            return String.format("events in: %d, forecasts out: %d, dead-lettered: %d, anomalies: %d; forecasts written "
                    + "to %s; %.1f s", eventsIn, forecastsOut, deadLettered, anomalies, csv, took.toMillis() / 1000.0);
        }
    }

    /** How to run. {@code fileSource} null means Kafka; {@code replayInput} null means the bundled sample. */
    public record Options(ForecastJobConfig config, ModelBundle model, int parallelism, boolean follow,
                          String fileSource, java.nio.file.Path replayInput, boolean replay,
                          java.nio.file.Path outDir) {}

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
            createTopics(client, config);
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
            return new Summary(eventsIn, forecasts.size(), dead, anomalies, csv, Duration.ofNanos(System.nanoTime() - start));
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
                Duration.ofNanos(System.nanoTime() - start));
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
            return ReplayProducer.builder().client(client).topic(topic).build().replay(input);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
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
            for (String t : List.of(c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic())) {
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

    private static void writeCsv(java.nio.file.Path csv, List<ForecastRecord> forecasts) throws IOException {
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
