package io.streamcast.jobs.forecast;

import io.streamcast.connectors.kafka.KafkaClientSettings;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelLoader;
import io.streamcast.jobs.control.ModelRefusal;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.connectors.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The model a new job serves from its first event, decided on the client before the job is built: the latest
 * update on the models topic whose artifact passes every check a task makes ({@link ModelLoader}), otherwise the
 * submitted model. The job's models source then starts at the offsets this read ended at, so updates published
 * before submission are not applied again one by one (a new job would otherwise serve the submitted model, then
 * each earlier update in turn, while it caught up with the topic), and every update published after it is.
 *
 * <p>A job restored from a checkpoint or savepoint is not affected: its models source resumes from its
 * checkpointed offsets and the operator serves the model recorded in its state.
 *
 * <p>When the latest update's artifact cannot be read from the client (a path only the cluster's machines see),
 * nothing is decided here: the job starts with the submitted model and applies the topic's updates as it reads them
 * from the beginning, as a warning in the client's log says.
 *
 * @param bundle     the model to serve from the first event
 * @param modelsFrom where the models source starts for a new job; empty: from the committed offsets of the job's
 *                   models consumer group, else the earliest
 * @param reason     one line for the client's log
 */
public record StartupModel(ModelBundle bundle, Optional<Map<TopicPartition, Long>> modelsFrom, String reason) {

    private static final Logger LOG = LoggerFactory.getLogger(StartupModel.class);

    public StartupModel {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(modelsFrom, "modelsFrom");
        modelsFrom = modelsFrom.map(Map::copyOf);
    }

    /** Serve {@code submitted} and read the models topic as the job always did (model control off, or not decided). */
    public static StartupModel submitted(ModelBundle submitted, String reason) {
        return new StartupModel(submitted, Optional.empty(), reason);
    }

    /**
     * Reads the models topic to its end (committed records only) and decides the model to serve from the first
     * event; see the class comment.
     *
     * @throws IllegalArgumentException when the topic cannot be read within {@code timeout} (the broker is not
     *                                  reachable from the client), naming the servers and the topic
     */
    public static StartupModel resolve(ModelBundle submitted, KafkaClientSettings client, ModelControlConfig control,
                                       Duration timeout) {
        String topic = control.modelsTopic();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<TopicPartition, Long> end;
        try {
            end = TopicReader.readToEnd(client, topic, timeout, records::add);
        } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new IllegalArgumentException("cannot read the models topic " + topic + " from "
                    + client.bootstrapServers() + " within " + timeout.toSeconds() + " s to decide the model to serve "
                    + "at start-up (" + e.getMessage() + "); check --bootstrap-servers, or start without model control "
                    + "(-D streamcast.model.control.enabled=false)", e);
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        for (int i = records.size() - 1; i >= 0; i--) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            String where = topic + "-" + r.partition() + "@" + r.offset();
            ModelUpdate update;
            try {
                update = ModelControl.parse(new String(r.value() == null ? new byte[0] : r.value(), StandardCharsets.UTF_8));
            } catch (ModelRefusal.RefusedException e) {
                LOG.warn("Model at start-up: skipping the malformed update at {}: {}", where, e.getMessage());
                continue;
            }
            try {
                ModelLoader.Loaded loaded = ModelLoader.load(update, control.maxArtifactBytes());
                ModelBundle bundle = ModelBundle.fromBytes(loaded.bytes(), update.getUri());
                return new StartupModel(bundle, Optional.of(end), "serving " + update.getVersion() + " from the first event: "
                        + "the latest valid update on " + topic + " (" + where + "); the submitted model "
                        + submitted.modelVersion() + " is not used");
            } catch (ModelRefusal.RefusedException refused) {
                if (refused.reason() == ModelRefusal.UNREADABLE) {
                    String why = "the latest update on " + topic + " (" + where + ", version " + update.getVersion()
                            + ") cannot be read from this machine (" + refused.getMessage() + "): the job starts with "
                            + submitted.modelVersion() + " and applies the topic's updates as it reads them, so its "
                            + "first records may carry an earlier version";
                    LOG.warn("Model at start-up: {}", why);
                    return submitted(submitted, why);
                }
                LOG.warn("Model at start-up: the update at {} would be refused ({}): {}; trying the one before it", where,
                        refused.reason().code(), refused.getMessage());
            }
        }
        return new StartupModel(submitted, Optional.of(end), "serving the submitted model " + submitted.modelVersion()
                + ": no valid update on " + topic + (records.isEmpty() ? " (the topic is empty or does not exist)" : ""));
    }
}
