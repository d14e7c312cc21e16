package io.streamcast.connectors.file;

import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.KafkaClientBuilder;
import io.streamcast.connectors.kafka.KafkaClientProperties;
import io.streamcast.connectors.kafka.KafkaClientSettings;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends recorded CSV / JSON-lines files (see {@link RecordedLineParser}) to a Kafka topic with a
 * plain Kafka producer: as fast as possible, or paced so that event time passes {@code speedup}
 * times faster than wall-clock time.
 *
 * <p>Several files are merged by event time (each file is assumed to be in time order). A CSV line
 * is sent as the JSON event it describes, keyed by series key. A JSON line is sent as it is, so
 * that bad records reach the job and its dead-letter topic just as they would from a real
 * producer; it is keyed by its series key when it has a valid one. A CSV line that is not a valid
 * event is not sent, and logged. Blank lines, comments and headers are skipped.
 *
 * <p>The series key (Kafka record key and the event's {@code key} field) follows {@link KeyFrom}:
 * by line layout (default), the file's relative path for every record ({@link KeyFrom#FILENAME};
 * a JSON line then has its {@code key} field replaced, and an invalid one is still keyed by its
 * file), or the key each line carries ({@link KeyFrom#COLUMN}; the replay stops with an
 * {@link IOException} at the first line without one, after sending the records before it).
 *
 * <pre>{@code
 * long sent = ReplayProducer.builder().bootstrapServers("127.0.0.1:9092").topic("events")
 *     .speedup(3600)            // one hour of event time per second; 0 = as fast as possible
 *     .build().replay(Path.of("data/nab"));
 * }</pre>
 */
public final class ReplayProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayProducer.class);

    private final String topic;
    private final double speedup;
    private final Map<String, Object> producerConfig;
    private final RecordedLineParser lineParser;
    private final KeyFrom keyFrom;

    private ReplayProducer(Builder b, Map<String, Object> producerConfig) {
        this.topic = b.topic;
        this.speedup = b.speedup;
        this.producerConfig = producerConfig;
        this.lineParser = new RecordedLineParser(b.validation);
        this.keyFrom = b.keyFrom;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends every record of a file, or of every non-hidden file under a directory, and waits until
     * the broker acknowledged all of them.
     *
     * @return the number of records sent
     * @throws IOException if a file cannot be read or a send fails
     */
    public long replay(Path fileOrDir) throws IOException, InterruptedException {
        List<Path> files = listFiles(fileOrDir);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(
                producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            return replay(fileOrDir, files, producer);
        }
    }

    long replay(Path input, List<Path> files, Producer<byte[], byte[]> producer)
            throws IOException, InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        PriorityQueue<FileCursor> queue = new PriorityQueue<>();
        long sent = 0;
        long skipped = 0;
        try {
            for (Path file : files) {
                FileCursor cursor = new FileCursor(file, keyFrom.fileKey(input, file), keyFrom, lineParser);
                if (cursor.advance()) {
                    queue.add(cursor);
                } else {
                    cursor.close();
                }
            }
            long firstEventTime = Long.MIN_VALUE;
            long startNanos = System.nanoTime();
            while (!queue.isEmpty()) {
                FileCursor cursor = queue.poll();
                Line line = cursor.current;
                if (line.payload == null) {
                    skipped++;
                    LOG.warn("Not sent, invalid CSV line at {}:{}: {}", cursor.path, line.lineNumber, line.reason);
                } else {
                    if (speedup > 0 && line.eventTime != Long.MIN_VALUE) {
                        if (firstEventTime == Long.MIN_VALUE) {
                            firstEventTime = line.eventTime;
                        }
                        long dueNanos = startNanos + (long) ((line.eventTime - firstEventTime) * 1_000_000.0 / speedup);
                        long waitNanos = dueNanos - System.nanoTime();
                        if (waitNanos > 0) {
                            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                        }
                    }
                    producer.send(new ProducerRecord<>(topic, line.key, line.payload), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    sent++;
                    if (failure.get() != null) {
                        cursor.close();
                        break;
                    }
                }
                if (cursor.advance()) {
                    queue.add(cursor);
                } else {
                    cursor.close();
                }
            }
            producer.flush();
        } finally {
            for (FileCursor cursor : queue) {
                cursor.close();
            }
        }
        if (failure.get() != null) {
            throw new IOException("Sending to topic '" + topic + "' failed: " + failure.get().getMessage(), failure.get());
        }
        LOG.info("Replayed {} records from {} file(s) to topic '{}' ({} invalid CSV lines not sent)",
                sent, files.size(), topic, skipped);
        return sent;
    }

    static List<Path> listFiles(Path fileOrDir) throws IOException {
        if (Files.isRegularFile(fileOrDir)) {
            return List.of(fileOrDir);
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new IOException("Recorded file or directory " + fileOrDir.toAbsolutePath() + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(fileOrDir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("_"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** One line ready to send: key and payload, or why it is not sent. */
    private static final class Line {
        final long lineNumber;
        final long eventTime;
        final byte[] key;
        final byte[] payload;
        final String reason;

        Line(long lineNumber, long eventTime, byte[] key, byte[] payload, String reason) {
            this.lineNumber = lineNumber;
            this.eventTime = eventTime;
            this.key = key;
            this.payload = payload;
            this.reason = reason;
        }
    }

    /** Reads one file line by line; ordered by the event time of its current line. */
    private static final class FileCursor implements Comparable<FileCursor>, Closeable {
        final Path path;
        private final RecordedLineParser parser;
        private final BufferedReader reader;
        private final String fileKey;
        private final KeyFrom keyFrom;
        private long lineNumber;
        private boolean seenContent;
        private long lastEventTime = Long.MIN_VALUE;
        Line current;

        FileCursor(Path path, String fileKey, KeyFrom keyFrom, RecordedLineParser parser) throws IOException {
            this.path = path;
            this.parser = parser;
            this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
            this.fileKey = fileKey;
            this.keyFrom = keyFrom;
        }

        /** Moves to the next line that yields a record; false at the end of the file. */
        boolean advance() throws IOException {
            String text;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                RecordedLine read = parser.read(text, path.toString(), fileKey, keyFrom, lineNumber, !seenContent, 0L);
                if (!text.isBlank() && !text.strip().startsWith("#")) {
                    seenContent = true;
                }
                if (read == null) {
                    continue;
                }
                if (read.lacksKey()) {
                    close();
                    throw new IOException(path + ":" + lineNumber + " has no key, but keys are to come from each line ("
                            + "key,timestamp,value CSV or a \"key\" field in JSON lines): add the key to the file, or "
                            + "key the file by its name (KeyFrom.FILENAME / --key-from filename)");
                }
                ParsedEvent parsed = read.parsed();
                if (parsed.isValid()) {
                    lastEventTime = parsed.getEvent().getTimestampMillis();
                    byte[] key = parsed.getEvent().getKey().getBytes(StandardCharsets.UTF_8);
                    byte[] payload = read.isJson() ? read.json().getBytes(StandardCharsets.UTF_8)
                            : JsonCodec.toJsonBytes(parsed.getEvent());
                    current = new Line(lineNumber, lastEventTime, key, payload, null);
                } else if (read.isJson()) {
                    byte[] key = keyFrom == KeyFrom.FILENAME ? fileKey.getBytes(StandardCharsets.UTF_8) : null;
                    current = new Line(lineNumber, lastEventTime, key, read.json().getBytes(StandardCharsets.UTF_8), null);
                } else {
                    current = new Line(lineNumber, lastEventTime, null, null,
                            parsed.getDeadLetter().getReason().code() + ": " + parsed.getDeadLetter().getDetail());
                }
                return true;
            }
            current = null;
            return false;
        }

        @Override
        public int compareTo(FileCursor other) {
            int byTime = Long.compare(current.eventTime, other.current.eventTime);
            return byTime != 0 ? byTime : path.compareTo(other.path);
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Settings of a {@link ReplayProducer}; {@link #build()} checks them. */
    public static final class Builder extends KafkaClientBuilder<Builder> {
        private String topic;
        private double speedup;
        private KeyFrom keyFrom = KeyFrom.AUTO;
        private EventValidation validation = EventValidation.defaults();

        private Builder() {}

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** Event time runs this many times faster than wall-clock time; 0 (default) sends as fast as possible. */
        public Builder speedup(double speedup) {
            this.speedup = speedup;
            return this;
        }

        /** Where each record's series key comes from; {@link KeyFrom#AUTO} (by line layout) if not set. */
        public Builder keyFrom(KeyFrom keyFrom) {
            this.keyFrom = keyFrom;
            return this;
        }

        /** Rules for reading CSV lines (bounds, local zone); {@link EventValidation#defaults()} if not set. */
        public Builder validation(EventValidation validation) {
            this.validation = validation;
            return this;
        }

        /**
         * @throws IllegalArgumentException saying what to fix
         */
        public ReplayProducer build() {
            Map<String, String> props = client().toMap();
            KafkaClientSettings.requireBootstrapServers(props);
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("No topic to send to: call topic(\"events\")");
            }
            if (!(speedup >= 0) || Double.isInfinite(speedup)) {
                throw new IllegalArgumentException(
                        "Speedup must be a finite number >= 0 (0 = as fast as possible); got " + speedup);
            }
            if (keyFrom == null) {
                throw new IllegalArgumentException("keyFrom must not be null (KeyFrom.AUTO is the default)");
            }
            if (validation == null) {
                throw new IllegalArgumentException("validation must not be null (EventValidation.defaults() is the default)");
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            config.putAll(props);
            config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
            config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
            LOG.info("Replay producer to topic '{}', speedup {}, client properties {}",
                    topic, speedup == 0 ? "none" : speedup, KafkaClientProperties.masked(config));
            return new ReplayProducer(this, config);
        }
    }
}
