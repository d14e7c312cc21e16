package io.streamcast.model.core.series;

import io.streamcast.model.core.HalfFloat;
import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.ProfileCandidate;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyResult;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.feature.OnlineScaler;

import java.util.Objects;

/**
 * The per-key algorithm, free of any stream processor: for each event of a key, (1) score the value against the
 * forecast the key made at its previous event, (2) step the model's cells with the new value and its calendar
 * features, (3) produce the forecast for the next K steps with prediction intervals. For a key whose events are
 * spaced so that a day (or, for daily data, a week) is 2 to {@value HorizonCombination#MAX_PERIOD} events, decided
 * from the gap at its second event ({@link HorizonCombination#detectPeriod}), the forecast served at each horizon is
 * the model's, persistence's and seasonal naive's weighted by their recent errors at that horizon
 * ({@link HorizonCombination}); for any other key it is the model's combined with persistence by the key's one
 * {@link PersistenceBlend} weight (the state of such a key is what layout 4 held). The intervals are those of the
 * served forecast, and so is the anomaly residual (the forecast the key's consumers saw, which is never far worse
 * than the simple baselines whatever the model; {@link AnomalyScorer} adds the key's daily profile).
 *
 * <p>A stream layer (the Flink operator, a SQL function, an evaluation loop) keeps one {@link SeriesState} per key,
 * reads it, calls {@link #step}, writes it back and emits {@link #forecast()}, {@link #lower()}, {@link #upper()} and
 * {@link #anomaly()}. It never looks inside the state.
 *
 * <p>State layout ({@link SeriesState#LAYOUT}): {@code recurrent} is the forecaster's state (LSTM: h then c per
 * layer); {@code stats} holds the anomaly scorer's {@value AnomalyScorer#STATE_SIZE} floats, then the prediction
 * intervals' (which include the pending forecasts of horizons above 1; 9 floats for K = 8), then the combination's
 * {@value PersistenceBlend#STATE_SIZE}, then, for a key with a season, the {@link HorizonCombination}'s block (its
 * ring buffer of the last season's values, error averages and pending forecasts of the candidates; the block's length
 * and its last float give the season), and for a key without one the {@link ProfileCandidate}'s
 * {@value ProfileCandidate#STATE_SIZE} floats (a key without a season whose daily profile has seen every half hour is
 * also served the profile candidate while it leads). None of them keeps an event count: the scaler's count is the key's, and the
 * intervals count from {@link SeriesState#modelSince}; nor the served one-step forecast, which the combination
 * recomputes. State read in an earlier layout is converted by {@link StateLayouts} before anything else touches it.
 *
 * <p>A key whose state was written with another model adopts the model in service ({@link #adopt}): its recurrent
 * state, pending forecasts and combination weight are kept when the swap policy allows it and the architecture is
 * the same; the scaler and anomaly statistics are the series' own and always kept.
 *
 * <p>Not thread-safe: one instance per operator instance (it holds the scorer's scratch result).
 */
public final class SeriesStep {

    /** The architecture of models by tag, as the stream layer records every model it has served. */
    @FunctionalInterface
    public interface Lineage {
        /** The architecture tag of the model with {@code modelTag}; 0 if unknown. */
        int architectureOf(int modelTag) throws Exception;

        /** A lineage that knows no model. */
        Lineage NONE = tag -> 0;
    }

    private final AnomalyScorer scorer;
    private final boolean keepStateOnSwap;
    private final AnomalyResult result = new AnomalyResult();
    private ServingModel last;

    /**
     * @param anomaly         the anomaly scorer's configuration
     * @param keepStateOnSwap whether a key keeps its recurrent state when it adopts a model of the same architecture
     */
    public SeriesStep(AnomalyConfig anomaly, boolean keepStateOnSwap) {
        this.scorer = new AnomalyScorer(Objects.requireNonNull(anomaly, "anomaly"));
        this.keepStateOnSwap = keepStateOnSwap;
    }

    /** A fresh key's state for model {@code m}. */
    public SeriesState newState(ServingModel m) {
        SeriesState s = new SeriesState(new float[m.forecaster.stateSize()], new float[m.statsSize]);
        s.modelTag = m.modelTag;
        initStats(s.stats, m, false);
        return s;
    }

