package io.streamcast.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Kafka cluster of several brokers in this JVM (KRaft; node 1 is broker and controller, the others brokers only),
 * for tests of one broker failing while the others serve: a topic can be placed on one broker
 * ({@link #createTopic}), and a broker other than node 1 stopped and started again on its ports and log
 * ({@link #stop}, {@link #restart}). The group and transaction coordinators' topics are created on node 1 before the
 * other brokers join, so consumer groups and transactions keep working while another broker is down. Replication
 * factor 1 everywhere: a topic on a stopped broker has no leader.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String clusterId = Uuid.randomUuid().toString();
    private final int controllerPort;
    private final Map<Integer, BrokerNode> nodes = new TreeMap<>();

    private EmbeddedKafkaCluster(int controllerPort) {
        this.controllerPort = controllerPort;
    }

    /**
     * Starts node 1, creates the coordinators' topics on it, then starts nodes 2 to {@code brokers}, each with these
     * broker properties over the defaults (listeners, node ids, log and quorum settings are chosen here).
     */
    public static EmbeddedKafkaCluster start(int brokers, Map<String, String> brokerProperties) {
        if (brokers < 2) {
            throw new IllegalArgumentException("a cluster here has at least 2 brokers; got " + brokers);
        }
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(EmbeddedKafkaBroker.freePort());
        try {
            for (int id = 1; id <= brokers; id++) {
                cluster.nodes.put(id, cluster.new BrokerNode(id, brokerProperties));
            }
            cluster.nodes.get(1).start();
            cluster.awaitBrokers(Set.of(1));
            cluster.createCoordinatorTopics();
            for (int id = 2; id <= brokers; id++) {
                cluster.nodes.get(id).start();
            }
            cluster.awaitBrokers(cluster.nodes.keySet());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Every broker's {@code 127.0.0.1:<port>}, comma-separated. */
    public String bootstrapServers() {
        return nodes.values().stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return Admin.create(conf);
    }

    /** Creates topics with {@code partitions} partitions, every one on broker {@code nodeId} alone, and waits for their leaders. */
    public void createTopics(int partitions, int nodeId, String... names) {
        Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            assignment.put(p, List.of(nodeId));
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, assignment));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topics " + List.of(names) + ": " + e.getMessage(), e);
        }
        awaitLeaders(List.of(names));
    }

    /** Stops broker {@code nodeId} (not node 1, the controller); its log is kept for {@link #restart}. */
    public void stop(int nodeId) {
        if (nodeId == 1) {
            throw new IllegalArgumentException("node 1 is the controller: stop another broker");
        }
        nodes.get(nodeId).stop();
    }

    /** Starts broker {@code nodeId} again on its ports and log, and waits until its topics have their leader back. */
    public void restart(int nodeId) {
        BrokerNode node = nodes.get(nodeId);
        node.start();
        awaitBrokers(Set.of(nodeId));
        try (Admin admin = admin()) {
            awaitLeaders(admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("Broker " + nodeId + " restarted, but its topics have no leader: "
                    + e.getMessage(), e);
        }
    }

    /** Stops every broker, the controller last, and deletes their logs. */
    @Override
    public void close() {
        List<BrokerNode> byIdDescending = new ArrayList<>(nodes.values());
        byIdDescending.sort(Comparator.comparingInt((BrokerNode n) -> n.id).reversed());
        RuntimeException failed = null;
        for (BrokerNode node : byIdDescending) {
            try {
                node.stop();
            } catch (RuntimeException e) { // the other nodes are stopped and every log deleted all the same
                failed = failed == null ? e : failed;
            } finally {
                node.deleteLog();
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** The group and transaction coordinators' topics, created on the first request for a coordinator. */
    private void createCoordinatorTopics() {
        try (Admin admin = admin()) {
            admin.listConsumerGroupOffsets("cluster-warm-up").partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                admin.describeTransactions(List.of("cluster-warm-up")).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // no such transaction: the coordinator (and its topic) exists now, which is all this asked
            }
            awaitLeaders(List.of("__consumer_offsets", "__transaction_state"));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the coordinators' topics on node 1: " + e.getMessage(), e);
        }
    }

    private void awaitBrokers(Set<Integer> ids) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Set<Integer> up;
                try {
                    up = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id)
                            .collect(Collectors.toSet());
                } catch (Exception e) {
                    up = Set.of();
                }
                if (up.containsAll(ids)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("brokers " + ids + " not up within " + TIMEOUT + "; up: " + up);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for brokers " + ids, e);
        }
    }

    private void awaitLeaders(java.util.Collection<String> topics) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                List<String> without = new ArrayList<>();
                try {
                    for (TopicDescription d : admin.describeTopics(topics).allTopicNames()
                            .get(5, TimeUnit.SECONDS).values()) {
                        for (TopicPartitionInfo p : d.partitions()) {
                            if (p.leader() == null || p.leader().isEmpty()) {
                                without.add(d.name() + "-" + p.partition());
                            }
                        }
                    }
                } catch (Exception e) {
                    without.add(String.valueOf(e.getMessage()));
                }
                if (without.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader within " + TIMEOUT + " for " + without);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
        }
    }

    /** One broker: its id, port, log directory and properties; started and stopped as often as needed. */
    private final class BrokerNode {
        final int id;
        final int port;
        final Path logDir;
        final Properties props;
        KafkaRaftServer server;
        boolean formatted;

        BrokerNode(int id, Map<String, String> overrides) {
            this.id = id;
            this.port = EmbeddedKafkaBroker.freePort();
            try {
                this.logDir = Files.createTempDirectory("streamcast-kafka-node" + id + "-");
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create a temporary Kafka log directory", e);
            }
            Properties p = new Properties();
            p.put("node.id", Integer.toString(id));
            p.put("process.roles", id == 1 ? "broker,controller" : "broker");
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port
                    + (id == 1 ? ",CONTROLLER://127.0.0.1:" + controllerPort : ""));
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", "1");
            p.put("default.replication.factor", "1");
            EmbeddedKafkaBroker.putSingleReplicaDefaults(p);
            p.putAll(overrides);
            this.props = p;
        }

        void start() {
            if (server != null) {
                return;
            }
            if (!formatted) {
                format();
                formatted = true;
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
        }

        void stop() {
            if (server == null) {
                return;
            }
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                server = null;
            }
        }

        void format() {
            EmbeddedKafkaBroker.format(logDir, clusterId, id);
        }

        void deleteLog() {
            try (Stream<Path> paths = Files.walk(logDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: left for the system to clean
            }
        }
    }
}
