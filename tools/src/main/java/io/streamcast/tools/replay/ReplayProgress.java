package io.streamcast.tools.replay;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Counts the records a Kafka producer got acknowledged, for a progress display, without touching the code that
 * sends them: a {@link ProducerInterceptor} registered through the producer's {@code interceptor.classes}, which
 * finds its listener by the id passed in {@value #ID_CONFIG}.
 *
 * <p>While a registration is open, a JVM shutdown hook is installed: a replay stopped by Ctrl-C (SIGINT) or SIGTERM
 * prints how many records Kafka had acknowledged, to which topic and broker, before the JVM exits.
 * {@link #unregister} removes the hook, so a replay that finishes prints only its normal summary.
 */
public final class ReplayProgress implements ProducerInterceptor<byte[], byte[]> {

    /** Producer property carrying the listener's registration id. */
    public static final String ID_CONFIG = "streamcast.replay.progress.id";

    private static final Map<String, Registration> REGISTRATIONS = new ConcurrentHashMap<>();

    /** One replay's listener, its counts and what it sends to, as far as the producer has told. */
    static final class Registration {
        final LongConsumer listener;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile String topic;
        volatile String bootstrapServers;
        final Thread hook;

        Registration(LongConsumer listener, PrintStream err) {
            this.listener = listener;
            this.hook = new Thread(() -> {
                err.println();
                err.println(interruptedMessage(this));
                err.flush();
            }, "replay-interrupted");
        }
    }

    private Registration registration;

    /**
     * Registers {@code onAcknowledged} (called with 1 per acknowledged record) and the Ctrl-C report on
     * {@code System.err}; returns the id to configure.
     */
    public static String register(LongConsumer onAcknowledged) {
        return register(onAcknowledged, System.err, true);
    }

    static String register(LongConsumer onAcknowledged, PrintStream err, boolean installHook) {
        String id = UUID.randomUUID().toString();
        Registration r = new Registration(onAcknowledged, err);
        REGISTRATIONS.put(id, r);
        if (installHook) {
            Runtime.getRuntime().addShutdownHook(r.hook);
        }
        return id;
    }

    public static void unregister(String id) {
        Registration r = REGISTRATIONS.remove(id);
        if (r != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(r.hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting: the hook reports
            }
        }
    }

    /** Records acknowledged so far for registration {@code id}; -1 if there is none. */
    static long acknowledged(String id) {
        Registration r = REGISTRATIONS.get(id);
        return r == null ? -1 : r.acknowledged.get();
    }

    static Registration registration(String id) {
        return REGISTRATIONS.get(id);
    }

    /** What a replay stopped before its end prints: what was sent, where, and what re-running it does. */
    static String interruptedMessage(Registration r) {
        String topic = r.topic == null ? "(none sent yet)" : "'" + r.topic + "'";
        String where = r.bootstrapServers == null ? "" : " on " + r.bootstrapServers;
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT,
                "replay interrupted: %,d record(s) acknowledged by Kafka%s, topic %s", r.acknowledged.get(), where, topic));
        if (r.failed.get() > 0) {
            m.append(String.format(Locale.ROOT, "; %,d send(s) failed", r.failed.get()));
        }
        m.append(". The rest of the input was not sent (records in flight at the interrupt may or may not have been "
                + "written). Running the same replay again sends every record from the start; a job that already "
                + "consumed the first ones dead-letters them as out-of-order.");
        return m.toString();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(ID_CONFIG);
        registration = id == null ? null : REGISTRATIONS.get(id.toString());
        if (registration != null) {
            Object servers = configs.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
            if (servers instanceof java.util.Collection<?> c) {
                servers = String.join(",", c.stream().map(String::valueOf).toList());
            }
            registration.bootstrapServers = servers == null ? null : servers.toString();
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (registration != null && registration.topic == null) {
            registration.topic = record.topic();
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (registration == null) {
            return;
        }
        if (exception == null) {
            registration.acknowledged.incrementAndGet();
            registration.listener.accept(1);
        } else {
            registration.failed.incrementAndGet();
        }
    }

    @Override
    public void close() {}
}
