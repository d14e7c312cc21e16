package io.streamcast.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Extra Kafka client properties (SASL, SSL, tuning) from a map or a {@code .properties} file, and
 * a masked view of them that is safe to log.
 */
public final class KafkaClientProperties {

    /** What a secret value is replaced with in logs. */
    public static final String MASK = "******";

    private static final String[] SECRET_MARKERS = {"password", "secret", "jaas", "key"};

    private KafkaClientProperties() {}

    /**
     * Loads a properties file.
     *
     * @throws IllegalArgumentException naming the file if it cannot be read
     */
    public static Map<String, String> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "Kafka client properties file " + file.toAbsolutePath() + " does not exist or is not a file");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Cannot read Kafka client properties file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }

    /** True when a property's value must not be logged: its name mentions a password, secret, JAAS config or key. */
    public static boolean isSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String marker : SECRET_MARKERS) {
            if (lower.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /** A sorted copy in which every {@linkplain #isSecret secret} value is {@link #MASK}. */
    public static Map<String, String> masked(Map<String, ?> props) {
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : String.valueOf(v)));
        return out;
    }

    /** A sorted copy of {@link Properties} in which every secret value is {@link #MASK}. */
    public static Map<String, String> masked(Properties props) {
        Map<String, String> map = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        return masked(map);
    }

    static Properties toProperties(Map<String, String> map) {
        Properties props = new Properties();
        props.putAll(map);
        return props;
    }
}