    /** Whether an event at {@code timestamp} is newer than the key's last accepted one (else it changes nothing). */
    public static boolean accepts(SeriesState s, long timestamp) {
        return timestamp > s.lastTimestamp;
    }

    /**
     * Advances the key's state {@code s} in place with the event ({@code timestamp}, {@code value}) under model
     * {@code m} and leaves the results in {@link #forecast()}, {@link #lower()}, {@link #upper()} and
     * {@link #anomaly()} until the next call.
     *
     * @throws IllegalArgumentException if the event is not newer than the key's last one ({@link #accepts})
     */
    public void step(SeriesState s, ServingModel m, long timestamp, double value, Lineage lineage) throws Exception {
        if (!accepts(s, timestamp)) {
            throw new IllegalArgumentException("event time " + timestamp + " is not after the key's last accepted event "
                    + "time " + s.lastTimestamp + ": check accepts() first");
        }
        boolean architectureUnrecorded = false;
        boolean upgraded = s.layout != SeriesState.LAYOUT;
        if (upgraded) {
            architectureUnrecorded = StateLayouts.upgrade(s, m, this);
        }
        if (s.modelTag != m.modelTag) {
            adopt(s, m, lineage, architectureUnrecorded);
        }
        s.archTag = 0; // recorded per key only by earlier layouts; the lineage has the serving model's
        last = m;

        // 0. a key whose season is not decided yet decides it from the gap to its previous event: at its second
        // event, at its first under a model taken up afresh, or at its first after a restore from an earlier layout
        long before = s.scalerCount; // this key's events before this one
        int period = m.combination.periodOf(s.stats, m.blockAt);
        if (period == 0 && before >= 1 && (before == 1 || before == s.modelSince || upgraded)
                && s.stats.length == m.statsSize) {
            period = startSeason(s, m, timestamp - s.lastTimestamp);
        } else if (upgraded && period > 0 && HorizonCombination.ringLength(s.stats) == period) {
            // a key converted from an earlier layout (its block keeps one season) gets a week's ring if the gap to
            // this event says its season is a day
            int ring = HorizonCombination.ringFor(timestamp - s.lastTimestamp, period);
            if (ring != period) {
                s.stats = m.combination.resizeBlock(s.stats, m.blockAt, period, SeriesState.LAYOUT, ring);
            }
        }

        // 1. score the new value against the forecast made at the key's previous event
        OnlineScaler scaler = new OnlineScaler(m.scalerPolicy, s.scalerCount, s.scalerMean, s.scalerM2);
        float[] stats = s.stats;
        float pending = PersistenceBlend.pendingModelForecast(stats, m.blendOffset);
        float servedPending = m.blend.pendingServedForecast(stats, m.blendOffset);
        float lastValue = PersistenceBlend.lastValue(stats, m.blendOffset);
        // a key without a season whose daily profile has seen every half hour: the profile candidate's one-step
        // forecast from the previous event (the profile has not seen this value yet), and the served one with it
        boolean profiled = period == 0 && stats.length == m.statsSize && profileReady(stats, m);
        float basePending = servedPending;
        float profilePending = Float.NaN;
        if (profiled && before >= 1) {
            profilePending = (float) ProfileCandidate.forecast(stats, 0, lastValue, s.lastTimestamp, timestamp);
            servedPending = (float) ProfileCandidate.combine(m.profile.weight(stats, m.blockAt), servedPending,
                    profilePending);
        }
        float seasonBefore = period > 0 ? m.combination.seasonBeforeNext(stats, m.blockAt, period) : Float.NaN;
        // the combination's second candidate's one-step forecast: the week model's where it serves this key, else the
        // last value (persistence's)
        float secondPending = period > 0 ? m.combination.secondPending(stats, m.blockAt, period, lastValue) : lastValue;
        if (period > 0) {
            servedPending = m.combination.pendingServed(stats, m.blockAt, period, servedPending, pending, secondPending);
        }
        // the anomaly evidence is the served forecast's residual: the forecast the key's consumers saw, never worse
        // than the baselines it is combined with, whatever the model
        double unit = scaler.valueStd();
        double residual = Float.isNaN(servedPending) || before == 0 ? Double.NaN : value - servedPending;
        scorer.score(stats, 0, before + 1, timestamp, value, residual, unit, result);
        if (period > 0) {
            m.combination.observe(stats, m.blockAt, period, value, pending, secondPending);
        } else if (profiled) {
            m.profile.observe(stats, m.blockAt, value, basePending, profilePending);
        }
        // the weight's Huber limit from the served one-step forecast's typical error (the intervals' horizon-1 scale)
        m.blend.observe(stats, m.blendOffset, value, m.intervals.oneStepScale(stats, AnomalyScorer.STATE_SIZE) * unit);

        // 2. step the cells with the new value and its calendar features
        scaler.observe(value);
        double scaled = scaler.scale(value);
        // a seasonal model's inputs and base (HeadMode.SEASONAL): the change since a season ago, and seasonal naive
        double seasonalDiff = Float.isNaN(seasonBefore) ? 0.0 : scaled - scaler.scale(seasonBefore);
        m.encoder.encode(scaled, seasonalDiff, timestamp, m.features, 0);
        m.forecaster.step(m.features, s.recurrent, m.modelOut);
        HalfFloat.roundInPlace(s.recurrent); // layout 7 keeps it in half precision: the next event steps from these
        if (m.seasonalHead && period > 0 && m.combination.seasonalNaive(stats, m.blockAt, period, m.forecast)) {
            for (int j = 0; j < m.horizon; j++) { // the forecaster added the scaled value; the base is seasonal naive
                m.modelOut[j] += (float) (scaler.scale(m.forecast[j]) - scaled);
            }
        }

        // 3. the forecast for the next K steps, in value units, combined with the baselines, with intervals
        float[] forecast = m.forecast;
        for (int j = 0; j < m.horizon; j++) {
            forecast[j] = (float) scaler.unscale(m.modelOut[j]);
        }
        System.arraycopy(forecast, 0, m.modelForecast, 0, m.horizon); // the network's own, for modelForecast()
        m.blend.blend(stats, m.blendOffset, forecast, m.horizon);
        if (period > 0) {
            m.combination.combine(stats, m.blockAt, period, m.modelForecast,
                    PersistenceBlend.lastValue(stats, m.blendOffset), forecast);
        } else if (profiled && before >= 1) {
            // the key's latest gap steps the targets' times (a profile that became whole at this event has no
            // candidate errors yet, so its weight is 0 until the next)
            m.profile.serve(stats, m.blockAt, stats, 0, PersistenceBlend.lastValue(stats, m.blendOffset), timestamp,
                    timestamp - s.lastTimestamp, forecast, m.horizon);
        }
        unit = scaler.valueStd();
        long sinceModel = before - s.modelSince;
        m.intervals.observe(stats, AnomalyScorer.STATE_SIZE, sinceModel, value, unit, servedPending, forecast);
        m.intervals.bounds(stats, AnomalyScorer.STATE_SIZE, sinceModel, forecast, unit, m.lower, m.upper);

        s.scalerCount = scaler.count();
        s.scalerMean = scaler.mean();
        s.scalerM2 = scaler.m2();
        s.lastTimestamp = timestamp;
        s.weekAt = HorizonCombination.weekBlockAt(stats, m.blockAt, period); // the season decided at step 0
    }

