package io.streamcast.learner.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.cluster.StandaloneCluster;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The learner job beside the forecast job on a real standalone Flink session cluster and Kafka broker, each its own
 * JVM ({@link StandaloneCluster}: {@code scripts/start-kafka.sh}, {@code scripts/start-flink.sh}), both jobs submitted
 * with Flink's own CLI: the forecast job's {@code streamcast-cluster.jar} ({@code scripts/submit.sh}) and the
 * learner's {@code streamcast-learner.jar}, which carries DL4J and ND4J ({@code flink run -c
 * io.streamcast.learner.job.LearnerJobMain}), as docs/deploy.md says.
 *
 * <p>Both start from an untrained model ({@link LearnerJobITCase#start}) on a learnable series (level, daily season,
 * AR(1) noise), so the learner's first round, at hour 288 of event time, is accepted. The test
 * <ol>
 *   <li>produces hours 0..299 and waits for the learner's announcement on the models topic: a version whose artifact
 *       is in the model store with the announced SHA-256 and the start model as its parent;
 *   <li>waits until every forecast subtask serves that version (its {@code activeModelVersion} gauge, through the
 *       JobManager's REST API), then produces hours 300..359;
 *   <li>reads the forecasts topic under {@code read_committed}: exactly one forecast per event (none lost, none
 *       duplicated), each naming the version that made it: the start version up to a key's swap, the learned one
 *       from it on, both present for every key, and the learned one for every event produced after the swap.
 * </ol>
 * Run with {@code mvn -Pcluster-it verify -pl learner -am} (the cluster jar is the job module's).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LearnerClusterITCase {

    static final Path CLUSTER_JAR = Path.of(System.getProperty("streamcast.cluster.jar",
            "../job/target/streamcast-cluster.jar")).toAbsolutePath().normalize();
    static final Path LEARNER_JAR = Path.of(System.getProperty("streamcast.learner.jar",
            "target/streamcast-learner.jar")).toAbsolutePath();
    static final Path DIR = Path.of("target", "learner-cluster-it").toAbsolutePath();
    static final int KEYS = LearnerJobITCase.KEYS;
    static final int HOURS = 360;
    static final int ANNOUNCED_BY = 300;
    static final String[] JOB_OPTIONS = {"-D", "streamcast.checkpoint-interval=1s"};

    static StandaloneCluster cluster;

    @BeforeAll
    static void startBrokerAndCluster() throws Exception {
        assertThat(CLUSTER_JAR).as("the forecast job's cluster jar (mvn package -pl job)").exists();
        assertThat(LEARNER_JAR).as("the learner's jar (mvn package -pl learner -am)").exists();
        // two slots for the forecast job at parallelism 2, one for the learner
        cluster = new StandaloneCluster(StandaloneCluster.repository(), DIR, Map.of(
                "STREAMCAST_JOB_JAR", CLUSTER_JAR.toString(), "STREAMCAST_FLINK_SLOTS", "3"));
        cluster.start();
        cluster.createJobTopics();
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void theLearnerJarLearnsAVersionMidStreamAndTheForecastJobSwapsToItExactlyOnce() throws Exception {
        ModelArtifact startArtifact = LearnerJobITCase.start().load();
        String startVersion = startArtifact.modelVersion();
        Path startModel = DIR.resolve(startVersion + ".scm");
        Files.write(startModel, ModelArtifactWriter.toBytes(startArtifact));
        Path store = DIR.resolve("model-store");

        String forecastJob = cluster.submitted(cluster.script(Duration.ofMinutes(2), "submit.sh",
                StandaloneCluster.concat(new String[] {"-p", "2", "--model", startModel.toString()}, JOB_OPTIONS)));
        // the learner as docs/deploy.md submits it; the same -D options as the forecast job, a round every 12 days of
        // event time (the first at hour 288), a small sample and few epochs so that a round takes seconds
        String learnerJob = cluster.submitted(cluster.script(Duration.ofMinutes(2), "flink.sh",
                StandaloneCluster.concat(new String[] {"run", "-d", "-p", "1",
                        "-c", "io.streamcast.learner.job.LearnerJobMain", LEARNER_JAR.toString(),
                        "--bootstrap-servers", cluster.bootstrap(), "--model-store", store.toUri().toString(),
                        "--model", startModel.toString(), "--learn-every", "12d", "--learn-every-events", "0",
                        "--learn-max-keys", "64", "--learn-points-per-key", "512", "--learn-holdout", "24",
                        "--learn-min-points", "0", "--learn-epochs", "6", "--learn-patience", "2"}, JOB_OPTIONS)));
        cluster.awaitRunning(forecastJob, Duration.ofMinutes(2));
        cluster.awaitRunning(learnerJob, Duration.ofMinutes(2));

        double[][] values = LearnerJobITCase.values(HOURS);
        produce(values, 0, ANNOUNCED_BY);
        ModelUpdate update = awaitAnnouncement(learnerJob, Duration.ofMinutes(5));
        assertThat(update.getVersion()).startsWith("learned-1-");
        Path artifact = Path.of(URI.create(update.getUri()));
        assertThat(artifact.getParent()).isEqualTo(store);
        assertThat(ModelArtifactReader.sha256(artifact)).isEqualTo(update.getSha256());
        assertThat(ModelArtifactReader.read(artifact).provenance().data()).contains("parent " + startVersion)
                .contains(KEYS + " keys");

        awaitServed(forecastJob, update.getVersion(), 2, Duration.ofMinutes(2));
        produce(values, ANNOUNCED_BY, HOURS);
        cluster.awaitCommitted("forecasts", (long) KEYS * HOURS, Duration.ofMinutes(3));
        Thread.sleep(3000); // a duplicate would become visible with the next checkpoints

        List<ForecastRecord> all = cluster.readCommitted("forecasts").stream()
                .map(v -> JsonCodec.fromJson(v, ForecastRecord.class)).toList();
        assertThat(all).hasSize(KEYS * HOURS);
        Map<String, List<ForecastRecord>> byKey = all.stream().collect(Collectors.groupingBy(ForecastRecord::getKey,
                TreeMap::new, Collectors.toList()));
        assertThat(byKey.keySet()).containsExactlyElementsOf(IntStream.range(0, KEYS).mapToObj(k -> "key-" + k).toList());
        for (Map.Entry<String, List<ForecastRecord>> e : byKey.entrySet()) {
            List<ForecastRecord> got = new ArrayList<>(e.getValue());
            got.sort(Comparator.comparingLong(ForecastRecord::getTs));
            assertThat(got).extracting(ForecastRecord::getTs).as("key %s: one forecast per event", e.getKey())
                    .containsExactlyElementsOf(IntStream.range(0, HOURS)
                            .mapToObj(t -> LearnerJobITCase.T0 + t * LearnerJobITCase.HOUR).toList());
            List<String> versions = got.stream().map(ForecastRecord::getModelVersion).toList();
            int swap = versions.indexOf(update.getVersion());
            assertThat(swap).as("key %s: the learned version serves from hour %d at the latest", e.getKey(),
                    ANNOUNCED_BY).isBetween(1, ANNOUNCED_BY);
            assertThat(versions.subList(0, swap)).as("key %s before its swap", e.getKey()).containsOnly(startVersion);
            assertThat(versions.subList(swap, HOURS)).as("key %s from its swap", e.getKey())
                    .containsOnly(update.getVersion());
        }
        cluster.assertNoKafkaSinkErrors();
        cluster.script(Duration.ofMinutes(1), "flink.sh", "cancel", learnerJob);
        cluster.script(Duration.ofMinutes(1), "flink.sh", "cancel", forecastJob);
    }

    /** Sends hours [from, to) of every key, keys interleaved, key k to partition k mod 2. */
    static void produce(double[][] values, int from, int to) throws Exception {
        try (var p = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int t = from; t < to; t++) {
                for (int key = 0; key < KEYS; key++) {
                    Event e = new Event("key-" + key, LearnerJobITCase.T0 + t * LearnerJobITCase.HOUR, values[key][t]);
                    p.send(new ProducerRecord<>("events", key % 2, e.getKey().getBytes(StandardCharsets.UTF_8),
                            JsonCodec.toJsonBytes(e)));
                }
            }
            p.flush();
        }
    }

    /** The first announcement on the models topic; fails early if the learner job stops running. */
    static ModelUpdate awaitAnnouncement(String learnerJob, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<byte[]> got = cluster.readCommitted("models");
            if (!got.isEmpty()) {
                assertThat(got).as("one round, one announcement").hasSize(1);
                return JsonCodec.fromJson(got.get(0), ModelUpdate.class);
            }
            assertThat(cluster.rest("/jobs/" + learnerJob)).as("the learner job").contains("\"state\":\"RUNNING\"");
            assertThat(System.nanoTime()).as("an announcement on the models topic within %s", timeout)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /**
     * Waits until each of the forecast job's {@code subtasks} forecast subtasks reports {@code version} in its
     * {@code activeModelVersion} gauge (the JobManager's REST API; it refreshes the metrics every few seconds).
     */
    static void awaitServed(String job, String version, int subtasks, Duration timeout) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = List.of();
        while (true) {
            List<String> served = new ArrayList<>();
            for (JsonNode vertex : json.readTree(cluster.rest("/jobs/" + job)).path("vertices")) {
                String path = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/metrics";
                List<String> ids = new ArrayList<>();
                for (JsonNode m : json.readTree(cluster.rest(path))) {
                    if (m.path("id").asText().endsWith(".activeModelVersion")) {
                        ids.add(m.path("id").asText());
                    }
                }
                if (!ids.isEmpty()) {
                    String get = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
                    for (JsonNode m : json.readTree(cluster.rest(path + "?get=" + get))) {
                        served.add(m.path("value").asText());
                    }
                }
            }
            if (served.size() == subtasks && served.stream().allMatch(version::equals)) {
                return;
            }
            seen = served;
            assertThat(System.nanoTime()).as("%d forecast subtasks serving %s within %s (serving %s)", subtasks,
                    version, timeout, seen).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }
}
