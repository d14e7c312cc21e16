package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyResult;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.anomaly.IntervalConfig;
import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Objects;

/**
 * The per-key heart of the job: for each event of a key, (1) score the value against the forecast the
 * key made at its previous event, (2) step the model's cells with the new value and its calendar
 * features, (3) emit the forecast for the next K steps with prediction intervals.
 *
 * <p>State per key is one {@link SeriesState} ({@code series-state}, explicit serializer). Its
 * {@code stats} array holds the anomaly scorer's {@value AnomalyScorer#STATE_SIZE} floats followed by the
 * prediction intervals' {@code 2K + 3} floats (which include the pending forecasts).
 *
 * <p>An event not newer than its key's last one is sent to the dead-letter output as
 * {@code out-of-order} and changes nothing. A key with no events for the state TTL (in event time) is
 * cleared by a timer. Timers are coalesced to a grid of TTL/8 so a busy key holds few of them.
 *
 * <p>Metrics (operator scope): {@code forecastsOut}, {@code anomalies}, {@code deadLettered.<reason>},
 * {@code stepLatencyNanos} (histogram, every 64th event), {@code keysInState} (keys created minus keys
 * expired by this subtask since it started).
 */
public final class ForecastFunction extends KeyedProcessFunction<String, ParsedEvent, ForecastRecord> {

    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "series-state";
    private static final int LATENCY_SAMPLE_MASK = 63;

    private final ModelBundle bundle;
    private final ForecastJobConfig config;

    private transient ValueState<SeriesState> state;
    private transient Forecaster forecaster;
    private transient FeatureEncoder encoder;
    private transient ScalerPolicy scalerPolicy;
    private transient AnomalyScorer scorer;
    private transient PredictionIntervals intervals;
    private transient AnomalyResult result;
    private transient String modelVersion;
    private transient int modelTag;
    private transient int horizon;
    private transient int statsSize;
    private transient long ttlMillis;
    private transient long timerGrid;
    private transient float[] features;
    private transient float[] modelOut;
    private transient float[] forecast;
    private transient float[] lower;
    private transient float[] upper;

    private transient Counter forecastsOut;
    private transient Counter anomalies;
    private transient DeadLetters.Counters deadLettered;
    private transient Histogram stepLatency;
    private transient long keysCreated;
    private transient long keysExpired;
    private transient long eventsSeen;

    public ForecastFunction(ModelBundle bundle, ForecastJobConfig config) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ModelArtifact artifact = bundle.load();
        ForecastModel model = artifact.model();
        forecaster = model.newForecaster();
        encoder = new FeatureEncoder(model.features());
        scalerPolicy = artifact.scaler();
        modelVersion = artifact.modelVersion();
        modelTag = modelVersion.hashCode();
        horizon = model.horizon();
        scorer = new AnomalyScorer(AnomalyConfig.builder()
                .warmUpEvents(config.warmUpEvents())
                .threshold(config.anomalyThreshold())
                .build());
        intervals = new PredictionIntervals(IntervalConfig.builder().horizon(horizon).build());
        statsSize = AnomalyScorer.STATE_SIZE + intervals.stateSize();
        result = new AnomalyResult();
        ttlMillis = config.stateTtl().toMillis();
        timerGrid = Math.max(1, ttlMillis / 8);
        features = new float[model.inputSize()];
        modelOut = new float[horizon];
        forecast = new float[horizon];
        lower = new float[horizon];
        upper = new float[horizon];

