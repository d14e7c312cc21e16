package io.streamcast.jobs.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * On a failure of {@link StandaloneClusterITCase} (test or {@code @BeforeAll}), while the broker and the cluster are
 * still up, writes what explains it to {@code target/cluster-it-diagnostics/<time>-<phase>/}: the Flink and Kafka
 * logs and the scripts' outputs, the JobManager's REST view of every job (vertices with record counts, checkpoints,
 * exceptions, TaskManagers), thread dumps of the cluster's JVMs, and the broker's view of the topics: earliest,
 * high-watermark and last stable offsets per partition, the open transactions and the producers per partition
 * (a transaction left open pins the last stable offset, so {@code read_committed} readers see nothing after it).
 * The test's own cluster directory is deleted by the next run; this one is not.
 */
final class ClusterDiagnostics implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final Path ROOT = Path.of("target/cluster-it-diagnostics").toAbsolutePath();
    static final List<String> TOPICS = List.of("events", "forecasts", "anomalies", "events-dlq", "models", "model-errors");

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        dump(failure);
        throw failure;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        dump(failure);
        throw failure;
    }

    static void dump(Throwable failure) {
        try {
            String phase = StandaloneClusterITCase.phase.replaceAll("[^A-Za-z0-9_.-]+", "-");
            Path out = ROOT.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + phase);
            Files.createDirectories(out);
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            write(out.resolve("failure.txt"), () -> "phase: " + StandaloneClusterITCase.phase + "\njobs: "
                    + (StandaloneClusterITCase.cluster == null ? List.of() : StandaloneClusterITCase.cluster.jobs()) + "\n\n" + trace);
            write(out.resolve("load.txt"), ClusterDiagnostics::load);
            write(out.resolve("flink-rest.txt"), ClusterDiagnostics::flinkRest);
            write(out.resolve("kafka.txt"), ClusterDiagnostics::kafka);
            write(out.resolve("thread-dumps.txt"), ClusterDiagnostics::threadDumps);
            copyTree(StandaloneClusterITCase.DIR.resolve("logs"), out.resolve("logs"));
            try (Stream<Path> files = Files.list(StandaloneClusterITCase.DIR)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".out")).toList()) {
                    Files.copy(f, out.resolve("logs").resolve("script-" + f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.err.println("cluster diagnostics written to " + out);
        } catch (Exception e) {
            System.err.println("writing the cluster diagnostics failed: " + e);
        }
    }

    interface Section {
        String get() throws Exception;
    }

    /** Writes one section; a section that fails says why in its file instead of losing the others. */
    static void write(Path file, Section section) {
        String text;
        try {
            text = section.get();
        } catch (Exception e) {
            StringWriter s = new StringWriter();
            e.printStackTrace(new PrintWriter(s));
            text = "failed: " + s;
        }
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            System.err.println("cannot write " + file + ": " + e);
        }
    }

    static String load() throws IOException {
        return "loadavg: " + Files.readString(Path.of("/proc/loadavg")) + "cpus: " + Runtime.getRuntime().availableProcessors()
                + "\n";
    }

    static String flinkRest() {
        StringBuilder b = new StringBuilder();
        List<String> paths = new ArrayList<>(List.of("/overview", "/jobs/overview", "/taskmanagers", "/jobmanager/config"));
        String overview = get("/jobs/overview");
        Matcher ids = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"").matcher(overview);
        while (ids.find()) {
            String job = "/jobs/" + ids.group(1);
            paths.addAll(List.of(job, job + "/checkpoints", job + "/checkpoints/config", job + "/exceptions",
                    job + "/config"));
            // per vertex and subtask: records in/out, watermarks, backpressure
            Matcher vertices = Pattern.compile("\"id\":\"([0-9a-f]{32})\",\"slotSharingGroupId\"|\"id\":\"([0-9a-f]{32})\",\"name\"")
                    .matcher(get(job));
            while (vertices.find()) {
                String v = job + "/vertices/" + (vertices.group(1) != null ? vertices.group(1) : vertices.group(2));
                paths.addAll(List.of(v, v + "/watermarks", v + "/backpressure"));
            }
        }
        for (String p : paths) {
            b.append("GET ").append(p).append('\n').append(get(p)).append("\n\n");
        }
        return b.toString();
    }

    static String get(String path) {
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + StandaloneClusterITCase.env.get("STREAMCAST_FLINK_REST_PORT") + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    static String kafka() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StandaloneClusterITCase.bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000))) {
            b.append("features: ").append(admin.describeFeatures().featureMetadata().get(20, TimeUnit.SECONDS)).append("\n\n");
            Map<String, TopicDescription> topics = admin.describeTopics(TOPICS).allTopicNames().get(20, TimeUnit.SECONDS);
            List<TopicPartition> partitions = topics.values().stream().flatMap(t -> t.partitions().stream()
                    .map(p -> new TopicPartition(t.name(), p.partition()))).sorted(Comparator.BY_NAME).toList();
            Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
            Map<TopicPartition, Long> hw = offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            Map<TopicPartition, Long> lso = offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            b.append("partition: earliest / last stable offset (read_committed end) / high watermark\n");
            for (TopicPartition tp : partitions) {
                b.append(String.format("  %-16s %6d / %6d / %6d%s%n", tp, earliest.get(tp), lso.get(tp), hw.get(tp),
                        lso.get(tp) < hw.get(tp) ? "   <- records after the LSO are in an open transaction" : ""));
            }
            b.append("\nproducers per partition (an open transaction shows currentTransactionStartOffset >= 0):\n");
            admin.describeProducers(partitions).all().get(20, TimeUnit.SECONDS).forEach((tp, d) ->
                    d.activeProducers().forEach(p -> b.append("  ").append(tp).append(": ").append(p).append('\n')));
            Collection<TransactionListing> txns = admin.listTransactions().all().get(20, TimeUnit.SECONDS);
            b.append("\ntransactions: ").append(txns.size()).append('\n');
            if (!txns.isEmpty()) {
                admin.describeTransactions(txns.stream().map(TransactionListing::transactionalId).toList()).all()
                        .get(20, TimeUnit.SECONDS).entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .filter(e -> e.getValue().state() != org.apache.kafka.clients.admin.TransactionState.EMPTY)
                        .forEach(e -> b.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
                b.append("  (the others are Empty: no transaction in progress)\n");
            }
            b.append("\nrecords visible to read_committed vs written (a written range that is not visible was aborted, "
                    + "or is still in an open transaction):\n");
            for (String topic : List.of("forecasts", "model-errors")) {
                Map<TopicPartition, List<Long>> all = offsetsOf(topic, "read_uncommitted", hw);
                Map<TopicPartition, List<Long>> visible = offsetsOf(topic, "read_committed", lso);
                for (var e : all.entrySet()) {
                    List<Long> seen = visible.getOrDefault(e.getKey(), List.of());
                    java.util.Set<Long> seenSet = new java.util.HashSet<>(seen);
                    b.append("  ").append(e.getKey()).append(": written ").append(e.getValue().size()).append(", visible ")
                            .append(seen.size()).append(", not visible ").append(ranges(e.getValue().stream()
                                    .filter(o -> !seenSet.contains(o)).toList())).append('\n');
                }
            }
            b.append("\nconsumer groups:\n");
            for (var g : admin.listGroups().all().get(20, TimeUnit.SECONDS)) {
                b.append("  ").append(g).append(": ");
                try {
                    b.append(new TreeMap<>(admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata()
                            .get(20, TimeUnit.SECONDS).entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(),
                                    e -> e.getValue() == null ? "-" : Long.toString(e.getValue().offset())))));
                } catch (Exception e) {
                    b.append(e);
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** The offsets of the records of a topic that a consumer with this isolation level reads, up to the given ends. */
    static Map<TopicPartition, List<Long>> offsetsOf(String topic, String isolation, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, List<Long>> out = new TreeMap<>(Comparator.BY_NAME);
        List<TopicPartition> partitions = ends.keySet().stream().filter(tp -> tp.topic().equals(topic)).toList();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", StandaloneClusterITCase.bootstrap, "isolation.level", isolation,
                "enable.auto.commit", "false"), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(tp -> out.put(tp, new ArrayList<>()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.get(new TopicPartition(r.topic(), r.partition()))
                        .add(r.offset()));
            }
        }
        return out;
    }

    static String ranges(List<Long> offsets) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < offsets.size(); ) {
            int j = i;
            while (j + 1 < offsets.size() && offsets.get(j + 1) == offsets.get(j) + 1) {
                j++;
            }
            b.append(b.length() > 1 ? ", " : "").append(offsets.get(i)).append(j > i ? "-" + offsets.get(j) : "");
            i = j + 1;
        }
        return b.append(']').toString();
    }

    static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
                                             IsolationLevel isolation) throws Exception {
        Map<TopicPartition, Long> out = new TreeMap<>(Comparator.BY_NAME);
        admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec)), new ListOffsetsOptions(isolation))
                .all().get(20, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    static String threadDumps() throws Exception {
        StringBuilder b = new StringBuilder();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path pids = StandaloneClusterITCase.DIR.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return "no " + pids;
        }
        try (Stream<Path> files = Files.list(pids)) {
            for (Path f : files.sorted().toList()) {
                String pid = Files.readString(f).trim();
                b.append("==== ").append(f.getFileName()).append(" (pid ").append(pid).append(")\n");
                Process p = new ProcessBuilder(jcmd.toString(), pid, "Thread.print").redirectErrorStream(true).start();
                Supplier<String> text = () -> {
                    try {
                        return new String(p.getInputStream().readAllBytes());
                    } catch (IOException e) {
                        return e.toString();
                    }
                };
                String dump = text.get();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                b.append(dump).append('\n');
            }
        }
        return b.toString();
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    enum Comparator implements java.util.Comparator<TopicPartition> {
        BY_NAME;

        @Override
        public int compare(TopicPartition a, TopicPartition b) {
            int c = a.topic().compareTo(b.topic());
            return c != 0 ? c : Integer.compare(a.partition(), b.partition());
        }
    }
}
