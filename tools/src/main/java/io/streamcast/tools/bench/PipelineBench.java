package io.streamcast.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.tools.local.LocalRun;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bench pipeline}: the real forecast job in a local mini-cluster, measured end to end.
 * <ol>
 *   <li>{@code generator}: throughput, generator → job (validate, watermarks, keyed LSTM step with anomaly scoring
 *       and intervals) → discarding sinks, for several key counts, heap and RocksDB state, parallelism 1 and 2;
 *   <li>{@code kafka}: Kafka in → Kafka out, exactly-once, through the in-process broker; the input topic is filled
 *       before and the output read back after the timed runs, and one untimed run of the same job goes first, so
 *       that the first timed run does not pay for compiling the JSON and Kafka client paths (the generator rows
 *       follow one another and warm up the job's own code);
 *   <li>{@code latency}: event → forecast latency percentiles at half the measured maximum rate;
 *   <li>{@code state}: state bytes per key (completed checkpoint size ÷ keys) and heap per key;
 *   <li>{@code dl4j}: the same keyed stepping done with DL4J {@code rnnTimeStep}, side by side.
 * </ol>
 * Each throughput figure is the median of {@code repeats} runs in this one JVM. A {@link Selection} narrows a run
 * to some scenarios, key counts, backends and parallelisms; its rows then replace the rows with the same
 * scenario, state backend, parallelism and key count in the existing JSON, and the table is written from the merged
 * rows, so a focused re-measurement leaves the other rows as they were (each row carries when it was measured and of
 * how many runs it is the median).
 */
public final class PipelineBench {

    /** The scenario names a {@link Selection} may pick, in the order they run. */
    public static final List<String> SCENARIOS = List.of("generator", "kafka", "latency", "state", "dl4j");

    static final String GENERATOR = "generator → job → discard";
    static final String KAFKA = "Kafka → job → Kafka, exactly-once";
    /** The Kafka row's name before it carried its checkpoint interval (it was 2 s). */
    private static final String KAFKA_BEFORE_INTERVAL = KAFKA;
    static final String DL4J = "generator → DL4J rnnTimeStep in the job → discard";

    public record Row(String scenario, String backend, int parallelism, int keys, long events, double eventsPerSecond,
                      String note, int runs, String measured) {}

    /**
     * What a run measures.
     *
     * @param scenarios    some of {@link #SCENARIOS}
     * @param keys         key counts of the generator rows
     * @param backends     state backends of the generator rows: {@code hashmap}, {@code rocksdb}
     * @param parallelisms parallelisms of the generator rows
     * @param repeats      runs per throughput row (the median is reported)
     * @param kafkaPerKey  events per key of the Kafka run
     * @param kafkaCheckpointInterval checkpoint interval of the Kafka run: how often its transactions commit
     * @param kafkaProperties Kafka client properties file for the Kafka run's job (source and sinks), or null
     */
    public record Selection(List<String> scenarios, List<Integer> keys, List<String> backends, List<Integer> parallelisms,
                            int repeats, int kafkaPerKey, Duration kafkaCheckpointInterval, Path kafkaProperties) {

        /** Everything, at the sizes of a full or a quick run. */
        public static Selection all(boolean quick) {
            return new Selection(SCENARIOS, quick ? List.of(1_000, 100_000) : List.of(1_000, 100_000, 1_000_000),
                    List.of("hashmap", "rocksdb"), quick ? List.of(2) : List.of(1, 2), quick ? 1 : 3, quick ? 5 : 10,
                    DEFAULT_KAFKA_CHECKPOINT_INTERVAL, null);
        }

        /**
         * Checks the selection.
         *
         * @throws IllegalArgumentException naming the bad value and the accepted ones
         */
        public Selection {
            scenarios = List.copyOf(scenarios);
            keys = List.copyOf(keys);
            backends = List.copyOf(backends);
            parallelisms = List.copyOf(parallelisms);
            for (String s : scenarios) {
                if (!SCENARIOS.contains(s)) {
                    throw new IllegalArgumentException("Unknown scenario '" + s + "': choose from " + String.join(", ", SCENARIOS));
                }
            }
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("No scenario selected: choose from " + String.join(", ", SCENARIOS));
            }
            for (String b : backends) {
                if (!b.equals("hashmap") && !b.equals("rocksdb")) {
                    throw new IllegalArgumentException("Unknown state backend '" + b + "': choose hashmap or rocksdb");
                }
            }
            for (int p : parallelisms) {
                if (p < 1 || p > 2) {
                    throw new IllegalArgumentException("Parallelism " + p + " is not measured: choose 1 or 2");
                }
            }
            for (int k : keys) {
                if (k < 2 || k % 2 != 0) {
                    throw new IllegalArgumentException("Key count " + k + " must be even and at least 2 "
                            + "(the keys are split evenly over up to two generator readers)");
                }
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("repeats must be at least 1; got " + repeats);
            }
            if (kafkaPerKey < 1) {
                throw new IllegalArgumentException("Kafka events per key must be at least 1; got " + kafkaPerKey);
            }
            if (kafkaCheckpointInterval == null || kafkaCheckpointInterval.toMillis() < 10) {
                throw new IllegalArgumentException("The Kafka run's checkpoint interval must be at least 10 ms; got "
                        + kafkaCheckpointInterval);
            }
            if (kafkaProperties != null && !Files.isRegularFile(kafkaProperties)) {
                throw new IllegalArgumentException("Kafka client properties file " + kafkaProperties + " does not exist");
            }
        }

        boolean has(String scenario) {
            return scenarios.contains(scenario);
        }
    }

    private final boolean quick;
    private final Selection selection;
    private final PrintStream log;
    private final ModelBundle model;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> extra = new HashMap<>();

    public PipelineBench(boolean quick, PrintStream log) throws IOException {
        this(quick, Selection.all(quick), log);
    }

    public PipelineBench(boolean quick, Selection selection, PrintStream log) throws IOException {
        this.quick = quick;
        this.selection = selection;
        this.log = log;
        this.model = ModelBundle.bundledDefault();
        this.work = Files.createTempDirectory("streamcast-bench");
    }

    public List<Row> run(Path markdown, Path json) throws Exception {
        Selection sel = selection;
        int repeats = sel.repeats();
        boolean everything = sel.equals(Selection.all(quick));
        List<Row> previous = everything ? List.of() : readRows(json);
        @SuppressWarnings("unchecked") Map<String, Object> previousExtra = everything ? Map.of() : readExtra(json);
        if (sel.has("generator")) {
            for (String backend : sel.backends()) {
                for (int p : sel.parallelisms()) {
                    for (int keys : sel.keys()) {
                        long perKey = eventsPerKey(keys, backend);
                        double eps = median(repeats, () -> generatorRun(keys, perKey, p, backend));
                        rows.add(row(GENERATOR, backend, p, keys, keys * perKey, eps, "", repeats));
                        log.printf(Locale.ROOT, "generator %s p=%d keys=%d: %,.0f events/s%n", backend, p, keys, eps);
                    }
                }
            }
        }
        if (sel.has("kafka")) {
            kafkaRun(quick ? 20_000 : 100_000, sel.kafkaPerKey(), repeats, quick ? 0 : 1, sel.kafkaCheckpointInterval(),
                    sel.kafkaProperties());
        }
        if (sel.has("latency")) {
            double best100k = best100kHeap(merge(previous, rows));
            latencyRun(100_000, Math.max(10_000, best100k / 2), quick ? 10 : 20);
        }
        if (sel.has("state")) {
            stateRun(100_000);
        }
        if (sel.has("dl4j")) {
            dl4jRun(1_000, quick ? 5 : 20, repeats);
        }

        List<Row> all = merge(previous, rows);
        Map<String, Object> allExtra = new HashMap<>(previousExtra);
        allExtra.putAll(extra);
        BenchReport.writeSection(markdown, "pipeline", toMarkdown(all, allExtra));
        writeJson(json, all, allExtra);
        LocalRun.deleteRecursively(work);
        return rows;
    }

    /**
     * One run's throughput and the CPU time this process spent on it (all threads, the in-process broker included):
     * events per CPU-second is steadier than events per second when other work shares the machine.
     */
    private void logRun(String what, double eventsPerSecond, long events, long cpuNanos) {
        log.printf(Locale.ROOT, "  %s run: %,.0f events/s, %.1f CPU-s = %,.0f events per CPU-second%n", what,
                eventsPerSecond, cpuNanos / 1e9, events / (cpuNanos / 1e9));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Row row(String scenario, String backend, int p, int keys, long events, double eps, String note, int runs) {
        return new Row(scenario, backend, p, keys, events, eps, note, runs, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The best heap throughput at 100,000 keys, measured now or before: the latency run offers half of it. */
    private static double best100kHeap(List<Row> rows) {
        return rows.stream().filter(r -> r.scenario().equals(GENERATOR) && r.backend().equals("hashmap") && r.keys() == 100_000)
                .mapToDouble(Row::eventsPerSecond).max()
                .orElseThrow(() -> new IllegalStateException("The latency run offers half the best heap throughput at "
                        + "100,000 keys, and none is measured: add --scenarios generator --keys 100000 --backends hashmap"));
    }

    /** {@code previous} with every row that {@code fresh} measured again replaced, in the table's order. */
    static List<Row> merge(List<Row> previous, List<Row> fresh) {
        Map<String, Row> byId = new java.util.LinkedHashMap<>();
        for (Row r : previous) {
            byId.put(id(r), r);
        }
        for (Row r : fresh) {
            byId.put(id(r), r);
        }
        List<Row> out = new ArrayList<>(byId.values());
        out.sort(Comparator.<Row>comparingInt(r -> r.scenario().equals(GENERATOR) ? 0 : r.scenario().startsWith(KAFKA) ? 1
                        : r.scenario().equals(DL4J) ? 2 : 3)
                .thenComparing(Row::scenario, PipelineBench::naturalOrder)
                .thenComparing(r -> r.backend().equals("hashmap") ? 0 : 1)
                .thenComparingInt(Row::parallelism)
                .thenComparingInt(Row::keys));
        return out;
    }

    /** Text order with runs of digits compared as numbers: "every 2 s" before "every 10 s". */
    static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int i2 = i;
                int j2 = j;
                while (i2 < a.length() && Character.isDigit(a.charAt(i2))) {
                    i2++;
                }
                while (j2 < b.length() && Character.isDigit(b.charAt(j2))) {
                    j2++;
                }
                int c = new java.math.BigInteger(a.substring(i, i2)).compareTo(new java.math.BigInteger(b.substring(j, j2)));
                if (c != 0) {
                    return c;
                }
                i = i2;
                j = j2;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String id(Row r) {
        return r.scenario() + "|" + r.backend() + "|" + r.parallelism() + "|" + r.keys();
    }

    /** The rows of an earlier run's JSON; rows written before rows had dates get the file's date. */
    static List<Row> readRows(Path json) throws IOException {
        if (!Files.exists(json)) {
            return List.of();
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        String written = root.path("written").asText("");
        int defaultRuns = root.path("quick").asBoolean(false) ? 1 : 3;
        List<Row> out = new ArrayList<>();
        for (JsonNode r : root.path("rows")) {
            String scenario = r.path("scenario").asText();
            if (scenario.equals(KAFKA_BEFORE_INTERVAL)) {
                scenario = kafkaScenario(Duration.ofSeconds(2), null);
            }
            out.add(new Row(scenario, r.path("backend").asText(), r.path("parallelism").asInt(),
                    r.path("keys").asInt(), r.path("events").asLong(), r.path("eventsPerSecond").asDouble(),
                    r.path("note").asText(""), r.path("runs").asInt(defaultRuns), r.path("measured").asText(written)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readExtra(Path json) throws IOException {
        if (!Files.exists(json)) {
            return Map.of();
        }
        ObjectMapper m = new ObjectMapper();
        JsonNode root = m.readTree(json.toFile());
        return root.has("extra") ? m.convertValue(root.get("extra"), Map.class) : Map.of();
    }

    private long eventsPerKey(int keys, String backend) {
        long target = quick ? 600_000 : (backend.equals("rocksdb") ? 1_500_000 : 3_000_000);
        return Math.max(2, target / keys);
    }

    interface Measured {
        double run() throws Exception;
    }

    private static double median(int repeats, Measured m) throws Exception {
        double[] v = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            v[i] = m.run();
        }
        Arrays.sort(v);
        return v[repeats / 2];
    }

    private ForecastJobConfig config(Duration checkpointInterval) {
        Map<String, String> s = new HashMap<>();
        s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), checkpointInterval.toMillis() + " ms");
        return ForecastJobConfig.fromConfiguration(Configuration.fromMap(s));
    }

    private StreamExecutionEnvironment environment(int parallelism, String backend, Duration bufferTimeout) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
        if (bufferTimeout != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, bufferTimeout);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    private double generatorRun(int keys, long perKey, int parallelism, String backend) throws Exception {
        CountingSink.reset(false);
        StreamExecutionEnvironment env = environment(parallelism, backend, null);
        new ForecastJob(config(Duration.ofMinutes(30)), model, SyntheticEvents.source(keys, perKey, parallelism, false, 0),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        long cpu = processCpuNanos();
        JobExecutionResult r = env.execute("bench-generator");
        cpu = processCpuNanos() - cpu;
        long expected = keys * perKey;
        if (CountingSink.COUNT.get() != expected) {
            throw new IllegalStateException("expected " + expected + " forecasts, got " + CountingSink.COUNT.get());
        }
        double eps = expected * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        logRun("generator", eps, expected, cpu);
        return eps;
    }

    /**
     * Kafka in → job → Kafka out, exactly-once. The input topic is filled before the job is submitted and the output
     * is read back ({@code read_committed}) after the job has finished; neither is timed. Each repeat runs the job
     * from the start of the same input with its own consumer group, output topics and transactional ids.
     */
    private void kafkaRun(int keys, int perKey, int repeats, int warmUps, Duration interval, Path properties)
            throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).start()) {
            ForecastJobConfig input = kafkaConfig(kafka, 0, interval, properties);
            kafka.createTopics(2, input.eventsTopic());
            long sent = 0;
            try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262144),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int step = 0; step < perKey; step++) {
                    for (int k = 0; k < keys; k++) {
                        String key = "k" + k;
                        Event e = new Event(key, SyntheticEvents.T0 + step * 60_000L, 100 + Math.sin(step + k));
                        producer.send(new ProducerRecord<>(input.eventsTopic(), key.getBytes(StandardCharsets.UTF_8),
                                JsonCodec.toJsonBytes(e)));
                        sent++;
                    }
                }
            }
            long events = sent;
            int[] run = {0};
            Measured once = () -> {
                ForecastJobConfig c = kafkaConfig(kafka, ++run[0], interval, properties);
                kafka.createTopics(2, c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic());
                StreamExecutionEnvironment env = environment(2, "hashmap", null);
                new ForecastJob(c, model, KafkaWiring.source(c, true), KafkaWiring.forecastsSink(c),
                        KafkaWiring.anomaliesSink(c), KafkaWiring.deadLetterSink(c)).build(env);
                long cpu = processCpuNanos();
                JobExecutionResult r = env.execute("bench-kafka");
                cpu = processCpuNanos() - cpu;
                long out = TopicReader.forEach(kafka.bootstrapServers(), c.forecastsTopic(), Duration.ofMinutes(2), x -> { });
                if (out != events) {
                    throw new IllegalStateException("exactly-once run: sent " + events + " events, read " + out + " forecasts");
                }
                double v = events * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
                logRun(run[0] <= warmUps ? "kafka warm-up" : "kafka", v, events, cpu);
                return v;
            };
            for (int i = 0; i < warmUps; i++) {
                once.run();
            }
            double eps = median(repeats, once);
            rows.add(row(kafkaScenario(interval, properties), "hashmap", 2, keys, sent, eps,
                    "in-process broker; input produced before the job starts, output read back with read_committed "
                            + "after it ends (neither timed); "
                            + (warmUps == 0 ? "no warm-up run" : warmUps + " untimed warm-up run" + (warmUps > 1 ? "s" : "")
                            + " of the same job first (JIT)"), repeats));
            log.printf(Locale.ROOT, "kafka exactly-once keys=%d: %,.0f events/s%n", keys, eps);
        }
    }

    /** The job's default checkpoint interval. */
    static final Duration DEFAULT_KAFKA_CHECKPOINT_INTERVAL = ForecastOptions.CHECKPOINT_INTERVAL.defaultValue();

    /** The Kafka row's scenario: with its checkpoint interval (= transaction cadence) and any client properties. */
    static String kafkaScenario(Duration interval, Path properties) {
        String every = interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
        return KAFKA + ", checkpoints every " + every
                + (properties == null ? "" : ", client properties " + properties.getFileName());
    }

    /** Repeat {@code run} of the Kafka scenario: shared input topic, its own group, outputs and transactional ids. */
    private static ForecastJobConfig kafkaConfig(EmbeddedKafkaBroker kafka, int run, Duration interval, Path properties) {
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

    private void latencyRun(int keys, double rate, int seconds) throws Exception {
        CountingSink.reset(true);
        long perKey = Math.max(2, (long) (rate * seconds / keys));
        StreamExecutionEnvironment env = environment(2, "hashmap", Duration.ofMillis(5));
        new ForecastJob(config(Duration.ofSeconds(10)), model, SyntheticEvents.source(keys, perKey, 2, true, rate),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        env.execute("bench-latency");
        int n = Math.min(CountingSink.SAMPLES.get(), CountingSink.MAX_SAMPLES);
        int skip = n / 5; // the first fifth includes JIT warm-up
        long[] lat = new long[n - skip];
        for (int i = skip; i < n; i++) {
            lat[i - skip] = CountingSink.LATENCIES.get(i);
        }
        Arrays.sort(lat);
        extra.put("latency", Map.of("rate", rate, "keys", keys, "samples", lat.length,
                "p50Ms", pct(lat, 0.50), "p99Ms", pct(lat, 0.99), "p999Ms", pct(lat, 0.999), "bufferTimeoutMs", 5,
                "measured", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        log.printf(Locale.ROOT, "latency at %,.0f events/s: p50 %d ms, p99 %d ms, p99.9 %d ms%n", rate, pct(lat, 0.5),
                pct(lat, 0.99), pct(lat, 0.999));
    }

    private static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    private void stateRun(int keys) throws Exception {
        Path checkpoints = work.resolve("checkpoints");
        LocalRun.deleteRecursively(checkpoints);
        long heapBefore = usedHeapAfterGc();
        CountingSink.reset(false);
        double rate = 200_000;
        StreamExecutionEnvironment env = environment(2, "hashmap", null);
        new ForecastJob(config(Duration.ofSeconds(2)), model, SyntheticEvents.source(keys, 100_000, 2, false, rate),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        JobClient job = env.executeAsync("bench-state");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (CountingSink.COUNT.get() < 2L * keys) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: keys not all seen within 120 s");
                }
                Thread.sleep(100);
            }
            long seenAt = System.currentTimeMillis();
            Path chk = null;
            while (chk == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: no checkpoint completed after all keys were seen");
                }
                Thread.sleep(200);
                chk = latestCompletedCheckpointAfter(checkpoints, seenAt);
            }
            long bytes = directorySize(chk);
            long heapDuring = usedHeapAfterGc();
            double bytesPerKey = bytes / (double) keys;
            double heapPerKey = (heapDuring - heapBefore) / (double) keys;
            extra.put("state", Map.of("keys", keys, "checkpointBytes", bytes, "checkpointBytesPerKey", bytesPerKey,
                    "heapBytesPerKey", heapPerKey, "maxHeapBytes", Runtime.getRuntime().maxMemory(),
                    "measured", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
            log.printf(Locale.ROOT, "state: %,d keys, checkpoint %,d bytes = %.0f bytes/key; heap %.0f bytes/key%n", keys,
                    bytes, bytesPerKey, heapPerKey);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private void dl4jRun(int keys, int perKey, int repeats) throws Exception {
        double dl4j = median(repeats, () -> {
            CountingSink.reset(false);
            StreamExecutionEnvironment env = environment(1, "hashmap", null);
            env.fromSource(SyntheticEvents.source(keys, perKey, 1, false, 0), WatermarkStrategy.noWatermarks(), "generator")
                    .keyBy(e -> e.getEvent().getKey())
                    .process(new Dl4jStepFunction(32, 8)).uid("dl4j-forecast")
                    .sinkTo(new CountingSink());
            JobExecutionResult r = env.execute("bench-dl4j");
            return keys * perKey * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        });
        rows.add(row(DL4J, "hashmap", 1, keys, (long) keys * perKey, dl4j,
                "baseline: per-event rnnTimeStep with per-key state swap", repeats));
        log.printf(Locale.ROOT, "dl4j in the job: %,.0f events/s%n", dl4j);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static Path latestCompletedCheckpointAfter(Path root, long millis) throws IOException {
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.walk(root, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .filter(p -> p.toFile().lastModified() > millis)
                    .map(Path::getParent)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElse(null);
        }
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private String toMarkdown(List<Row> all, Map<String, Object> extras) {
        StringBuilder sb = new StringBuilder("## Pipeline: the real job in a local mini-cluster\n\n");
        sb.append("Written by `bin/streamcast bench pipeline` (last run ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(": ").append(Runtime.getRuntime().availableProcessors()).append(" cores, max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB). Model: the bundled LSTM, H=32, K=8. ")
                .append("A run limited with `--scenarios`, `--keys`, `--backends` or `--parallelism` replaces only the rows "
                        + "it measured; each row says when it was measured and of how many runs in one JVM it is the "
                        + "median (1 run: a smoke run, not for quoting). events/s = events ÷ the job's net run time, from "
                        + "submission to the end of the bounded input, start-up and the final checkpoint included.\n\n");
        sb.append("| scenario | state | parallelism | keys | events | events/s | runs | measured | note |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|---|\n");
        double java1k = all.stream().filter(r -> r.scenario().equals(GENERATOR) && r.backend().equals("hashmap")
                && r.parallelism() == 1 && r.keys() == 1_000).mapToDouble(Row::eventsPerSecond).findFirst().orElse(Double.NaN);
        for (Row r : all) {
            String note = r.note();
            if (r.scenario().equals(DL4J) && !Double.isNaN(java1k)) {
                note += String.format(Locale.ROOT, "; the Java-kernel job (same keys, p=1) is %.0f× faster", java1k / r.eventsPerSecond());
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %,d | %,.0f | %d | %s | %s |%n", r.scenario(), r.backend(),
                    r.parallelism(), r.keys(), r.events(), r.eventsPerSecond(), r.runs(), day(r.measured()), note));
        }
        @SuppressWarnings("unchecked") Map<String, Object> lat = (Map<String, Object>) extras.get("latency");
        if (lat != null) {
            sb.append(String.format(Locale.ROOT, "%nLatency, event → forecast (wall clock at the generator to wall clock at the "
                            + "sink), %,d keys at %,.0f events/s (half the best heap throughput at 100,000 keys), buffer timeout 5 ms, "
                            + "first fifth of the run dropped: **p50 %s ms, p99 %s ms, p99.9 %s ms** (%s samples%s).%n",
                    ((Number) lat.get("keys")).intValue(), ((Number) lat.get("rate")).doubleValue(), lat.get("p50Ms"),
                    lat.get("p99Ms"), lat.get("p999Ms"), lat.get("samples"), measuredSuffix(lat)));
        }
        @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) extras.get("state");
        if (st != null) {
            sb.append(String.format(Locale.ROOT, "%nState, heap backend, %,d keys: a completed checkpoint of %,d bytes = **%.0f bytes per key** "
                            + "(key, SeriesState and Flink's framing); heap growth %.0f bytes per key (used heap after GC, approximate%s).%n",
                    ((Number) st.get("keys")).intValue(), ((Number) st.get("checkpointBytes")).longValue(),
                    ((Number) st.get("checkpointBytesPerKey")).doubleValue(), ((Number) st.get("heapBytesPerKey")).doubleValue(),
                    measuredSuffix(st)));
        }
        sizing(sb, all, st);
        return sb.toString();
    }

    /**
     * Capacity arithmetic from the measured rows: keys × bytes per key for state, events/s ÷ events/s per slot for
     * slots, and the parallelism 1 vs 2 check that tells how far one more slot carries on this machine.
     */
    private static void sizing(StringBuilder sb, List<Row> all, Map<String, Object> st) {
        double p1 = heap100k(all, 1);
        double p2 = heap100k(all, 2);
        if (Double.isNaN(p1) || st == null) {
            return;
        }
        double bytesPerKey = ((Number) st.get("checkpointBytesPerKey")).doubleValue();
        double heapPerKey = ((Number) st.get("heapBytesPerKey")).doubleValue();
        long keys = 10_000_000L;
        double rate = 1_000_000;
        sb.append(String.format(Locale.ROOT, "%n### Sizing a cluster%n%n"
                + "State is keyed, so Flink spreads keys over parallel subtasks and TaskManagers; one subtask (slot) of "
                + "the forecast operator with heap state steps **%,.0f events/s** at 100,000 keys here (row above, p=1), "
                + "and a key costs **%.0f bytes** of checkpoint and about **%.0f bytes** of TaskManager heap. For K keys "
                + "and E events/s: checkpoint size ≈ K × %.0f B, heap ≈ K × %.0f B (plus Flink's own), slots ≈ E ÷ %,.0f "
                + "with headroom for catching up after a restart. Example: %,d keys at %,.0f events/s need about "
                + "%.1f GB of checkpoint, %.1f GB of heap across the TaskManagers and %d slots (×1.5 headroom: %d), each "
                + "with a core of its own.%n",
                p1, bytesPerKey, heapPerKey, bytesPerKey, heapPerKey, p1, keys, rate,
                keys * bytesPerKey / 1e9, keys * heapPerKey / 1e9, (long) Math.ceil(rate / p1),
                (long) Math.ceil(1.5 * rate / p1)));
        if (!Double.isNaN(p2)) {
            sb.append(String.format(Locale.ROOT, "%nCheck, parallelism 1 vs 2 at 100,000 keys (heap): %,.0f vs %,.0f events/s, "
                    + "×%.2f. On this 2-core machine the generator source, the keyed operator and the sink of both "
                    + "subtasks share 2 cores, so a second slot cannot double the rate; on a cluster whose slots each "
                    + "have their own core the operator's rate adds up per slot, as long as keys spread evenly (they "
                    + "do: 128 key groups by hash).%n", p1, p2, p2 / p1));
        }
    }

    private static double heap100k(List<Row> all, int parallelism) {
        return all.stream().filter(r -> r.scenario().equals(GENERATOR) && r.backend().equals("hashmap")
                && r.parallelism() == parallelism && r.keys() == 100_000).mapToDouble(Row::eventsPerSecond)
                .findFirst().orElse(Double.NaN);
    }

    /** The minute of an ISO instant, e.g. {@code 2026-11-24 09:10}; the text as it is if it is not one. */
    private static String day(String instant) {
        return instant.length() >= 16 && instant.charAt(10) == 'T' ? instant.substring(0, 10) + " " + instant.substring(11, 16) : instant;
    }

    private static String measuredSuffix(Map<String, Object> m) {
        Object at = m.get("measured");
        return at == null ? "" : "; measured " + day(at.toString());
    }

    private void writeJson(Path json, List<Row> all, Map<String, Object> extras) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("written", Instant.now().toString());
        root.put("quick", quick);
        ArrayNode arr = root.putArray("rows");
        for (Row r : all) {
            arr.add(m.valueToTree(r));
        }
        root.set("extra", m.valueToTree(extras));
        m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
