package io.streamcast.jobs.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standalone Kafka broker and Flink session cluster for the {@code -Pcluster-it} tests, each its own JVM, started and
 * stopped by the repository's scripts ({@code scripts/start-kafka.sh}, {@code scripts/start-flink.sh},
 * {@code scripts/stop-*.sh}) on free ports, everything under one folder ({@code STREAMCAST_CLUSTER_DIR}). Jobs are
 * submitted with Flink's own CLI ({@code scripts/submit.sh}, {@code scripts/flink.sh run}).
 *
 * <p>Every process the scripts start is remembered by its PID file and stopped by its PID when {@link #stop} runs,
 * or when the JVM exits first. Shared by the cluster tests of the job, SQL and learner modules (the job module's
 * test jar).
 */
public final class StandaloneCluster {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path repo;
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final Set<Long> started = ConcurrentHashMap.newKeySet();
    private final List<String> jobs = new CopyOnWriteArrayList<>();
    private final Thread killOnExit = new Thread(this::killEverythingStarted, "cluster-it-cleanup");
    private final String bootstrap;

    /**
     * @param repo  the repository's root (its {@code scripts/})
     * @param dir   the cluster's folder, deleted by {@link #start}
     * @param extra environment of the scripts besides the ports and the folder, e.g. {@code STREAMCAST_FLINK_SLOTS}
     */
    public StandaloneCluster(Path repo, Path dir, Map<String, String> extra) throws IOException {
        this.repo = repo.toAbsolutePath().normalize();
        this.dir = dir.toAbsolutePath();
        int kafka = freePort();
        env.put("STREAMCAST_CLUSTER_DIR", this.dir.toString());
        env.put("STREAMCAST_KAFKA_PORT", Integer.toString(kafka));
        env.put("STREAMCAST_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
        env.put("STREAMCAST_FLINK_REST_PORT", Integer.toString(freePort()));
        env.put("STREAMCAST_FLINK_RPC_PORT", Integer.toString(freePort()));
        env.putAll(extra);
        bootstrap = "127.0.0.1:" + kafka;
    }

    /** The repository's root, as {@code -Dstreamcast.repo.dir} names it (the cluster-it profiles set it). */
    public static Path repository() {
        return Path.of(System.getProperty("streamcast.repo.dir", "..")).toAbsolutePath().normalize();
    }

    /** Deletes the folder, then starts the broker and the cluster (a JobManager and one TaskManager). */
    public void start() throws Exception {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        script(Duration.ofMinutes(3), "start-kafka.sh");
        script(Duration.ofMinutes(3), "start-flink.sh");
    }

    /** Stops the cluster and the broker by their scripts, then whatever is still alive by its PID. */
    public void stop() {
        try {
            script(Duration.ofMinutes(1), "stop-flink.sh");
            script(Duration.ofMinutes(1), "stop-kafka.sh");
        } catch (Exception e) {
            System.err.println("stopping the cluster by its scripts failed: " + e);
        } finally {
            killEverythingStarted();
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            } catch (IllegalArgumentException notRegistered) {
                // start() failed before registering it
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public Path repo() {
        return repo;
    }

    /** The scripts' environment (ports, folder). */
    public Map<String, String> env() {
        return env;
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The job's six topics, as {@code scripts/create-topics.sh} creates them. */
    public static final List<String> JOB_TOPICS =
            List.of("events", "forecasts", "anomalies", "events-dlq", "models", "model-errors");

    /**
     * Creates the job's topics as {@code scripts/create-topics.sh} does and waits until every partition has a leader.
     * The outputs and {@code models} are stamped with the broker's append time: the sinks stamp records with their
     * event time (the tests' is in the past), and with CreateTime the broker's 7-day time retention deleted committed
     * records whenever its check (30 s after start, then every 5 minutes) ran mid-test.
     */
    public void createJobTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, String> appendTime = Map.of("message.timestamp.type", "LogAppendTime");
            admin.createTopics(List.of(new NewTopic("events", 2, (short) 1),
                    new NewTopic("forecasts", 2, (short) 1).configs(appendTime),
                    new NewTopic("anomalies", 2, (short) 1).configs(appendTime),
                    new NewTopic("events-dlq", 1, (short) 1).configs(appendTime),
                    new NewTopic("models", 1, (short) 1).configs(appendTime),
                    new NewTopic("model-errors", 1, (short) 1).configs(appendTime)))
                    .all().get(60, TimeUnit.SECONDS);
            awaitTopicsReady(admin, JOB_TOPICS, Duration.ofSeconds(60));
        }
    }

    /** Created is not yet served: waits until every partition of {@code topics} has a leader in the metadata. */
    static void awaitTopicsReady(Admin admin, List<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                var d = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
                if (d.values().stream().allMatch(t -> !t.partitions().isEmpty()
                        && t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // UnknownTopicOrPartition while the metadata propagates
            }
            assertThat(System.nanoTime()).as("topics %s with leaders within %s", topics, timeout).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The jobs {@link #submitted} so far. */
    public List<String> jobs() {
        return jobs;
    }

    /** Runs scripts/NAME with the cluster's environment; fails with its output unless it exits 0 in time. */
    public String script(Duration timeout, String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("scripts").resolve(name).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, name, ".out");
        pb.redirectOutput(out.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        rememberStartedProcesses();
        String output = Files.readString(out);
        System.out.printf("scripts/%s %s: %.1f s%n%s%n", name, String.join(" ", args), (System.nanoTime() - t0) / 1e9,
                output);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("scripts/" + name + " did not finish in " + timeout + ":\n" + output);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("scripts/" + name + " exited " + p.exitValue() + ":\n" + output);
        }
        return output;
    }

    /** The JobID that {@code flink run -d} printed; remembered in {@link #jobs}. */
    public String submitted(String cliOutput) {
        Matcher m = JOB_ID.matcher(cliOutput);
        assertThat(m.find()).as("JobID in: %s", cliOutput).isTrue();
        jobs.add(m.group(1));
        return m.group(1);
    }

    /** GET of the JobManager's REST API; fails unless it answers 200. */
    public String rest(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.get("STREAMCAST_FLINK_REST_PORT")
                + path)).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** Waits until the job and all its tasks are RUNNING, so that the time given to a phase is the job's own. */
    public void awaitRunning(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String body = rest("/jobs/" + job);
            if (body.contains("\"state\":\"RUNNING\"")
                    && !Pattern.compile("\"status\":\"(?!RUNNING)[A-Z]+\"").matcher(body).find()) {
                return;
            }
            assertThat(System.nanoTime()).as("job %s and its tasks RUNNING within %s: %s", job, timeout, body)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /**
     * The committed records of a topic ({@code read_committed}, up to the last stable offsets), values only.
     * Waits for the topic's partitions to be known: an empty partition list is a metadata race, not an empty topic.
     */
    public List<byte[]> readCommitted(String topic) throws Exception {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty()) {
                assertThat(System.nanoTime()).as("partitions of %s", topic).isLessThan(deadline);
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // nothing is ever deleted from the tests' topics: a log start offset above 0 means the broker dropped
            // records (retention), and waiting for them would only time out
            assertThat(consumer.beginningOffsets(partitions, Duration.ofSeconds(30)))
                    .as("log start offsets of %s: records deleted by the broker", topic).allSatisfy((tp, o) -> assertThat(o).isZero());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<byte[]> out = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to %s", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            return out;
        }
    }

    /** Waits until {@code topic} holds at least {@code atLeast} committed records; returns how many it holds. */
    public long awaitCommitted(String topic, long atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n;
        while ((n = readCommitted(topic).size()) < atLeast) {
            assertThat(System.nanoTime()).as("%d committed records on %s within %s (have %d)", atLeast, topic, timeout, n)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        return n;
    }

    /** No ERROR line from the Kafka connector's sink classes in any TaskManager log (current or rolled). */
    public void assertNoKafkaSinkErrors() throws IOException {
        List<String> errors = new ArrayList<>();
        try (var logs = Files.list(dir.resolve("logs"))) {
            for (Path log : logs.filter(f -> f.getFileName().toString().matches("taskmanager-\\d+\\.log(\\.\\d+)?")).toList()) {
                try (var lines = Files.lines(log)) {
                    lines.filter(l -> l.contains(" ERROR ") && l.contains("org.apache.flink.connector.kafka.sink"))
                            .forEach(l -> errors.add(log.getFileName() + ": " + l));
                }
            }
        }
        assertThat(errors).as("ERROR lines of the Kafka sinks in the TaskManager logs").isEmpty();
    }

    /** The PID of a process the scripts started, e.g. {@code taskmanager-1}. */
    public long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("pids").resolve(process + ".pid")).trim());
    }

    private void rememberStartedProcesses() throws IOException {
        Path pids = dir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return;
        }
        try (Stream<Path> files = Files.list(pids)) {
            for (Path f : files.toList()) {
                try {
                    started.add(Long.parseLong(Files.readString(f).trim()));
                } catch (IOException | NumberFormatException e) {
                    // removed or half-written by a script meanwhile: the next call sees it
                }
            }
        }
    }

    private void killEverythingStarted() {
        try {
            rememberStartedProcesses();
        } catch (IOException e) {
            // kill what is known
        }
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
            });
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