    /**
     * Whether the key's daily profile has seen every half hour, so that its profile candidate takes part: known at once
     * from the candidate's error averages once they have started (they start only then, and the profile never loses a
     * slot but with them), else by looking at the profile's slots.
     */
    private static boolean profileReady(float[] stats, ServingModel m) {
        return !Float.isNaN(stats[m.blockAt]) || AnomalyScorer.profileComplete(stats, 0);
    }

    /**
     * Gives the key a season if the gap between its events says it has one ({@link HorizonCombination#detectPeriod}):
     * appends the combination's block to its statistics.
     *
     * @return the season, 0 if none
     */
    private static int startSeason(SeriesState s, ServingModel m, long gapMillis) {
        int period = HorizonCombination.detectPeriod(gapMillis);
        if (period == 0) {
            return 0;
        }
        int ring = HorizonCombination.ringFor(gapMillis, period);
        float[] stats = java.util.Arrays.copyOf(s.stats, m.blockAt + m.combination.blockSize(period, ring));
        m.combination.init(stats, m.blockAt, period, ring);
        s.stats = stats;
        return period;
    }

    /** The season of the key's state {@code s} under model {@code m} (0: none), as the length of its state says. */
    public static int periodOf(SeriesState s, ServingModel m) {
        return m.combination.periodOf(s.stats, m.blockAt);
    }

