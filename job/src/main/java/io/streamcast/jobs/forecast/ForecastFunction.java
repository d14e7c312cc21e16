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
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.feature.OnlineScaler;
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
 * The per-key heart of the job: for each event of a key, (1) score the value against the forecast the
 * key made at its previous event, (2) step the model's cells with the new value and its calendar
 * features, (3) emit the forecast for the next K steps with prediction intervals. The forecast served is
 * the model's combined with persistence by the key's own {@link PersistenceBlend} weight, so that a key the
 * model forecasts worse than "no change" is served about "no change". The intervals are those of the served
 * forecast; the anomaly residual is the model's own one-step error (the model's surprise, which the
 * combination would blur).
 *
 * <p>State per key is one {@link SeriesState} ({@code series-state}, explicit serializer). Its
 * {@code stats} array holds the anomaly scorer's {@value AnomalyScorer#STATE_SIZE} floats followed by the
 * prediction intervals' floats (which include the pending forecasts of horizons above 1; 9 for K = 8), then the
 * {@link PersistenceBlend}'s {@value PersistenceBlend#STATE_SIZE}. None of them keeps an event count: the
 * scaler's count is the key's, and the intervals count from {@link SeriesState#modelSince}; nor the served
 * one-step forecast, which the combination recomputes. State restored from an earlier layout (with those
 * counts, or with intervals of every horizon) is converted at the key's next event without losing what it
 * learnt.
 *
 * <p>Model hot-swap: the second (broadcast) input carries {@link ModelUpdate}s from the models topic. Every
 * parallel instance loads and checks the artifact ({@link ModelLoader}: SHA-256, the reader's checksum and
 * shapes, version) and, if it passes, puts it in service with one reference swap and records it in the
 * broadcast state {@value ModelControl#STATE_NAME} (with the artifact's bytes, so a restore brings the same
 * model back even if the file is gone). A refused update leaves the model in service and emits a
 * {@link ModelControlError} on {@link ModelControl#ERRORS}. Without a restored broadcast state the model is
 * the {@link ModelBundle} shipped in the job graph. A key whose state was written by another model adopts
 * the one in service at its next event, as {@link ModelSwapPolicy} says; whether the two models share an
 * architecture is looked up in the broadcast state {@value ModelControl#LINEAGE_STATE_NAME} (every model served,
 * by tag), so key state need not record it.
 *
 * <p>An event not newer than its key's last one is sent to the dead-letter output as
 * {@code out-of-order} and changes nothing. A key with no events for the state TTL (in event time) is
 * cleared by a timer. Timers are coalesced to a grid of TTL/8 so a busy key holds few of them. The event time is the
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
    private transient AnomalyScorer scorer;
    private transient AnomalyResult result;
    private transient long ttlMillis;
    private transient long timerGrid;
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
        scorer = new AnomalyScorer(AnomalyConfig.builder()
                .warmUpEvents(config.warmUpEvents())
                .threshold(config.anomalyThreshold())
                .build());
        result = new AnomalyResult();
        ttlMillis = config.stateTtl().toMillis();
        timerGrid = Math.max(1, ttlMillis / 8);

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
        expiryLog = new StateExpiry.Log(LOG, subtask, ttlMillis);
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
        double value = e.getValue();
        SeriesState s = state.value();
        // the expiry timer of the key's previous accepted event is registered (and has not fired, else the state
        // would be gone); registering the same grid point again costs a hash lookup in the timer queue and changes nothing
        long previousTimer = Long.MIN_VALUE;
        boolean architectureUnrecorded = false;
        if (s == null) {
            s = newState(m);
            keysCreated++;
        } else if (ts <= s.lastTimestamp) {
            deadLettered.count(DeadLetterReason.OUT_OF_ORDER);
            ctx.output(DeadLetters.TAG, new DeadLetter(JsonCodec.toJson(e), DeadLetterReason.OUT_OF_ORDER,
                    "event time " + ts + " is not after the key's last accepted event time " + s.lastTimestamp,
                    in.getTopic(), in.getPartition(), in.getOffset(), System.currentTimeMillis()));
            return;
        } else if (s.statsLayout != SeriesState.STATS_CURRENT) {
            architectureUnrecorded = s.archTag == 0; // layout version 1 did not record it
            upgradeStats(s, m);
        }
        if (s.modelTag != m.modelTag) {
            adoptModel(s, m, ctx, architectureUnrecorded);
        }
        s.archTag = 0; // recorded per key only by earlier layouts; the lineage has the serving model's
        if (s.lastTimestamp != Long.MIN_VALUE) {
            previousTimer = expiryTimer(s.lastTimestamp);
        }
        boolean sample = (eventsSeen++ & LATENCY_SAMPLE_MASK) == 0;
        long start = sample ? System.nanoTime() : 0L;

        // 1. score the new value against the forecast made at the key's previous event
        OnlineScaler scaler = new OnlineScaler(m.scalerPolicy, s.scalerCount, s.scalerMean, s.scalerM2);
        long before = scaler.count(); // this key's events before this one
        float pending = PersistenceBlend.pendingModelForecast(s.stats, m.blendOffset);
        double residual = Float.isNaN(pending) || before == 0 ? Double.NaN : (value - pending) / scaler.std();
        scorer.score(s.stats, 0, before + 1, value, residual, result);
        float servedPending = m.blend.pendingServedForecast(s.stats, m.blendOffset);
        m.blend.observe(s.stats, m.blendOffset, value);

        // 2. step the cells with the new value and its calendar features
        scaler.observe(value);
        m.encoder.encode(scaler.scale(value), ts, m.features);
        m.forecaster.step(m.features, s.recurrent, m.modelOut);

        // 3. the forecast for the next K steps, in value units, combined with persistence, with intervals
        float[] forecast = m.forecast;
        for (int j = 0; j < m.horizon; j++) {
            forecast[j] = (float) scaler.unscale(m.modelOut[j]);
        }
        m.blend.blend(s.stats, m.blendOffset, forecast, m.horizon);
        double unit = scaler.std();
        long sinceModel = before - s.modelSince;
        m.intervals.observe(s.stats, AnomalyScorer.STATE_SIZE, sinceModel, value, unit, servedPending, forecast);
        m.intervals.bounds(s.stats, AnomalyScorer.STATE_SIZE, sinceModel, forecast, unit, m.lower, m.upper);

        s.scalerCount = scaler.count();
        s.scalerMean = scaler.mean();
        s.scalerM2 = scaler.m2();
        s.lastTimestamp = ts;
        state.update(s);
        long timer = expiryTimer(ts);
        if (timer != previousTimer) {
            ctx.timerService().registerEventTimeTimer(timer);
        }
        if (sample) {
            stepLatency.update(System.nanoTime() - start);
        }

        boolean anomaly = result.isAnomaly();
        if (anomaly) {
            anomalies.inc();
        }
        forecastsOut.inc();
        out.collect(new ForecastRecord(e.getKey(), ts, value, forecast.clone(), m.lower.clone(), m.upper.clone(),
                result.anomalyScore(), result.anomalyLikelihood(), result.detectionScore(), anomaly, m.version));
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
            ctx.timerService().registerEventTimeTimer(expiryTimer(s.lastTimestamp));
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        switch (StateExpiry.decide(s.lastTimestamp, ttlMillis, timestamp, watermark)) {
            case EXPIRE -> {
                cleanUp();
                expiryLog.expired(watermark, keysInState());
            }
            // the key is live: make sure its expiry is armed. Normally a no-op (the timer of its last event is
            // registered); it matters when the state was restored under a different TTL, whose grid points the
            // skipped registrations above would not match.
            case REARM -> ctx.timerService().registerEventTimeTimer(expiryTimer(s.lastTimestamp));
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

    /** The first grid point at or after the key's expiry time, so a key's events share few timers. */
    private long expiryTimer(long ts) {
        long expiry = ts + ttlMillis;
        long rem = Math.floorMod(expiry, timerGrid);
        return rem == 0 ? expiry : expiry - rem + timerGrid;
    }

    private SeriesState newState(ServingModel m) {
        SeriesState s = new SeriesState(new float[m.forecaster.stateSize()], new float[m.statsSize]);
        s.modelTag = m.modelTag;
        scorer.init(s.stats, 0);
        m.intervals.init(s.stats, AnomalyScorer.STATE_SIZE);
        m.blend.init(s.stats, m.blendOffset);
        return s;
    }

    /**
     * The key's state was restored from an earlier stats layout: convert it to this release's. Layout version 3
     * kept the scorer's event count (the scaler's count, which it always equalled), the intervals' event counter
     * (now {@code scalerCount - modelSince}) and the served one-step forecast (which the combination recomputes bit
     * for bit), so nothing is lost. Layout versions 1 and 2 tracked every horizon's intervals; their tracked
     * horizons' statistics are carried over. State written for another horizon (its size says so) keeps its
     * anomaly statistics and starts the rest afresh; its architecture is then known to differ from the serving
     * model's, so {@link #adoptModel} starts its recurrent state afresh too.
     */
    private void upgradeStats(SeriesState s, ServingModel m) {
        float[] old = s.stats;
        int counted = AnomalyScorer.COUNTED_STATE_SIZE;
        float[] stats;
        if (s.statsLayout == SeriesState.STATS_COUNTED
                && old.length == counted + PredictionIntervals.countedStateSize(m.horizon) + PersistenceBlend.STATE_SIZE) {
            stats = new float[m.statsSize];
            AnomalyScorer.migrateFromCounted(old, 0, stats, 0);
            m.intervals.migrateFromCounted(old, counted, stats, AnomalyScorer.STATE_SIZE);
            System.arraycopy(old, old.length - PersistenceBlend.STATE_SIZE, stats, m.blendOffset, PersistenceBlend.STATE_SIZE);
            s.modelSince = sinceCounter(s, PredictionIntervals.countedCounter(old, counted));
        } else if (s.statsLayout == SeriesState.STATS_EVERY_HORIZON
                && old.length == counted + PredictionIntervals.perHorizonStateSize(m.horizon)) {
            stats = new float[m.statsSize];
            AnomalyScorer.migrateFromCounted(old, 0, stats, 0);
            m.intervals.migrateFromPerHorizon(old, counted, stats, AnomalyScorer.STATE_SIZE);
            // that release served the model alone, and the horizon-1 slot of its intervals holds the model's forecast
            m.blend.initServingModel(stats, m.blendOffset, PredictionIntervals.perHorizonPendingOneStep(old, counted));
            s.modelSince = sinceCounter(s, PredictionIntervals.perHorizonCounter(old, counted));
        } else {
            stats = freshStats(old, true, m);
            s.modelSince = s.scalerCount;
            if (s.archTag == 0) {
                s.archTag = ServingModel.OTHER_ARCHITECTURE;
            }
        }
        s.stats = stats;
        s.statsLayout = SeriesState.STATS_CURRENT;
    }

    /** {@code modelSince} for an earlier layout's interval counter (which never exceeds the key's event count). */
    private static long sinceCounter(SeriesState s, long counter) {
        return s.scalerCount - Math.min(Math.max(counter, 0), s.scalerCount);
    }

    /**
     * Stats for model {@code m}: the anomaly scorer's carried over from {@code old} when it holds them (in the earlier
     * layout with the event count first if {@code counted}), the rest new.
     */
    private float[] freshStats(float[] old, boolean counted, ServingModel m) {
        float[] stats = new float[m.statsSize];
        if (counted && old.length >= AnomalyScorer.COUNTED_STATE_SIZE) {
            AnomalyScorer.migrateFromCounted(old, 0, stats, 0);
        } else if (!counted && old.length >= AnomalyScorer.STATE_SIZE) {
            System.arraycopy(old, 0, stats, 0, AnomalyScorer.STATE_SIZE);
        } else {
            scorer.init(stats, 0);
        }
        m.intervals.init(stats, AnomalyScorer.STATE_SIZE);
        m.blend.init(stats, m.blendOffset);
        return stats;
    }

    /**
     * The key's state was written with another model. Its recurrent state, pending forecasts and combination weight
     * are kept when the policy allows it and the architecture is the same; otherwise they start afresh. The
     * architecture of the key's model is the one the model lineage records for its tag (layouts 2 and 3 recorded it
     * per key). When neither knows it, state of layout version 1 (which never recorded it) is kept if its sizes are
     * the same, as that release did; any other state (its model missing from the lineage, e.g. a savepoint restored
     * without its broadcast state) starts afresh, since a model of the same sizes may be another architecture. The
     * scaler and anomaly statistics are the series' own and always kept.
     */
    private void adoptModel(SeriesState s, ServingModel m, ReadOnlyContext ctx, boolean architectureUnrecorded)
            throws Exception {
        boolean sameShape = s.recurrent.length == m.forecaster.stateSize() && s.stats.length == m.statsSize;
        int arch = s.archTag != 0 ? s.archTag : architectureOf(s.modelTag, ctx);
        boolean sameArchitecture = arch != 0 ? arch == m.archTag : architectureUnrecorded;
        boolean keep = control.onSwap() == ModelSwapPolicy.KEEP_IF_SAME_ARCHITECTURE && sameShape && sameArchitecture;
        s.modelTag = m.modelTag;
        if (keep) {
            return;
        }
        s.recurrent = new float[m.forecaster.stateSize()];
        s.modelSince = s.scalerCount;
        if (s.stats.length != m.statsSize) {
            s.stats = freshStats(s.stats, false, m);
        } else {
            m.blend.resetWeight(s.stats, m.blendOffset);
            m.intervals.init(s.stats, AnomalyScorer.STATE_SIZE);
        }
    }

    /**
     * The architecture tag of the model with {@code modelTag}, from the lineage of models this operator has served;
     * 0 (unknown) if it is not there.
     */
    private static int architectureOf(int modelTag, ReadOnlyContext ctx) throws Exception {
        Integer arch = ctx.getBroadcastState(ModelControl.MODEL_LINEAGE).get(modelTag);
        return arch == null ? 0 : arch;
    }
}
