package io.streamcast.connectors.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails fast when no Kafka broker answers at the configured address: before a command creates topics or sends
 * records (which would otherwise wait a minute for metadata and end in a client stack trace), one
 * {@code describeCluster} call with a short timeout.
 */
public final class BrokerCheck {

    /** How long {@link #requireReachable(KafkaClientSettings)} waits for a broker. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** No broker answered; the message names the address and what to do. */
    public static final class BrokerUnreachableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BrokerUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private BrokerCheck() {}

    /** {@link #requireReachable(KafkaClientSettings, Duration, String)} with the default timeout and hint. */
    public static void requireReachable(KafkaClientSettings client) {
        requireReachable(client, DEFAULT_TIMEOUT, "start one (scripts/start-kafka.sh starts one on 127.0.0.1:9092) "
                + "or check --bootstrap-servers");
    }

    /**
     * Returns when a broker at the client's bootstrap servers answers within {@code timeout}.
     *
     * @param whatToDo the end of the message, what the user can do (e.g. start a broker)
     * @throws BrokerUnreachableException when none does
     */
    public static void requireReachable(KafkaClientSettings client, Duration timeout, String whatToDo) {
        Properties p = client.toProperties();
        int ms = (int) timeout.toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        Throwable cause;
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId()
                    .get(ms + 2000L, TimeUnit.MILLISECONDS);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cause = e;
        } catch (ExecutionException e) {
            cause = e.getCause();
        } catch (TimeoutException | RuntimeException e) {
            cause = e;
        }
        throw new BrokerUnreachableException("no Kafka broker answered at " + client.bootstrapServers() + " within "
                + timeout.toSeconds() + " s: " + whatToDo, cause);
    }
}
