package io.streamcast.broker;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process broker for all tests of a class: {@code @RegisterExtension static final EmbeddedKafkaBrokerExtension
 * kafka = new EmbeddedKafkaBrokerExtension(2);} starts it before the first test and closes it after the last. Tests
 * call {@link #bootstrapServers()} and {@link #createTopics} as on the broker itself.
 */
public final class EmbeddedKafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final int defaultPartitions;
    private final Map<String, String> brokerProperties;
    private EmbeddedKafkaBroker broker;

    /** @param defaultPartitions partitions of topics created without a count */
    public EmbeddedKafkaBrokerExtension(int defaultPartitions) {
        this(defaultPartitions, Map.of());
    }

    /**
     * @param defaultPartitions partitions of topics created without a count
     * @param brokerProperties  broker settings over the defaults (e.g. {@code auto.create.topics.enable=false})
     */
    public EmbeddedKafkaBrokerExtension(int defaultPartitions, Map<String, String> brokerProperties) {
        this.defaultPartitions = defaultPartitions;
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().defaultPartitions(defaultPartitions);
        brokerProperties.forEach(b::brokerProperty);
        broker = b.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only between the class's first and last test");
        }
        return broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public void createTopics(String... names) {
        broker().createTopics(names);
    }

    public void createTopics(int partitions, String... names) {
        broker().createTopics(partitions, names);
    }
}