    /** The forecast of the last {@link #step}, horizons 1..K (the serving model's buffer: copy to keep it). */
    public float[] forecast() {
        return last.forecast;
    }

    /**
     * The network's own forecast of the last {@link #step}, horizons 1..K, in value units: the model's output (on its
     * seasonal base for a seasonal head), before the combination with the baselines (the serving model's buffer: copy
     * to keep it).
     */
    public float[] modelForecast() {
        return last.modelForecast;
    }

    /** The lower bounds of the last {@link #step}'s prediction intervals (the model's buffer: copy to keep it). */
    public float[] lower() {
        return last.lower;
    }

    /** The upper bounds of the last {@link #step}'s prediction intervals (the model's buffer: copy to keep it). */
    public float[] upper() {
        return last.upper;
    }

    /** The anomaly score, likelihood and decision of the last {@link #step} (overwritten by the next). */
    public AnomalyResult anomaly() {
        return result;
    }

    /**
     * The key's state {@code s} was written with another model: it takes up {@code m}. The architecture of the key's
     * model is the one {@code lineage} records for its tag (layouts 2 and 3 recorded it per key). When neither knows
     * it, state of layout version 1 (which never recorded it; {@code architectureUnrecorded}) is kept if its sizes
     * are the same, as that release did; any other state (its model missing from the lineage, e.g. a savepoint
     * restored without its broadcast state) starts afresh, since a model of the same sizes may be another
     * architecture.
     */
    public void adopt(SeriesState s, ServingModel m, Lineage lineage, boolean architectureUnrecorded) throws Exception {
        int period = m.combination.periodOf(s.stats, m.blockAt);
        boolean sameShape = s.recurrent.length == m.forecaster.stateSize()
                && (s.stats.length == m.statsSize || period > 0);
        int arch = s.archTag != 0 ? s.archTag : lineage.architectureOf(s.modelTag);
        boolean sameArchitecture = arch != 0 ? arch == m.archTag : architectureUnrecorded;
        boolean keep = keepStateOnSwap && sameShape && sameArchitecture;
        s.modelTag = m.modelTag;
        if (keep) {
            return;
        }
        s.recurrent = new float[m.forecaster.stateSize()];
        s.modelSince = s.scalerCount;
        if (s.stats.length != m.statsSize && period == 0) {
            // another model's statistics: the scorer's carry over; a season is decided again at this event
            float[] stats = new float[m.statsSize];
            if (s.stats.length >= AnomalyScorer.STATE_SIZE) {
                System.arraycopy(s.stats, 0, stats, 0, AnomalyScorer.STATE_SIZE);
            } else {
                scorer.init(stats, 0);
            }
            initStats(stats, m, true);
            s.stats = stats;
        } else {
            m.blend.resetWeight(s.stats, m.blendOffset);
            m.intervals.init(s.stats, AnomalyScorer.STATE_SIZE);
            if (period > 0) {
                m.combination.resetErrors(s.stats, m.blockAt, period);
            } else {
                m.profile.init(s.stats, m.blockAt); // its errors compare against the forecast of the model left
            }
        }
    }

    /** Initialises the model's part of {@code stats} (and the scorer's, unless {@code keepScorer}). */
    void initStats(float[] stats, ServingModel m, boolean keepScorer) {
        if (!keepScorer) {
            scorer.init(stats, 0);
        }
        m.intervals.init(stats, AnomalyScorer.STATE_SIZE);
        m.blend.init(stats, m.blendOffset);
        if (stats.length == m.statsSize) {
            m.profile.init(stats, m.blockAt);
        }
    }
}
