package io.streamcast.jobs.cluster;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControlError;
import io.streamcast.jobs.control.ModelRefusal;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.TestModels;
import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecast job on a real standalone Flink session cluster (a JobManager and a TaskManager JVM started by
 * {@code scripts/start-flink.sh} from Maven-resolved jars) and a standalone Kafka broker JVM
 * ({@code scripts/start-kafka.sh}), submitted as {@code streamcast-cluster.jar} with Flink's own CLI.
 *
 * <ol>
 *   <li>submit; produce a first third of the events; read the forecasts with {@code read_committed};
 *   <li>stop the job with a savepoint ({@code flink stop --savepointPath}); produce the second third while it is
 *       stopped; resubmit from the savepoint ({@code flink run -s}); a bad model update on the models topic is
 *       refused by every subtask (control errors) while the model in service stays; then a good one (same
 *       architecture, other weights) is published and swapped in without a restart;
 *   <li>produce the last third paced; {@code kill -9} the TaskManager mid-stream; start a new one;
 *   <li>every event has exactly one forecast, and each key's forecasts equal stepping the models over the key's
 *       whole series without interruption: the bundled model, then from the key's switch on the new one with the
 *       key's recurrent state kept (the new model survives the failover in broadcast state).
 * </ol>
 * Every process the scripts start is stopped by its PID when the test ends, fails, or the JVM exits. On a failure
 * {@link ClusterDiagnostics} first writes the logs, the jobs' REST state, thread dumps and the broker's view of the
 * topics and transactions to {@code target/cluster-it-diagnostics/}.
 * Run with {@code mvn -Pcluster-it verify} (needs the scripts' Maven class paths: Maven Central or a warm
 * local repository).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(ClusterDiagnostics.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterITCase {

    static final Path REPO = StandaloneCluster.repository();
    static final Path JAR = Path.of(System.getProperty("streamcast.cluster.jar", "target/streamcast-cluster.jar"))
            .toAbsolutePath();
    static final Path DIR = Path.of("target/cluster-it").toAbsolutePath();
    static final int KEYS = 6;
    static final int POINTS = 600;
    static final int PARALLELISM = 2;

    static StandaloneCluster cluster;
    static Map<String, String> env;
    static String bootstrap;
    /** What the test is doing, for the diagnostics of a failure. */
    static volatile String phase = "start";

    @BeforeAll
    static void startBrokerAndCluster() throws Exception {
        assertThat(JAR).as("build it with mvn package first").exists();
        cluster = new StandaloneCluster(REPO, DIR, Map.of("STREAMCAST_JOB_JAR", JAR.toString()));
        env = cluster.env();
        bootstrap = cluster.bootstrap();
        phase = "start-kafka-and-flink";
        cluster.start();
        phase = "create-topics";
        cluster.createJobTopics();
    }

    static void awaitRunning(String job, Duration timeout) throws Exception {
        cluster.awaitRunning(job, timeout);
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void savepointResumeAndTaskManagerFailoverLoseAndDuplicateNothing() throws Exception {
        ModelBundle model = ModelBundle.bundledDefault();
        Map<String, List<Event>> series = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            series.put("key-" + k, TestModels.series("key-" + k, POINTS, Math.pow(10, k % 3), 300 + k));
        }
        int third = POINTS / 3;
        String[] jobOptions = {"-D", "streamcast.checkpoint-interval=1s", "-D", "streamcast.anomaly.warm-up-events=50"};

        // 1. submit, first third
        phase = "submit-1";
        String job1 = submitted(script(Duration.ofMinutes(2), "submit.sh", concat(new String[] {"-p", "2"}, jobOptions)));
        awaitRunning(job1, Duration.ofMinutes(2));
        phase = "first-third";
        produce(series, 0, third, 0, 0);
        awaitCommitted(KEYS * third, Duration.ofMinutes(2));

        // 2. stop with a savepoint, second third while stopped, resume from the savepoint
        phase = "stop-with-savepoint";
        String stopOut = script(Duration.ofMinutes(2), "flink.sh", "stop", "--savepointPath",
                DIR.resolve("savepoints").toUri().toString(), job1);
        Matcher sp = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stopOut);
        assertThat(sp.find()).as("savepoint path in: %s", stopOut).isTrue();
        String savepoint = sp.group(1);
        assertThat(committed()).as("nothing after the stop").hasSize(KEYS * third);
        produce(series, third, 2 * third, 0, 0);
        String job2 = submitted(script(Duration.ofMinutes(2), "submit.sh",
                concat(new String[] {"-s", savepoint, "-p", "2"}, jobOptions)));
        assertThat(job2).isNotEqualTo(job1);
        awaitRunning(job2, Duration.ofMinutes(2));
        phase = "second-third";
        awaitCommitted(KEYS * 2 * third, Duration.ofMinutes(2));
        // a normal restore logs no ERROR from the Kafka sinks (the committer used to report re-committing a transaction
        // committed before the stop, whose id the restored writer had taken, as a fenced producer and likely data loss)
        cluster.assertNoKafkaSinkErrors();
        phase = "model-updates";

        // a refused model update on the real cluster: one control error per subtask, the model stays
        publishModelUpdate(new ModelUpdate("not-a-model", REPO.resolve("README.md").toString(), "0".repeat(64)));
        List<ModelControlError> errors = awaitModelErrors(PARALLELISM, Duration.ofMinutes(1));
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.getReason()).isEqualTo(ModelRefusal.SHA256_MISMATCH.code());
            assertThat(e.getActiveVersion()).isEqualTo(model.modelVersion());
        });
        assertThat(errors).extracting(ModelControlError::getSubtask).containsExactlyInAnyOrder(0, 1);
        byte[] v2 = sameArchitectureOtherWeights("cluster-it-v2");
        Path v2File = DIR.resolve("cluster-it-v2.scm");
        Files.write(v2File, v2);
        ModelBundle model2 = ModelBundle.fromBytes(v2, "cluster-it-v2");
        publishModelUpdate(new ModelUpdate("cluster-it-v2", v2File.toString(), ModelArtifactReader.sha256(v2)));

        // 3. last third, paced; kill -9 the TaskManager mid-stream; a new TaskManager takes over
        phase = "last-third-failover";
        long tmPid = cluster.pid("taskmanager-1");
        Thread producer = new Thread(() -> {
            try {
                produce(series, 2 * third, POINTS, 30, 150);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        producer.start();
        long beforeKill = awaitCommitted(KEYS * 2 * third + 60, Duration.ofMinutes(1));
        assertThat(beforeKill).as("the failure lands mid-stream").isLessThan(KEYS * POINTS);
        ProcessHandle.of(tmPid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        assertThat(ProcessHandle.of(tmPid).map(p -> p.onExit().join().isAlive()).orElse(false)).isFalse();
        script(Duration.ofMinutes(3), "start-flink.sh", "taskmanager");
        producer.join();
        awaitCommitted(KEYS * POINTS, Duration.ofMinutes(4));
        Thread.sleep(3000); // a duplicate would become visible with the next checkpoints
        List<ForecastRecord> all = committed();

        // 4. exactly once, and equal to an uninterrupted run
        phase = "checks";
        assertThat(all).hasSize(KEYS * POINTS);
        Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));
        assertThat(byKey.keySet()).isEqualTo(series.keySet());
        for (Map.Entry<String, List<Event>> e : series.entrySet()) {
            List<ForecastRecord> got = new ArrayList<>(byKey.get(e.getKey()));
            got.sort(Comparator.comparingLong(ForecastRecord::getTs));
            assertThat(got).extracting(ForecastRecord::getTs).as("key %s: one forecast per event", e.getKey())
                    .containsExactlyElementsOf(e.getValue().stream().map(Event::getTimestampMillis).toList());
            int switchAt = (int) got.stream().takeWhile(r -> r.getModelVersion().equals(model.modelVersion())).count();
            assertThat(switchAt).as("key %s: the bundled model up to the swap", e.getKey()).isBetween(2 * third, POINTS - 1);
            assertThat(got.subList(switchAt, POINTS)).allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo("cluster-it-v2"));
            List<float[]> reference = TestModels.referenceForecasts(List.of(model, model2), new int[] {0, switchAt}, true,
                    e.getValue());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).getForecast()).as("key %s forecast %d", e.getKey(), i).containsExactly(reference.get(i));
            }
        }
        cluster.assertNoKafkaSinkErrors();
        String exceptions = rest("/jobs/" + job2 + "/exceptions");
        assertThat(exceptions).as("the job failed over (exception history)").contains("\"exceptionHistory\"")
                .doesNotContain("\"entries\":[]");
        String jobs = script(Duration.ofMinutes(1), "flink.sh", "list");
        assertThat(jobs).contains(job2).contains("RUNNING");
        script(Duration.ofMinutes(1), "flink.sh", "cancel", job2);
    }

    /**
     * Issue 12 on the real cluster, with topics of its own: a pause in the input of five times the idleness timeout
     * keeps every key's state; then the whole cluster is stopped mid-stream ({@code stop-flink.sh}: the job is
     * suspended and forgotten), events arrive while it is down, the cluster is started again and the job resumed from
     * its latest retained checkpoint ({@code submit.sh -s $(latest-checkpoint.sh JOB)}). Every event has exactly one
     * committed forecast ({@code read_committed}), equal to stepping the model over the key's whole series.
     */
    @Test
    @Order(2)
    void aQuietInputAndAFullClusterStopLoseAndDuplicateNothing() throws Exception {
        ModelBundle model = ModelBundle.bundledDefault();
        int points = 300;
        Map<String, List<Event>> series = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            series.put("key-" + k, TestModels.series("key-" + k, points, Math.pow(10, k % 3), 900 + k));
        }
        phase = "restart-create-topics";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, String> appendTime = Map.of("message.timestamp.type", "LogAppendTime");
            admin.createTopics(List.of(new NewTopic("events-b", 2, (short) 1),
                    new NewTopic("forecasts-b", 2, (short) 1).configs(appendTime),
                    new NewTopic("anomalies-b", 2, (short) 1).configs(appendTime),
                    new NewTopic("events-dlq-b", 1, (short) 1).configs(appendTime),
                    new NewTopic("models-b", 1, (short) 1),
                    new NewTopic("model-errors-b", 1, (short) 1).configs(appendTime)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        String[] options = {"-p", "2", "-D", "streamcast.checkpoint-interval=1s", "-D", "streamcast.watermark.idleness=2s",
                "-D", "streamcast.topics.events=events-b", "-D", "streamcast.topics.forecasts=forecasts-b",
                "-D", "streamcast.topics.anomalies=anomalies-b", "-D", "streamcast.topics.dead-letter=events-dlq-b",
                "-D", "streamcast.topics.models=models-b", "-D", "streamcast.topics.model-errors=model-errors-b",
                "-D", "streamcast.kafka.group-id=streamcast-b", "-D", "streamcast.kafka.transactional-id-prefix=streamcast-b"};

        phase = "restart-submit";
        String job = submitted(script(Duration.ofMinutes(2), "submit.sh", options));
        awaitRunning(job, Duration.ofMinutes(2));
        assertThat(rest("/jobs/" + job + "/config")).as("effective options in the job's REST config")
                .contains("streamcast.watermark.idleness").contains("streamcast.topics.events");
        phase = "restart-quiet-input";
        produce("events-b", series, 0, 100, 0, 0);
        awaitCommitted("forecasts-b", KEYS * 100, Duration.ofMinutes(2));
        Thread.sleep(10_000); // five times the idleness timeout without an event
        produce("events-b", series, 100, 200, 0, 0);
        awaitCommitted("forecasts-b", KEYS * 200, Duration.ofMinutes(2));
        Thread.sleep(3_000); // checkpoints covering it complete

        phase = "restart-stop-cluster";
        script(Duration.ofMinutes(2), "stop-flink.sh");
        produce("events-b", series, 200, 250, 0, 0);
        phase = "restart-start-cluster";
        script(Duration.ofMinutes(3), "start-flink.sh");
        String checkpoint = script(Duration.ofMinutes(1), "latest-checkpoint.sh", job).trim();
        checkpoint = checkpoint.substring(checkpoint.lastIndexOf('\n') + 1);
        assertThat(checkpoint).as("a retained checkpoint of the suspended job").contains(job).contains("/chk-");
        String resumed = submitted(script(Duration.ofMinutes(2), "submit.sh", concat(new String[] {"-s", checkpoint}, options)));
        awaitRunning(resumed, Duration.ofMinutes(2));
        produce("events-b", series, 250, points, 0, 0);
        awaitCommitted("forecasts-b", KEYS * points, Duration.ofMinutes(3));
        Thread.sleep(3000); // a duplicate would become visible with the next checkpoints

        phase = "restart-checks";
        List<ForecastRecord> all = readCommitted("forecasts-b").stream()
                .map(v -> JsonCodec.fromJson(v, ForecastRecord.class)).toList();
        assertThat(all).hasSize(KEYS * points);
        Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey));
        for (Map.Entry<String, List<Event>> e : series.entrySet()) {
            List<ForecastRecord> got = new ArrayList<>(byKey.get(e.getKey()));
            got.sort(Comparator.comparingLong(ForecastRecord::getTs));
            assertThat(got).extracting(ForecastRecord::getTs).as("key %s: one forecast per event", e.getKey())
                    .containsExactlyElementsOf(e.getValue().stream().map(Event::getTimestampMillis).toList());
            List<float[]> reference = TestModels.referenceForecasts(model, e.getValue());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).getForecast()).as("key %s forecast %d (state kept)", e.getKey(), i)
                        .containsExactly(reference.get(i));
            }
        }
        script(Duration.ofMinutes(1), "flink.sh", "cancel", resumed);
    }

    // ---- helpers ----

    /** The bundled model's artifact with the head's biases shifted: same architecture, other forecasts. */
    static byte[] sameArchitectureOtherWeights(String version) throws IOException {
        ModelArtifact a;
        try (var in = ModelBundle.class.getResourceAsStream(ModelBundle.DEFAULT_RESOURCE)) {
            a = ModelArtifactReader.fromBytes(in.readAllBytes());
        }
        ForecastModel m = a.model();
        float[] bias = m.head().b().clone();
        for (int i = 0; i < bias.length; i++) {
            bias[i] += 0.25f;
        }
        DenseHead head = new DenseHead(m.head().inputSize(), m.head().outputSize(), m.head().w(), bias);
        return ModelArtifactWriter.toBytes(ModelArtifact.of(new ForecastModel(m.layers(), head, m.features(), m.horizon()),
                a.scaler(), Provenance.none(java.time.Instant.EPOCH), version));
    }

    static String rest(String path) throws Exception {
        return cluster.rest(path);
    }

    static String submitted(String cliOutput) {
        return cluster.submitted(cliOutput);
    }

    /** Sends events t in [from, to) of every key, keys interleaved, key k to partition k mod 2. */
    static void produce(Map<String, List<Event>> series, int from, int to, int pauseEvery, long pauseMillis)
            throws Exception {
        produce("events", series, from, to, pauseEvery, pauseMillis);
    }

    static void produce(String topic, Map<String, List<Event>> series, int from, int to, int pauseEvery, long pauseMillis)
            throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> keys = new ArrayList<>(series.keySet());
            long sent = 0;
            for (int t = from; t < to; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    Event e = series.get(keys.get(k)).get(t);
                    producer.send(new ProducerRecord<>(topic, k % 2, e.getKey().getBytes(StandardCharsets.UTF_8),
                            JsonCodec.toJsonBytes(e)));
                    if (pauseEvery > 0 && ++sent % pauseEvery == 0) {
                        producer.flush();
                        Thread.sleep(pauseMillis);
                    }
                }
            }
            producer.flush();
        }
    }

    static void publishModelUpdate(ModelUpdate update) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("models", JsonCodec.toJsonBytes(update))).get(30, TimeUnit.SECONDS);
        }
    }

    static List<ForecastRecord> committed() throws Exception {
        return readCommitted("forecasts").stream().map(v -> JsonCodec.fromJson(v, ForecastRecord.class)).toList();
    }

    static List<byte[]> readCommitted(String topic) throws Exception {
        return cluster.readCommitted(topic);
    }

    static long awaitCommitted(long atLeast, Duration timeout) throws Exception {
        return awaitCommitted("forecasts", atLeast, timeout);
    }

    static long awaitCommitted(String topic, long atLeast, Duration timeout) throws Exception {
        return cluster.awaitCommitted(topic, atLeast, timeout);
    }

    static List<ModelControlError> awaitModelErrors(int atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ModelControlError> errors = readCommitted("model-errors").stream()
                    .map(v -> JsonCodec.fromJson(v, ModelControlError.class)).toList();
            if (errors.size() >= atLeast) {
                return errors;
            }
            assertThat(System.nanoTime()).as("%d model errors within %s", atLeast, timeout).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** Runs scripts/NAME with the cluster's environment; fails with its output unless it exits 0 in time. */
    static String script(Duration timeout, String name, String... args) throws Exception {
        return cluster.script(timeout, name, args);
    }

    static String[] concat(String[] a, String[] b) {
        return StandaloneCluster.concat(a, b);
    }
}