        state = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, SeriesStateSerializer.INSTANCE));

        var metrics = getRuntimeContext().getMetricGroup();
        forecastsOut = metrics.counter("forecastsOut");
        anomalies = metrics.counter("anomalies");
        deadLettered = new DeadLetters.Counters(metrics);
        stepLatency = metrics.histogram("stepLatencyNanos", new DescriptiveStatisticsHistogram(1024));
        metrics.gauge("keysInState", () -> keysCreated - keysExpired);
    }

    @Override
    public void processElement(ParsedEvent in, Context ctx, Collector<ForecastRecord> out) throws Exception {
        Event e = in.getEvent();
        long ts = e.getTimestampMillis();
        double value = e.getValue();
        SeriesState s = state.value();
        if (s == null) {
            s = newState();
            keysCreated++;
        } else if (ts <= s.lastTimestamp) {
            deadLettered.count(DeadLetterReason.OUT_OF_ORDER);
            ctx.output(DeadLetters.TAG, new DeadLetter(JsonCodec.toJson(e), DeadLetterReason.OUT_OF_ORDER,
                    "event time " + ts + " is not after the key's last accepted event time " + s.lastTimestamp,
                    in.getTopic(), in.getPartition(), in.getOffset(), System.currentTimeMillis()));
            return;
        } else if (s.modelTag != modelTag) {
            adoptModel(s);
        }
        boolean sample = (eventsSeen++ & LATENCY_SAMPLE_MASK) == 0;
        long start = sample ? System.nanoTime() : 0L;

        // 1. score the new value against the forecast made at the key's previous event
        OnlineScaler scaler = new OnlineScaler(scalerPolicy, s.scalerCount, s.scalerMean, s.scalerM2);
        float pending = PredictionIntervals.pendingOneStepForecast(s.stats, AnomalyScorer.STATE_SIZE);
        double residual = Float.isNaN(pending) || scaler.count() == 0 ? Double.NaN : (value - pending) / scaler.std();
        scorer.score(s.stats, 0, value, residual, result);

        // 2. step the cells with the new value and its calendar features
        scaler.observe(value);
        encoder.encode(scaler.scale(value), ts, features);
        forecaster.step(features, s.recurrent, modelOut);

        // 3. the forecast for the next K steps, in value units, with intervals
        for (int j = 0; j < horizon; j++) {
            forecast[j] = (float) scaler.unscale(modelOut[j]);
        }
        double unit = scaler.std();
        intervals.observe(s.stats, AnomalyScorer.STATE_SIZE, value, unit, forecast);
        intervals.bounds(s.stats, AnomalyScorer.STATE_SIZE, forecast, unit, lower, upper);

        s.scalerCount = scaler.count();
        s.scalerMean = scaler.mean();
        s.scalerM2 = scaler.m2();
        s.lastTimestamp = ts;
        state.update(s);
        ctx.timerService().registerEventTimeTimer(expiryTimer(ts));
        if (sample) {
            stepLatency.update(System.nanoTime() - start);
        }

        boolean anomaly = result.isAnomaly();
        if (anomaly) {
            anomalies.inc();
        }
        forecastsOut.inc();
        out.collect(new ForecastRecord(e.getKey(), ts, value, toDoubles(forecast), toDoubles(lower), toDoubles(upper),
                result.anomalyScore(), result.anomalyLikelihood(), anomaly, modelVersion));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ForecastRecord> out) throws Exception {
        SeriesState s = state.value();
        if (s != null && s.lastTimestamp + ttlMillis <= timestamp) {
            cleanUp();
        }
    }

    /** Clears everything this function keeps for the current key. */
    private void cleanUp() {
        state.clear();
        keysExpired++;
    }

    /** The first grid point at or after the key's expiry time, so a key's events share few timers. */
    private long expiryTimer(long ts) {
        long expiry = ts + ttlMillis;
        long rem = Math.floorMod(expiry, timerGrid);
        return rem == 0 ? expiry : expiry - rem + timerGrid;
    }

    private SeriesState newState() {
        SeriesState s = new SeriesState(new float[forecaster.stateSize()], new float[statsSize]);
        s.modelTag = modelTag;
        scorer.init(s.stats, 0);
        intervals.init(s.stats, AnomalyScorer.STATE_SIZE);
        return s;
    }

    /**
     * The key's state was written with another model. With the same state shape it is kept (the new model
     * continues from it); otherwise the recurrent state and pending forecasts start afresh.
     */
    private void adoptModel(SeriesState s) {
        s.modelTag = modelTag;
        if (s.recurrent.length == forecaster.stateSize() && s.stats.length == statsSize) {
            return;
        }
        s.recurrent = new float[forecaster.stateSize()];
        if (s.stats.length != statsSize) {
            s.stats = new float[statsSize];
            scorer.init(s.stats, 0);
        }
        intervals.init(s.stats, AnomalyScorer.STATE_SIZE);
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
