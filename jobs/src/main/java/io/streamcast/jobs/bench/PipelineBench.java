package io.streamcast.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.connectors.broker.EmbeddedKafkaBroker;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.local.LocalRun;
import io.streamcast.jobs.local.TopicReader;
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
 *   <li>throughput, generator → job (validate, watermarks, keyed LSTM step with anomaly scoring and
 *       intervals) → discarding sinks, for several key counts, heap and RocksDB state, parallelism 1 and 2;
 *   <li>Kafka in → Kafka out, exactly-once, through the in-process broker;
 *   <li>event → forecast latency percentiles at half the measured maximum rate;
 *   <li>state bytes per key (completed checkpoint size ÷ keys) and heap per key;
 *   <li>the same keyed stepping done with DL4J {@code rnnTimeStep}, side by side.
 * </ol>
 * Each throughput figure is the median of {@code repeats} runs in this one JVM.
 */
public final class PipelineBench {

    public record Row(String scenario, String backend, int parallelism, int keys, long events, double eventsPerSecond,
                      String note) {}

    private final boolean quick;
    private final PrintStream log;
    private final ModelBundle model;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> extra = new HashMap<>();

    public PipelineBench(boolean quick, PrintStream log) throws IOException {
        this.quick = quick;
        this.log = log;
        this.model = ModelBundle.bundledDefault();
        this.work = Files.createTempDirectory("streamcast-bench");
    }

    public List<Row> run(Path markdown, Path json) throws Exception {
        int repeats = quick ? 1 : 3;
        int[] keyCounts = quick ? new int[] {1_000, 100_000} : new int[] {1_000, 100_000, 1_000_000};
        String[] backends = {"hashmap", "rocksdb"};
        int[] parallelisms = quick ? new int[] {2} : new int[] {1, 2};
        double best100k = 0;
        for (String backend : backends) {
            for (int p : parallelisms) {
                for (int keys : keyCounts) {
                    long perKey = eventsPerKey(keys, backend);
                    double eps = median(repeats, () -> generatorRun(keys, perKey, p, backend));
                    rows.add(new Row("generator → job → discard", backend, p, keys, keys * perKey, eps, ""));
                    log.printf(Locale.ROOT, "generator %s p=%d keys=%d: %,.0f events/s%n", backend, p, keys, eps);
                    if (backend.equals("hashmap") && keys == 100_000) {
                        best100k = Math.max(best100k, eps);
                    }
                }
            }
        }
        kafkaRun(quick ? 20_000 : 100_000, quick ? 5 : 10);
        latencyRun(100_000, Math.max(10_000, best100k / 2), quick ? 10 : 20);
        stateRun(100_000);
        dl4jRun(1_000, quick ? 5 : 20, repeats);

        BenchReport.writeSection(markdown, "pipeline", toMarkdown());
        writeJson(json);
        LocalRun.deleteRecursively(work);
        return rows;
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
        JobExecutionResult r = env.execute("bench-generator");
        long expected = keys * perKey;
        if (CountingSink.COUNT.get() != expected) {
            throw new IllegalStateException("expected " + expected + " forecasts, got " + CountingSink.COUNT.get());
        }
        return expected * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
    }

