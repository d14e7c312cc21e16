package io.streamcast.jobs.forecast;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reader of {@link ModelsTopicSource}: Flink's Kafka reader of the models topic, watched by a thread that asks
 * the broker for the topic's id every check interval. What the task thread does with what it learns (before it
 * polls, and when the reader waits for records):
 * <ul>
 *   <li>After a restore: splits restored with a topic id are held until the broker says the topic exists; they go on
 *       from their offsets if the id is the topic's, and are read from the beginning if it is not (the topic was
 *       created again while the job was not running). When the broker cannot be asked (unreachable, or describing
 *       the topic not allowed), they go on from their offsets, and the id they carry is compared with the next
 *       answer.</li>
 *   <li>The topic gone: the Kafka reader's partitions are paused (splits added meanwhile are held), so that its
 *       consumer stops asking for a topic that does not exist (it would log a warning every few milliseconds) and
 *       does not fetch from a topic created again at the old position before the new id is seen. The model in
 *       service stays.</li>
 *   <li>The same id again: the partitions resume where they were.</li>
 *   <li>Another id: the Kafka reader is closed with its position, and a new one reads every partition held from the
 *       beginning of the new topic. Records the old reader fetched from the new topic before the new id was seen (the
 *       topic deleted and created again within one check interval) come again: an update may then be applied twice,
 *       in order, and the model in service ends on the topic's latest. The Kafka reader's per-partition offset gauges
 *       ({@code KafkaSourceReader.topic.*.partition.*.currentOffset}, {@code committedOffset}) keep showing the first
 *       reader's values after such a switch: Flink keeps the first metric registered under a name.</li>
 * </ul>
 * Checkpointed splits carry the id their offsets belong to ({@link ModelsTopicSplit}).
 */
