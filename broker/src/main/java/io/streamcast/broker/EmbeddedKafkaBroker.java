package io.streamcast.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) in this JVM, for local runs
 * and tests: no ZooKeeper, no Docker, no download. It listens on free {@code 127.0.0.1} ports,
 * keeps its log in a temporary directory deleted on {@link #close()}, and is configured for one
 * node (replication factors and min ISR of the offsets and transaction logs are 1) so that
 * consumer groups and exactly-once transactions work.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopics("events", "forecasts");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * The broker's jars ({@code kafka_2.13}, {@code kafka-server}, ...) must be the same version as
 * {@code kafka-clients}; they are optional dependencies of this module.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** How long {@link #start()} waits for the broker to answer. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final Path logDir;
    private final String bootstrapServers;
    private final int defaultPartitions;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, String bootstrapServers, int defaultPartitions) {
        this.server = server;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.defaultPartitions = defaultPartitions;
    }

    /** Starts a broker with the default settings and waits until it answers. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The temporary log directory (deleted on close). */
    public Path logDir() {
        return logDir;
    }

    /** Creates topics with the builder's default partition count (1 unless set) and replication 1. */
    public void createTopics(String... names) {
        createTopics(defaultPartitions, names);
    }

    /**
     * Creates topics with the given partition count and replication factor 1, and waits until
     * they exist.
     *
     * @throws IllegalStateException if the broker refuses or does not answer in time
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("Partitions must be at least 1; got " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + Arrays.toString(names), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + Arrays.toString(names) + ": " + e.getMessage(), e);
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return Admin.create(conf);
    }

    /** Stops the broker and deletes its log directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(logDir);
            LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
        }
    }

    /** Settings of an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private int defaultPartitions = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {}

        /** How long {@link #start()} waits for the broker to answer; 60 s by default. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Partition count of {@link EmbeddedKafkaBroker#createTopics(String...)} and auto-created topics. */
        public Builder defaultPartitions(int defaultPartitions) {
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /** A broker property that overrides the defaults (listeners and log dirs excepted). */
        public Builder brokerProperty(String name, String value) {
            this.brokerProperties.put(name, value);
            return this;
        }

        /**
         * Formats a fresh log directory, starts the broker and waits until it answers.
         *
         * @throws IllegalStateException if it does not start within the startup timeout
         */
        public EmbeddedKafkaBroker start() {
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("Startup timeout must be positive; got " + startupTimeout);
            }
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("Default partitions must be at least 1; got " + defaultPartitions);
            }
            for (String reserved : List.of("listeners", "advertised.listeners", "log.dirs", "log.dir",
                    "controller.quorum.voters", "node.id", "process.roles")) {
                if (brokerProperties.containsKey(reserved)) {
                    throw new IllegalArgumentException(
                            "Broker property " + reserved + " is chosen by the embedded broker; remove it");
                }
            }
            Path logDir;
            try {
                logDir = Files.createTempDirectory("streamcast-kafka-");
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create a temporary Kafka log directory", e);
            }
            KafkaRaftServer server = null;
            try {
                int brokerPort = freePort();
                int controllerPort = freePort();
                Properties props = brokerProperties(logDir, brokerPort, controllerPort);
                format(logDir, Uuid.randomUuid().toString(), 1);
                server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
                server.startup();
                EmbeddedKafkaBroker broker =
                        new EmbeddedKafkaBroker(server, logDir, "127.0.0.1:" + brokerPort, defaultPartitions);
                broker.awaitReady(startupTimeout);
                LOG.info("Embedded Kafka broker ready at {} (log dir {})", broker.bootstrapServers, logDir);
                return broker;
            } catch (RuntimeException e) {
                if (server != null) {
                    try {
                        server.shutdown();
                        server.awaitShutdown();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                deleteRecursively(logDir);
                throw e;
            }
        }

        private Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", Integer.toString(defaultPartitions));
            putSingleReplicaDefaults(p);
            p.putAll(brokerProperties);
            return p;
        }

    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    if (!admin.describeCluster().nodes().get(Math.min(leftMs, 5_000), TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        }
        throw new IllegalStateException(
                "Embedded Kafka broker at " + bootstrapServers + " did not answer within " + timeout, last);
    }

    /** A port on 127.0.0.1 free now (the test cluster's brokers take theirs the same way). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on 127.0.0.1", e);
        }
    }

    /** Formats {@code logDir} as the KRaft log directory of node {@code nodeId} of cluster {@code clusterId}. */
    static void format(Path logDir, String clusterId, int nodeId) {
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setClusterId(clusterId)
                    .setNodeId(nodeId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka log directory " + logDir + " (node " + nodeId + "): "
                    + e.getMessage() + " " + formatterOutput.toString(StandardCharsets.UTF_8), e);
        }
    }

    /**
     * The settings of an in-process broker whose internal topics have one replica each and whose records are kept
     * whatever their age (records carry event time as their timestamp, and recorded streams are old: with time-based
     * retention the broker would delete them at its first retention check, 30 s after start).
     */
    static void putSingleReplicaDefaults(Properties p) {
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.retention.ms", "-1");
        p.put("min.insync.replicas", "1");
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete Kafka log directory {}: {}", dir, e.getMessage());
        }
    }
}