    private void kafkaRun(int keys, int perKey) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(2).start()) {
            Map<String, String> s = new HashMap<>();
            s.put(ForecastOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            s.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "2 s");
            ForecastJobConfig c = ForecastJobConfig.fromConfiguration(Configuration.fromMap(s));
            kafka.createTopics(2, c.eventsTopic(), c.forecastsTopic(), c.anomaliesTopic(), c.deadLetterTopic());
            long sent = 0;
            try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262144),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int step = 0; step < perKey; step++) {
                    for (int k = 0; k < keys; k++) {
                        String key = "k" + k;
                        Event e = new Event(key, SyntheticEvents.T0 + step * 60_000L, 100 + Math.sin(step + k));
                        producer.send(new ProducerRecord<>(c.eventsTopic(), key.getBytes(StandardCharsets.UTF_8),
                                JsonCodec.toJsonBytes(e)));
                        sent++;
                    }
                }
            }
            StreamExecutionEnvironment env = environment(2, "hashmap", null);
            new ForecastJob(c, model, KafkaWiring.source(c, true), KafkaWiring.forecastsSink(c),
                    KafkaWiring.anomaliesSink(c), KafkaWiring.deadLetterSink(c)).build(env);
            JobExecutionResult r = env.execute("bench-kafka");
            long out = TopicReader.forEach(kafka.bootstrapServers(), c.forecastsTopic(), Duration.ofMinutes(2), x -> { });
            if (out != sent) {
                throw new IllegalStateException("exactly-once run: sent " + sent + " events, read " + out + " forecasts");
            }
            double eps = sent * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
            rows.add(new Row("Kafka → job → Kafka, exactly-once", "hashmap", 2, keys, sent, eps,
                    "in-process broker, checkpoints every 2 s, output read back with read_committed"));
            log.printf(Locale.ROOT, "kafka exactly-once keys=%d: %,.0f events/s%n", keys, eps);
        }
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
                "p50Ms", pct(lat, 0.50), "p99Ms", pct(lat, 0.99), "p999Ms", pct(lat, 0.999), "bufferTimeoutMs", 5));
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
                    "heapBytesPerKey", heapPerKey, "maxHeapBytes", Runtime.getRuntime().maxMemory()));
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
        rows.add(new Row("generator → DL4J rnnTimeStep in the job → discard", "hashmap", 1, keys, (long) keys * perKey, dl4j,
                "baseline: per-event rnnTimeStep with per-key state swap"));
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

    private String toMarkdown() {
        StringBuilder sb = new StringBuilder("## Pipeline: the real job in a local mini-cluster\n\n");
        sb.append("Written by `bin/streamcast bench pipeline").append(quick ? " --quick" : "").append("` on ")
                .append(Instant.now()).append(" (").append(Runtime.getRuntime().availableProcessors()).append(" cores, max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB). Model: the bundled LSTM, H=32, K=8. ")
                .append(quick ? "One run per row (quick: not for quoting)." : "Median of 3 runs per row.").append("\n\n");
        sb.append("| scenario | state | parallelism | keys | events | events/s | note |\n|---|---|---:|---:|---:|---:|---|\n");
        double java1k = rows.stream().filter(r -> r.scenario().startsWith("generator → job") && r.backend().equals("hashmap")
                && r.parallelism() == 1 && r.keys() == 1_000).mapToDouble(Row::eventsPerSecond).findFirst().orElse(Double.NaN);
        for (Row r : rows) {
            String note = r.note();
            if (r.scenario().contains("DL4J") && !Double.isNaN(java1k)) {
                note += String.format(Locale.ROOT, "; the Java-kernel job (same keys, p=1) is %.0f× faster", java1k / r.eventsPerSecond());
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %,d | %,.0f | %s |%n", r.scenario(), r.backend(),
                    r.parallelism(), r.keys(), r.events(), r.eventsPerSecond(), note));
        }
        @SuppressWarnings("unchecked") Map<String, Object> lat = (Map<String, Object>) extra.get("latency");
        if (lat != null) {
            sb.append(String.format(Locale.ROOT, "%nLatency, event → forecast (wall clock at the generator to wall clock at the "
                            + "sink), %,d keys at %,.0f events/s (half the best heap throughput at 100,000 keys), buffer timeout 5 ms, "
                            + "first fifth of the run dropped: **p50 %s ms, p99 %s ms, p99.9 %s ms** (%s samples).%n",
                    lat.get("keys"), (Double) lat.get("rate"), lat.get("p50Ms"), lat.get("p99Ms"), lat.get("p999Ms"), lat.get("samples")));
        }
        @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) extra.get("state");
        if (st != null) {
            sb.append(String.format(Locale.ROOT, "%nState, heap backend, %,d keys: a completed checkpoint of %,d bytes = **%.0f bytes per key** "
                            + "(key, SeriesState and Flink's framing); heap growth %.0f bytes per key (used heap after GC, approximate).%n",
                    st.get("keys"), st.get("checkpointBytes"), (Double) st.get("checkpointBytesPerKey"), (Double) st.get("heapBytesPerKey")));
        }
        return sb.toString();
    }

    private void writeJson(Path json) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("written", Instant.now().toString());
        root.put("quick", quick);
        ArrayNode arr = root.putArray("rows");
        for (Row r : rows) {
            arr.add(m.valueToTree(r));
        }
        root.set("extra", m.valueToTree(extra));
        m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
