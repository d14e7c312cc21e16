package io.streamcast.learner.job;

import io.streamcast.connectors.event.Event;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.learner.core.Dl4jCandidateTrainer;
import io.streamcast.learner.core.Learner;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.learner.core.WindowSample;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner inside Flink: one instance (parallelism 1) holding a {@link Learner}; each event goes in, and an
 * accepted round's announcement comes out as a {@link ModelUpdate} for the models topic. The Flink part only: the
 * learner's state in operator state and metrics.
 *
 * <p>State: operator list state {@value #STATE_NAME}, one {@code byte[]} written by {@link #write} (layout 1: the
 * sample, the schedule's counts, the serving artifact and its SHA-256, the round counts), with Flink's explicit
 * {@link BytePrimitiveArraySerializer}. A restore brings back the sample and the schedule, and the last accepted
 * version as the parent of the next round; a start without state begins with an empty sample and the submitted model.
 *
 * <p>Metrics (group {@code learner}): counters {@code roundsAccepted}, {@code roundsRefused}; gauges
 * {@code sampleBytes}, {@code samplePoints}, {@code sampleBoundBytes}.
 *
 * <p>A round runs when the schedule's clock, the watermark, makes it due: a round due by event time runs when the
 * watermark that reaches its time arrives ({@link LearnerOperator}), with or without an event after it; one due by
 * the event count (or held back until the sample held {@code minPoints}) runs at the event that makes it due. While
 * it trains (seconds to minutes) this operator takes no events and checkpoints of the learner job wait; the forecast
 * job is another job and does not notice.
 */
public final class LearnerFunction extends ProcessFunction<Event, ModelUpdate> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerFunction.class);
    public static final String STATE_NAME = "learner-state";
    private static final int LAYOUT = 1;

    private final LearnerConfig config;
    private final ModelBundle initial;
    private final String store;
    private transient Learner learner;
    private transient ListState<byte[]> state;
    private transient byte[] restored;
    private transient Counter accepted;
    private transient Counter refused;
    private transient volatile long sampleBytes;
    private transient volatile long samplePoints;
    private transient long samplePublishedAt;

    /**
     * @param config  the learner's settings
     * @param initial the model the forecast job serves when the learner starts without state
     * @param store   the model store's base URI (any Flink file system)
     */
    public LearnerFunction(LearnerConfig config, ModelBundle initial, String store) {
        this.config = config;
        this.initial = initial;
        this.store = store;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(STATE_NAME, BytePrimitiveArraySerializer.INSTANCE));
        if (context.isRestored()) {
            for (byte[] b : state.get()) {
                restored = b;
            }
        }
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) throws Exception {
        learner = new Learner(config, initial.load(), initial.sha256(), Dl4jCandidateTrainer.of(config),
                new FlinkFileSystemModelStore(store));
        if (restored != null) {
            read(restored, learner);
            LOG.info("learner restored: {} keys, {} points, serving {}, {} rounds (a round after the restored "
                    + "checkpoint whose announcement was not delivered runs again)", learner.sample().keys(),
                    learner.sample().points(), learner.serving().modelVersion(), learner.rounds());
            restored = null;
        } else {
            LOG.info("learner starting afresh from model {} (sample bound {} bytes)", initial.modelVersion(),
                    config.sampleBoundBytes());
        }
        var group = getRuntimeContext().getMetricGroup().addGroup("learner");
        accepted = group.counter("roundsAccepted");
        refused = group.counter("roundsRefused");
        // the sample is not thread-safe (an access-ordered map): the reporter's thread reads what the task published
        publishSampleSize();
        group.gauge("sampleBytes", () -> sampleBytes);
        group.gauge("samplePoints", () -> samplePoints);
        group.gauge("sampleBoundBytes", () -> learner.sample().boundBytes());
    }

    /** The sample's size for the gauges, taken on the task thread (once per round, and at most once a second). */
    private void publishSampleSize() {
        sampleBytes = learner.sample().usedBytes();
        samplePoints = learner.sample().points();
        samplePublishedAt = System.nanoTime();
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<ModelUpdate> out) {
        // the schedule runs on the watermark: the events topic's partitions are read at different speeds
        Optional<Learner.Round> round = learner.onEvent(e.getKey(), e.getTimestampMillis(), e.getValue(),
                ctx.timerService().currentWatermark());
        if (round.isEmpty()) {
            if (System.nanoTime() - samplePublishedAt > 1_000_000_000L) {
                publishSampleSize();
            }
            return;
        }
        emit(round.get(), out);
    }

    /**
     * The watermark has reached {@code watermark} ({@link LearnerOperator}): runs the round it makes due, if any. The
     * end of a bounded input (Long.MAX_VALUE) is no time on the schedule's clock and runs nothing.
     */
    void onWatermark(long watermark, Collector<ModelUpdate> out) {
        if (watermark == Long.MAX_VALUE) {
            return;
        }
        learner.onClock(watermark).ifPresent(r -> emit(r, out));
    }

    private void emit(Learner.Round r, Collector<ModelUpdate> out) {
        publishSampleSize();
        if (r.accepted()) {
            accepted.inc();
            out.collect(new ModelUpdate(r.announcement().version(), r.announcement().uri(), r.announcement().sha256()));
        } else {
            refused.inc();
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.clear();
        state.add(write(learner));
    }

    /** The learner's state as one record (layout 1). */
    static byte[] write(Learner l) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeByte(LAYOUT);
        l.sample().writeTo(out);
        out.writeLong(l.schedule().eventsSinceRound());
        out.writeLong(l.schedule().lastRoundTime());
        out.writeLong(l.schedule().eventTime());
        byte[] artifact = ModelArtifactWriter.toBytes(l.serving());
        out.writeInt(artifact.length);
        out.write(artifact);
        out.writeInt(l.rounds());
        out.writeInt(l.accepted());
        out.writeInt(l.refused());
        out.flush();
        return buf.toByteArray();
    }

    /** Restores what {@link #write} wrote into {@code l} (whose settings bound the sample). */
    static void read(byte[] bytes, Learner l) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int layout = in.readByte();
        if (layout != LAYOUT) {
            throw new IOException("learner state layout " + layout + " is not known (this version reads " + LAYOUT
                    + ")");
        }
        WindowSample sample = WindowSample.readFrom(in, l.config().maxKeys(), l.config().pointsPerKey());
        long events = in.readLong();
        long lastRound = in.readLong();
        long eventTime = in.readLong();
        byte[] artifact = new byte[in.readInt()];
        in.readFully(artifact);
        int rounds = in.readInt();
        int acc = in.readInt();
        int ref = in.readInt();
        l.restore(sample, ModelArtifactReader.fromBytes(artifact), ModelArtifactReader.sha256(artifact), rounds, acc,
                ref);
        l.schedule().restore(events, lastRound, eventTime);
    }
}