final class ModelsTopicReader implements SourceReader<String, KafkaPartitionSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelsTopicReader.class);

    private final KafkaSource<String> kafka;
    private final SourceReaderContext context;
    private final String topic;
    private final IdentityCheck check;

    private SourceReader<String, KafkaPartitionSplit> inner;
    /** The partitions given to {@link #inner}, by split id. */
    private final Map<String, TopicPartition> assigned = new LinkedHashMap<>();
    /** Splits not given to {@link #inner}: restored with a topic id (until the topic is seen), or added while it is gone. */
    private final List<KafkaPartitionSplit> held = new ArrayList<>();
    /** The id of the topic {@link #inner}'s offsets belong to; null while not known. */
    private String topicId;
    private boolean answered;
    private boolean paused;
    /** The topic was reported gone while its id was not known yet: when it is back, it is another topic. */
    private boolean goneWithoutId;
    private boolean noMoreSplits;

    ModelsTopicReader(KafkaSource<String> kafka, SourceReaderContext context, String topic,
                      Properties clientProperties, Duration checkInterval) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.context = Objects.requireNonNull(context, "context");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.check = new IdentityCheck(topic, clientProperties, checkInterval);
        this.inner = newKafkaReader();
    }

    private SourceReader<String, KafkaPartitionSplit> newKafkaReader() {
        try {
            return kafka.createReader(context);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the Kafka reader of the models topic " + topic, e);
        }
    }

    @Override
    public void start() {
        inner.start();
        check.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<String> output) throws Exception {
        applyAnswer();
        return inner.pollNext(output);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        CompletableFuture<Void> answer = check.signal();
        if (check.hasAnswer()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.anyOf(inner.isAvailable(), answer).thenApply(x -> null);
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        List<KafkaPartitionSplit> now = new ArrayList<>();
        for (KafkaPartitionSplit split : splits) {
            String id = ModelsTopicSplit.topicIdOf(split);
            if (id != null && !answered) {
                held.add(split);
                if (topicId == null) {
                    topicId = id;
                }
            } else if (id != null && topicId != null && !id.equals(topicId)) {
                now.add(new KafkaPartitionSplit(split.getTopicPartition(), KafkaPartitionSplit.EARLIEST_OFFSET));
            } else {
                now.add(ModelsTopicSplit.plain(split));
            }
        }
        give(now);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        List<KafkaPartitionSplit> splits = new ArrayList<>();
        for (KafkaPartitionSplit split : inner.snapshotState(checkpointId)) {
            splits.add(new ModelsTopicSplit(split, topicId));
        }
        splits.addAll(held);
        return splits;
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        if (held.isEmpty()) {
            inner.notifyNoMoreSplits();
        }
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        inner.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        inner.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
        inner.pauseOrResumeSplits(toPause, toResume);
    }

    @Override
    public void close() throws Exception {
        try {
            check.close();
        } finally {
            inner.close();
        }
    }

    /** Acts on the broker's latest answer about the topic, if there is a new one. */
    private void applyAnswer() throws Exception {
        Answer answer = check.take();
        if (answer == null) {
            return;
        }
        boolean first = !answered;
        answered = true;
        switch (answer.kind) {
            case ABSENT -> {
                if (topicId == null && (!assigned.isEmpty() || !held.isEmpty())) {
                    goneWithoutId = true;
                }
                if (!paused && !assigned.isEmpty()) {
                    inner.pauseOrResumeSplits(new ArrayList<>(assigned.keySet()), List.of());
                    paused = true;
                    LOG.warn("The models topic {} does not exist: its reader pauses; the model in service stays", topic);
                }
            }
            case UNANSWERED -> {
                if (!held.isEmpty() && !paused) {
                    LOG.warn("Cannot tell whether the models topic {} is the one its checkpointed offsets belong to "
                            + "(topic id {}): {}; reading on from them", topic, topicId, answer.detail);
                    release();
                } else {
                    // each new reason once (answers are handed on only when they change): without answers a topic
                    // deleted and created again is not noticed
                    LOG.warn("Cannot ask the broker for the models topic {}'s id: {}; a topic deleted and created "
                            + "again is not noticed until it answers", topic, answer.detail);
                }
            }
            case PRESENT -> {
                if (answer.topicId != null && (topicId != null ? !answer.topicId.equals(topicId) : goneWithoutId)) {
                    // another topic of the same name (a known id differs, or the topic was gone before its id was
                    // known, e.g. restored from a savepoint of a release that did not record it)
                    readNewTopic(answer.topicId);
                    return;
                }
                if (topicId == null) {
                    topicId = answer.topicId;
                }
                if (paused) {
                    inner.pauseOrResumeSplits(List.of(), new ArrayList<>(assigned.keySet()));
                    paused = false;
                    LOG.info("The models topic {} exists again, the same topic (id {}): its reader goes on", topic,
                            topicId);
                }
                release();
                if (first) {
                    LOG.info("The models topic {} has topic id {}", topic, topicId);
                }
            }
            default -> throw new IllegalStateException(answer.kind.name());
        }
    }

    /** Gives the held splits to the Kafka reader with their offsets. */
    private void release() {
        List<KafkaPartitionSplit> splits = new ArrayList<>();
        for (KafkaPartitionSplit split : held) {
            splits.add(ModelsTopicSplit.plain(split));
        }
        held.clear();
        give(splits);
        if (noMoreSplits) {
            inner.notifyNoMoreSplits();
        }
    }

    /** The topic was created again: every partition held is read from the beginning of the new topic. */
    private void readNewTopic(String newId) throws Exception {
        LOG.warn("The models topic {} was deleted and created again (topic id {}, before {}): reading the new topic "
                + "from its beginning; the old topic's position is dropped", topic, newId, topicId);
        List<KafkaPartitionSplit> splits = new ArrayList<>();
        for (TopicPartition tp : assigned.values()) {
            splits.add(new KafkaPartitionSplit(tp, KafkaPartitionSplit.EARLIEST_OFFSET));
        }
        for (KafkaPartitionSplit split : held) {
            splits.add(new KafkaPartitionSplit(split.getTopicPartition(), KafkaPartitionSplit.EARLIEST_OFFSET));
        }
        held.clear();
        if (!assigned.isEmpty()) {
            inner.close();
            inner = newKafkaReader();
            inner.start();
            assigned.clear();
        }
        paused = false;
        goneWithoutId = false;
        topicId = newId;
        give(splits);
        if (noMoreSplits) {
            inner.notifyNoMoreSplits();
        }
    }

    /** Gives {@code splits} to the Kafka reader, or holds them while the topic is gone. */
    private void give(List<KafkaPartitionSplit> splits) {
        if (splits.isEmpty()) {
            return;
        }
        if (paused) {
            held.addAll(splits);
            return;
        }
        for (KafkaPartitionSplit split : splits) {
            assigned.put(split.splitId(), split.getTopicPartition());
        }
        inner.addSplits(splits);
    }

    /** What the broker said about the topic. */
    enum Kind { PRESENT, ABSENT, UNANSWERED }

    /** @param topicId the topic's id when {@link Kind#PRESENT} (null if the broker has no topic ids) */
    record Answer(Kind kind, String topicId, String detail) {}

    /**
     * The thread that asks the broker for the topic's id and hands the task thread each answer that differs from the
     * one before: {@link #take} returns it once, {@link #signal} completes when there is one.
     */
    static final class IdentityCheck implements AutoCloseable {

        private final String topic;
        private final Properties clientProperties;
        private final long intervalMillis;
        private final ScheduledExecutorService thread;
        private final AtomicReference<Answer> posted = new AtomicReference<>();
        private volatile CompletableFuture<Void> signal = new CompletableFuture<>();
        private Answer last;
        private Admin admin;

        IdentityCheck(String topic, Properties clientProperties, Duration interval) {
            this.topic = topic;
            this.clientProperties = clientProperties;
            this.intervalMillis = interval.toMillis();
            this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "models topic " + topic + ": identity check");
                t.setDaemon(true);
                return t;
            });
        }

        void start() {
            thread.scheduleWithFixedDelay(this::ask, 0, intervalMillis, TimeUnit.MILLISECONDS);
        }

        /** Completes when an answer is waiting (or has been taken since this future was handed out). */
        CompletableFuture<Void> signal() {
            return signal;
        }

        boolean hasAnswer() {
            return posted.get() != null;
        }

        /** The answer waiting, once; null if none. */
        Answer take() {
            if (posted.get() == null) {
                return null;
            }
            signal = new CompletableFuture<>(); // before taking: an answer posted from here on completes the new one
            return posted.getAndSet(null);
        }

        private void ask() {
            Answer answer;
            try {
                answer = describe();
            } catch (Throwable t) { // a scheduled task that throws is never run again: report, and ask again next time
                answer = new Answer(Kind.UNANSWERED, null, String.valueOf(t));
            }
            if (answer == null || answer.equals(last)) {
                return;
            }
            last = answer;
            posted.set(answer);
            signal.complete(null);
        }

        private Answer describe() {
            try {
                if (admin == null) {
                    admin = Admin.create(clientProperties);
                }
                TopicDescription d = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(10_000))
                        .allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
                Uuid id = d.topicId();
                return new Answer(Kind.PRESENT, id == null || Uuid.ZERO_UUID.equals(id) ? null : id.toString(), null);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return new Answer(Kind.ABSENT, null, null);
                }
                return new Answer(Kind.UNANSWERED, null, String.valueOf(e.getCause()));
            } catch (TimeoutException e) {
                return new Answer(Kind.UNANSWERED, null, "no answer from the broker within 15 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (RuntimeException e) {
                return new Answer(Kind.UNANSWERED, null, String.valueOf(e));
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
            try {
                thread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (admin != null) {
                    admin.close(Duration.ofSeconds(5));
                }
            }
        }
    }
}
