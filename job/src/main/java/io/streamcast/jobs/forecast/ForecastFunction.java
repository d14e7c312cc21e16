package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ActiveModel;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlError;
import io.streamcast.jobs.control.ModelLoader;
import io.streamcast.jobs.control.ModelRefusal;
import io.streamcast.jobs.control.ModelSwapPolicy;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyResult;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Objects;

/**
 * The forecast operator: per event it reads the key's {@link SeriesState}, lets {@link SeriesStep} (the per-key
 * algorithm, Flink-free, in model core) score the value, step the model and forecast, writes the state back and emits
 * one {@link ForecastRecord}. Everything it adds is Flink's part: managed state ({@code series-state}, explicit
 * serializer {@link SeriesStateSerializer}), timers, metrics, side outputs and the model broadcast.
 *
 * <p>Model hot-swap: the second (broadcast) input carries {@link ModelUpdate}s from the models topic. Every
 * parallel instance loads and checks the artifact ({@link ModelLoader}: SHA-256, the reader's checksum and
 * shapes, version) and, if it passes, puts it in service with one reference swap and records it in the
 * broadcast state {@value ModelControl#STATE_NAME} (with the artifact's bytes, so a restore brings the same
 * model back even if the file is gone). A refused update leaves the model in service and emits a
 * {@link ModelControlError} on {@link ModelControl#ERRORS}. Without a restored broadcast state the model is
 * the {@link ModelBundle} shipped in the job graph. A key whose state was written by another model adopts
 * the one in service at its next event ({@link SeriesStep#adopt}), as {@link ModelSwapPolicy} says; whether the two models share an
 * architecture is looked up in the broadcast state {@value ModelControl#LINEAGE_STATE_NAME} (every model served,
 * by tag), so key state need not record it.
 *
 * <p>An event not newer than its key's last one is sent to the dead-letter output as
 * {@code out-of-order} and changes nothing. A key with no events for the state TTL (in event time) is
 * cleared by a timer. Timers are on a grid of TTL/8, so a busy key registers one only when its events move to the next grid point, and it then deletes the one before: a key holds one timer. The event time is the
 * events input's watermark only: the model-control input never advances it, an idle events input holds it, and a
 * watermark at the end of time expires nothing ({@link StateExpiry}). Expiries are counted and logged (rate-limited).
 *
 * <p>Metrics (operator scope): {@code forecastsOut}, {@code anomalies}, {@code deadLettered.<reason>},
 * {@code stepLatencyNanos} (histogram, every 64th event), {@code keysInState} (keys this subtask holds: those in its
 * state when it started, plus keys created, minus keys expired since), {@code keysExpired}, {@code modelSwaps},
 * {@code modelRefusals}, {@code activeModelVersion}.
 */
