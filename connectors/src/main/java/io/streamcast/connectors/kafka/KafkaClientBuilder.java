package io.streamcast.connectors.kafka;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka client part of every builder of a Kafka client (source, sinks, replay producer): it collects one
 * {@link KafkaClientSettings}, which the builder's {@code build()} reads and checks.
 *
 * @param <B> the builder, returned by every setter for chaining
 */
public abstract class KafkaClientBuilder<B extends KafkaClientBuilder<B>> {

    private KafkaClientSettings client = KafkaClientSettings.none();

    protected KafkaClientBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** All client settings at once; replaces servers, file and properties set before. */
    public B client(KafkaClientSettings settings) {
        this.client = java.util.Objects.requireNonNull(settings, "settings");
        return self();
    }

    /** Comma-separated {@code host:port} list. */
    public B bootstrapServers(String bootstrapServers) {
        this.client = client.withBootstrapServers(bootstrapServers);
        return self();
    }

    /** One Kafka client property (e.g. {@code security.protocol}); later calls win. */
    public B clientProperty(String name, String value) {
        this.client = client.withProperty(name, value);
        return self();
    }

    /** Kafka client properties; they override those of {@link #clientPropertiesFile}. */
    public B clientProperties(Map<String, String> properties) {
        this.client = client.withProperties(properties);
        return self();
    }

    /** A {@code .properties} file of Kafka client properties, read by {@code build()}. */
    public B clientPropertiesFile(Path file) {
        this.client = client.withPropertiesFile(file);
        return self();
    }

    /** The settings collected so far. */
    protected KafkaClientSettings client() {
        return client;
    }
}
