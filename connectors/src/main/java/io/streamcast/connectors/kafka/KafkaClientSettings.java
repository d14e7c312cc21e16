package io.streamcast.connectors.kafka;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach Kafka, one value for every client of the project (the events source, the JSON sinks, the models
 * source, the replay producer, topic readers): bootstrap servers, an optional {@code .properties} file of extra
 * client properties (SASL, SSL, tuning) and explicit properties, which override the file's. Immutable and
 * serializable; the file is read by {@link #toMap()}, where the clients are built.
 *
 * <p>Bootstrap servers may be given here or as {@code bootstrap.servers} in the properties; if both give them they
 * must agree.
 */
public final class KafkaClientSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The property that names the bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private static final KafkaClientSettings NONE = new KafkaClientSettings(null, null, Map.of());

    private final String bootstrapServers;
    private final String propertiesFile;
    private final Map<String, String> properties;

    private KafkaClientSettings(String bootstrapServers, String propertiesFile, Map<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.propertiesFile = propertiesFile;
        this.properties = properties;
    }

    /** No servers, no file, no properties. */
    public static KafkaClientSettings none() {
        return NONE;
    }

    /** These bootstrap servers (comma-separated {@code host:port} list; null = not set), nothing else. */
    public static KafkaClientSettings of(String bootstrapServers) {
        return NONE.withBootstrapServers(bootstrapServers);
    }

    /** These bootstrap servers and extra client properties from {@code propertiesFile} (each may be null). */
    public static KafkaClientSettings of(String bootstrapServers, Path propertiesFile) {
        return of(bootstrapServers).withPropertiesFile(propertiesFile);
    }

    /** These settings with other bootstrap servers (null = not set). */
    public KafkaClientSettings withBootstrapServers(String servers) {
        return new KafkaClientSettings(servers, propertiesFile, properties);
    }

    /** These settings with a {@code .properties} file of client properties (null = none), read by {@link #toMap()}. */
    public KafkaClientSettings withPropertiesFile(Path file) {
        return new KafkaClientSettings(bootstrapServers, file == null ? null : file.toString(), properties);
    }

    /** These settings and one more client property (e.g. {@code security.protocol}); it overrides the file's. */
    public KafkaClientSettings withProperty(String name, String value) {
        Map<String, String> one = new LinkedHashMap<>();
        one.put(name, value);
        return withProperties(one);
    }

    /** These settings and more client properties; they override the file's and earlier ones of the same name. */
    public KafkaClientSettings withProperties(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(more);
        return new KafkaClientSettings(bootstrapServers, propertiesFile, Collections.unmodifiableMap(all));
    }

    /** The bootstrap servers as given (not those of the properties); null if not given. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties file, null if none. */
    public Path propertiesFile() {
        return propertiesFile == null ? null : Path.of(propertiesFile);
    }

    /**
     * Every client property: the file's, then the explicit ones, and {@code bootstrap.servers} (trimmed; absent when
     * set nowhere).
     *
     * @throws IllegalArgumentException when the file cannot be read, or when the bootstrap servers given and those of
     *                                  the properties differ
     */
    public Map<String, String> toMap() {
        Map<String, String> props = new LinkedHashMap<>();
        if (propertiesFile != null) {
            props.putAll(KafkaClientProperties.load(Path.of(propertiesFile)));
        }
        props.putAll(properties);
        String servers = resolve(bootstrapServers, props, BOOTSTRAP_SERVERS, "bootstrapServers(\"host:9092\")");
        if (servers == null) {
            props.remove(BOOTSTRAP_SERVERS);
        } else {
            props.put(BOOTSTRAP_SERVERS, servers);
        }
        return props;
    }

    /** {@link #toMap()} as {@link Properties}. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(toMap());
        return p;
    }

    /**
     * The bootstrap servers of client properties from {@link #toMap()}.
     *
     * @throws IllegalArgumentException saying how to set them when they are not set
     */
    public static String requireBootstrapServers(Map<String, String> clientProperties) {
        String servers = clientProperties.get(BOOTSTRAP_SERVERS);
        if (servers == null) {
            throw new IllegalArgumentException(
                    "Kafka bootstrap servers are not set: call bootstrapServers(\"host:9092\") or set "
                            + "bootstrap.servers in the client properties");
        }
        return servers;
    }

    /**
     * The value set on a builder or in the properties; both may be set if they agree. Blank is not set.
     *
     * @param call the builder call that sets it, for the message, e.g. {@code groupId("my-group")}
     * @throws IllegalArgumentException when they disagree
     */
    static String resolve(String fromBuilder, Map<String, String> props, String property, String call) {
        String fromProps = props.get(property);
        if (fromBuilder != null && fromProps != null && !fromBuilder.equals(fromProps)) {
            throw new IllegalArgumentException(
                    property + " is set twice with different values: " + call.replaceAll("\\(.*\\)", "")
                            + "(\"" + fromBuilder + "\") and " + property + "=" + fromProps
                            + " in the client properties; keep one");
        }
        String value = fromBuilder != null ? fromBuilder : fromProps;
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientSettings s && Objects.equals(bootstrapServers, s.bootstrapServers)
                && Objects.equals(propertiesFile, s.propertiesFile) && properties.equals(s.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, propertiesFile, properties);
    }

    /** Servers and file; property values are left out (they may be secrets). */
    @Override
    public String toString() {
        return "KafkaClientSettings[bootstrapServers=" + bootstrapServers + ", propertiesFile=" + propertiesFile
                + ", properties=" + KafkaClientProperties.masked(properties) + "]";
    }
}