public final class ForecastFunction extends KeyedBroadcastProcessFunction<String, ParsedEvent, ModelUpdate, ForecastRecord>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastFunction.class);

    public static final String STATE_NAME = "series-state";
    private static final int LATENCY_SAMPLE_MASK = 63;

    private final ModelBundle bundle;
    private final ForecastJobConfig config;
    private final ModelControlConfig control;

    private transient ValueState<SeriesState> state;
    private transient ActiveModel restoredModel;
    private transient BroadcastState<Integer, Integer> lineage;
    private transient ServingModel serving;
    private transient SeriesStep step;
    private transient SeriesStep.Lineage lineageView;
    private transient ExpiryGrid expiry;
    private transient int subtask;

    private transient Counter forecastsOut;
    private transient Counter anomalies;
    private transient Counter modelSwaps;
    private transient Counter modelRefusals;
    private transient DeadLetters.Counters deadLettered;
    private transient Histogram stepLatency;
    private transient long keysCreated;
    private transient long keysRestored;
    private transient Counter keysExpired;
    private transient StateExpiry.Log expiryLog;
    private transient long eventsSeen;

    public ForecastFunction(ModelBundle bundle, ForecastJobConfig config) {
        this(bundle, config, ModelControlConfig.defaults());
    }

    public ForecastFunction(ModelBundle bundle, ForecastJobConfig config, ModelControlConfig control) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.config = Objects.requireNonNull(config, "config");
        this.control = Objects.requireNonNull(control, "control");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // the broadcast state is readable here, before open(), so a restored model is in service from the first event
        BroadcastState<String, ActiveModel> active = context.getOperatorStateStore().getBroadcastState(ModelControl.ACTIVE_MODEL);
        restoredModel = active.get(ModelControl.ACTIVE_KEY);
        lineage = context.getOperatorStateStore().getBroadcastState(ModelControl.MODEL_LINEAGE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the operator snapshots the broadcast state itself; nothing else is kept outside managed state
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        if (restoredModel != null) {
            serving = restore(restoredModel);
            LOG.info("Forecast subtask {}: restored {} from the broadcast state", subtask, serving);
        } else {
            serving = new ServingModel(bundle.load(), bundle.sha256());
            LOG.info("Forecast subtask {}: serving the submitted {}", subtask, serving);
        }
        restoredModel = null;
        // every instance serves the same model from here, so their lineages stay equal
        lineage.put(serving.modelTag, serving.archTag);
        step = new SeriesStep(AnomalyConfig.builder()
                .warmUpEvents(config.warmUpEvents())
                .threshold(config.anomalyThreshold())
                .build(), control.onSwap() == ModelSwapPolicy.KEEP_IF_SAME_ARCHITECTURE);
        lineageView = tag -> {
            Integer arch = lineage.get(tag);
            return arch == null ? 0 : arch;
        };
        expiry = ExpiryGrid.of(config.stateTtl());

        state = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, SeriesStateSerializer.INSTANCE));

        var metrics = getRuntimeContext().getMetricGroup();
        forecastsOut = metrics.counter("forecastsOut");
        anomalies = metrics.counter("anomalies");
        modelSwaps = metrics.counter("modelSwaps");
        modelRefusals = metrics.counter("modelRefusals");
        deadLettered = new DeadLetters.Counters(metrics);
        stepLatency = metrics.histogram("stepLatencyNanos", new DescriptiveStatisticsHistogram(1024));
        keysExpired = metrics.counter("keysExpired");
        keysRestored = Math.max(0, StateKeys.count(getRuntimeContext(), STATE_NAME));
        metrics.gauge("keysInState", this::keysInState);
        expiryLog = new StateExpiry.Log(LOG, subtask, expiry.ttlMillis());
        metrics.<String, org.apache.flink.metrics.Gauge<String>>gauge("activeModelVersion", () -> serving.version);
    }

    private static ServingModel restore(ActiveModel m) throws IOException {
        String sha = ModelArtifactReader.sha256(m.bytes());
        if (!sha.equals(m.update().getSha256())) {
            throw new IOException("the restored model " + m.version() + " has SHA-256 " + sha + ", recorded "
                    + m.update().getSha256() + ": the savepoint's broadcast state is corrupt");
        }
        return new ServingModel(ModelArtifactReader.fromBytes(m.bytes()), sha);
    }

    @Override
    public void processElement(ParsedEvent in, ReadOnlyContext ctx, Collector<ForecastRecord> out) throws Exception {
        ServingModel m = serving;
        Event e = in.getEvent();
        long ts = e.getTimestampMillis();
        SeriesState s = state.value();
        // the expiry timer of the key's previous accepted event is registered (and has not fired, else the state
        // would be gone): kept while the key stays on its grid point, else replaced
        long previousTimer = Long.MIN_VALUE;
        if (s == null) {
            s = step.newState(m);
            keysCreated++;
        } else if (!SeriesStep.accepts(s, ts)) {
            deadLettered.count(DeadLetterReason.OUT_OF_ORDER);
            ctx.output(DeadLetters.TAG, new DeadLetter(JsonCodec.toJson(e), DeadLetterReason.OUT_OF_ORDER,
                    "event time " + ts + " is not after the key's last accepted event time " + s.lastTimestamp,
                    in.getTopic(), in.getPartition(), in.getOffset(), System.currentTimeMillis()));
            return;
        } else {
            previousTimer = expiry.timerFor(s.lastTimestamp);
        }
        boolean sample = (eventsSeen++ & LATENCY_SAMPLE_MASK) == 0;
        long start = sample ? System.nanoTime() : 0L;
        step.step(s, m, ts, e.getValue(), lineageView);
        state.update(s);
        long timer = expiry.timerFor(ts);
        if (timer != previousTimer) {
            // one expiry timer per key: the previous grid point's goes (a key kept one per grid point of the last TTL,
            // up to 9, about 140 bytes a key in a checkpoint)
            if (previousTimer != Long.MIN_VALUE) {
                ctx.timerService().deleteEventTimeTimer(previousTimer);
            }
            ctx.timerService().registerEventTimeTimer(timer);
        }
        if (sample) {
            stepLatency.update(System.nanoTime() - start);
        }

        AnomalyResult result = step.anomaly();
        boolean anomaly = result.isAnomaly();
        if (anomaly) {
            anomalies.inc();
        }
        forecastsOut.inc();
        out.collect(new ForecastRecord(e.getKey(), ts, e.getValue(), step.forecast().clone(), step.lower().clone(),
                step.upper().clone(), result.anomalyScore(), anomaly, result.anomalyLikelihood(),
                result.residualSurprise(), result.profileSurprise(), result.outsideSeenRange(), m.version));
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<ForecastRecord> out) throws Exception {
        ServingModel current = serving;
        if (Objects.equals(update.getVersion(), current.version)) {
            if (Objects.equals(update.getSha256(), current.sha256)) {
                return; // already in service (e.g. the topic read again from the start)
            }
            refuse(ctx, update, new ModelRefusal.RefusedException(ModelRefusal.VERSION_CONFLICT,
                    "version " + update.getVersion() + " is in service with SHA-256 " + current.sha256
                            + "; a published version must not change: publish the new artifact under a new version"));
            return;
        }
        ModelLoader.Loaded loaded;
        ServingModel next;
        try {
            loaded = ModelLoader.load(update, control.maxArtifactBytes());
            next = new ServingModel(loaded.artifact(), ModelArtifactReader.sha256(loaded.bytes()));
        } catch (ModelRefusal.RefusedException refused) {
            refuse(ctx, update, refused);
            return;
        }
        ctx.getBroadcastState(ModelControl.ACTIVE_MODEL).put(ModelControl.ACTIVE_KEY, loaded.toActiveModel());
        ctx.getBroadcastState(ModelControl.MODEL_LINEAGE).put(next.modelTag, next.archTag);
        serving = next;
        modelSwaps.inc();
        LOG.info("Forecast subtask {}: swapped {} for {}", subtask, current, next);
    }

    private void refuse(Context ctx, ModelUpdate update, ModelRefusal.RefusedException refused) {
        modelRefusals.inc();
        LOG.warn("Forecast subtask {}: refused model update {} ({}): {}; {} stays in service", subtask, update,
                refused.reason().code(), refused.getMessage(), serving.version);
        ctx.output(ModelControl.ERRORS, new ModelControlError(update, refused.reason(), refused.getMessage(),
                serving.version, subtask, System.currentTimeMillis()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ForecastRecord> out) throws Exception {
        SeriesState s = state.value();
        if (s == null) {
            return;
        }
        if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
            // deferred at the end of time (below): armed here, outside the watermark's timer loop, it fires only once a
            // restored job's watermark reaches it
            ctx.timerService().registerEventTimeTimer(expiry.timerFor(s.lastTimestamp));
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        switch (StateExpiry.decide(s.lastTimestamp, expiry.ttlMillis(), timestamp, watermark)) {
            case EXPIRE -> {
                cleanUp();
                expiryLog.expired(watermark, keysInState());
            }
            // the key is live: make sure its expiry is armed. Normally a no-op (the timer of its last event is
            // registered); it matters when the state was restored under a different TTL, whose grid points the
            // skipped registrations above would not match.
            case REARM -> ctx.timerService().registerEventTimeTimer(expiry.timerFor(s.lastTimestamp));
            // a Long.MAX_VALUE watermark (bounded input ended, stop --drain) is not the stream's event time: keep the
            // key. Its event-time timer cannot be armed here (it would fire again in this same watermark's loop).
            case DEFER -> {
                ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1);
                expiryLog.deferred();
            }
        }
    }

    /** Clears everything this function keeps for the current key. */
    private void cleanUp() {
        state.clear();
        keysExpired.inc();
    }

    /**
     * The {@code keysInState} gauge: the keys this subtask holds, i.e. those found in its state when it started (after a
     * restore or rescale, the keys of its key groups; counted by {@link StateKeys}) plus the keys it created since,
     * minus the keys it expired since. Never negative.
     */
    long keysInState() {
        return Math.max(0, keysRestored + keysCreated - keysExpired.getCount());
    }

    /** The {@code keysExpired} counter's value (for tests). */
    long keysExpiredCount() {
        return keysExpired.getCount();
    }
}
