package io.streamcast.model.core.series;

import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.StateRegions;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.feature.OnlineScaler;

/**
 * The one place that knows the state layouts of earlier releases and converts a key's state from them to this
 * release's ({@link SeriesState#LAYOUT}). {@link SeriesStep} calls {@link #upgrade} before anything else reads a key's
 * state; the math classes (scorer, intervals, combination) and the stream layers only ever see the current layout.
 * The serializer of the stream layer reads each record's own fields and tags the state with the layout version it
 * was read in; only the {@code stats} array needs converting, and that needs the serving model (its horizon).
 *
 * <p>Earlier layouts of {@code stats}:
 * <ul>
 *   <li>version 9: the same, but a key without a season has no {@link io.streamcast.model.core.ProfileCandidate}
 *       floats after the blend's; the conversion appends them, no errors observed yet (every earlier layout is
 *       converted to version 9's statistics and then so).
 *   <li>version 8: the same, but for a week's ring in the combination's block: all floats, without the codes' origin
 *       and exponent. The conversion adds those and rounds the ring's older days to their codes
 *       ({@link io.streamcast.model.core.HorizonCombination#resizeBlock}); the rest carries over unchanged.
 *   <li>version 7: as version 8, but for the combination's block of a key with a season: three candidates and a ring of
 *       one season ({@link io.streamcast.model.core.HorizonCombination#blockSizeBeforeWeekly}). The conversion keeps
 *       what the block learnt and its season's values ({@link io.streamcast.model.core.HorizonCombination#resizeBlock});
 *       the ring grows to a week at the key's next event if its season is a day ({@link SeriesStep}). Every earlier
 *       layout with a block is converted to version 7's and then so (to this release's block directly).
 *   <li>version 6: the anomaly scorer's daily profile as {@value AnomalyScorer#PROFILE_SLOTS} float means
 *       ({@value AnomalyScorer#LAYOUT_6_STATE_SIZE} scorer floats), the rest as in version 7. The conversion rounds
 *       the means to the profile's codes ({@link AnomalyScorer#profileFromLayout6}); the recurrent state, floats in
 *       version 6, is rounded to half precision by the key's next step like every state it writes. The versions
 *       below are converted straight to this layout; what they are said to become in version 6 is then converted
 *       as here (their profile starts afresh, so there is nothing to round).
 *   <li>version 5: the anomaly scorer's first {@value AnomalyScorer#LAYOUT_5_STATE_SIZE} floats only, the rest as
 *       in version 6. The conversion inserts the daily-profile detector, started afresh (the key learns its profile
 *       from its next events, and its profile evidence counts once its slots have been seen), and closes any
 *       anomaly episode (version 5 counted events since the last red value instead). In every earlier layout the
 *       residual detector's centre and scale are in units of the key's value scale; they are converted to value
 *       units with the scale at the conversion.
 *   <li>version 4: the same as version 5 for a key without a season; version 5 appends the
 *       {@link io.streamcast.model.core.HorizonCombination} block for a key with one. A key converted from version 4
 *       decides its season at its next event, from the gap to its previous one, and starts the block then.
 *   <li>version 3: the scorer's event count, then its {@value AnomalyScorer#STATE_SIZE} floats; the intervals of the
 *       tracked horizons with an event counter first and a horizon-1 slot holding the served one-step forecast
 *       ({@link #countedIntervalsSize}); then the combination. Nothing is lost: the counts become
 *       {@link SeriesState#modelSince}, the one-step forecast is what the combination recomputes.
 *   <li>versions 1 and 2: the scorer with its event count, then the intervals of every horizon 1..K: counter, the
 *       two pooled quantiles, K pending forecasts, K scales ({@link #perHorizonIntervalsSize}); no combination (that
 *       release served the model alone, so the combination starts from the model's pending one-step forecast).
 * </ul>
 * State of another horizon (its size says so) keeps its anomaly statistics and starts the rest afresh; its
 * architecture is then known to differ from the serving model's, so {@link SeriesStep#adopt} starts its recurrent
 * state afresh too.
 */
public final class StateLayouts {

    /** Floats of the anomaly scorer's state in layouts 1 to 3: its event count, then today's floats. */
    public static final int COUNTED_SCORER_SIZE = AnomalyScorer.LAYOUT_5_STATE_SIZE + 1;
    /** Floats the anomaly scorer's state grew by since layout 5 (the daily profile of layouts 6 and 7). */
    private static final int PROFILE_GROWTH = AnomalyScorer.STATE_SIZE - AnomalyScorer.LAYOUT_5_STATE_SIZE;
    /** Floats the anomaly scorer's state grew by in layout 7 (the profile codes' origin and step). */
    private static final int LAYOUT_6_GROWTH = AnomalyScorer.STATE_SIZE - AnomalyScorer.LAYOUT_6_STATE_SIZE;

    private static final int PER_HORIZON_COUNTER = 0;
    private static final int PER_HORIZON_Q_LOWER = 1;
    private static final int PER_HORIZON_Q_UPPER = 2;
    private static final int PER_HORIZON_SLOTS = 3;

    private StateLayouts() {}

    /**
     * Converts {@code s}, read in an earlier layout, to {@link SeriesState#LAYOUT} for model {@code m}.
     *
     * @return whether the key's architecture was not recorded (layout version 1), which {@link SeriesStep#adopt}
     *         needs to decide whether a same-sized key keeps its recurrent state
     */
    static boolean upgrade(SeriesState s, ServingModel m, SeriesStep step) {
        boolean architectureUnrecorded = s.layout == SeriesState.LAYOUT_9 ? fromLayout9(s, m, step) : toLayout9(s, m, step);
        if (s.stats.length == m.blockAt) {
            // a key without a season: the daily-profile candidate's floats, no errors observed yet
            float[] stats = java.util.Arrays.copyOf(s.stats, m.statsSize);
            m.profile.init(stats, m.blockAt);
            s.stats = stats;
        }
        s.layout = SeriesState.LAYOUT;
        return architectureUnrecorded;
    }

    /**
     * Layout 9's statistics are this layout's but for a key without a season, which has no daily-profile candidate
     * ({@link #upgrade} adds it). Statistics of another model's shape start afresh but for the scorer's, which is
     * this layout's.
     */
    private static boolean fromLayout9(SeriesState s, ServingModel m, SeriesStep step) {
        float[] old = s.stats;
        if (old.length == m.blockAt || m.combination.periodOf(old, m.blockAt) > 0) {
            return false;
        }
        float[] stats = new float[m.statsSize];
        if (old.length >= AnomalyScorer.STATE_SIZE) {
            System.arraycopy(old, 0, stats, 0, AnomalyScorer.STATE_SIZE);
            step.initStats(stats, m, true);
        } else {
            step.initStats(stats, m, false);
        }
        s.stats = stats;
        s.modelSince = s.scalerCount;
        return false;
    }

    /**
     * Converts {@code s}, read in a layout before 9, to layout 9's statistics for model {@code m} (its statistics
     * without a season {@link ServingModel#blockAt} floats long).
     */
    private static boolean toLayout9(SeriesState s, ServingModel m, SeriesStep step) {
        boolean architectureUnrecorded = s.archTag == 0; // layout version 1 did not record it
        byte from = s.layout;
        float[] old = s.stats;
        int counted = COUNTED_SCORER_SIZE;
        float[] stats;
        if (s.layout == SeriesState.LAYOUT_8 && old.length >= m.blockAt
                && (old.length == m.blockAt || m.combination.periodOfLayout8(old, m.blockAt) > 0)) {
            // the same statistics; a week's ring gets its codes' origin and exponent, its older days rounded to them
            int period = m.combination.periodOfLayout8(old, m.blockAt);
            s.stats = period == 0 ? old : m.combination.resizeBlock(old, m.blockAt, period, SeriesState.LAYOUT_8,
                    HorizonCombination.ringLength(old));
            s.layout = SeriesState.LAYOUT;
            return false;
        }
        if (s.layout == SeriesState.LAYOUT_7 && old.length >= m.blockAt
                && (old.length == m.blockAt || m.combination.periodBeforeWeekly(old, m.blockAt) > 0)) {
            s.stats = weeklyBlock(old, m);
            s.layout = SeriesState.LAYOUT;
            return false;
        }
        if (s.layout == SeriesState.LAYOUT_6 && fromLayout6Fits(old, m)) {
            // the same statistics with the daily profile's means as codes; the recurrent state is rounded to half
            // precision by the step (the one this key takes now starts from the layout 6 floats)
            s.stats = weeklyBlock(fromLayout6(old), m);
            s.layout = SeriesState.LAYOUT;
            return false;
        }
        if ((s.layout == SeriesState.LAYOUT_4 || s.layout == SeriesState.LAYOUT_5)
                && fromLayout5Fits(old, m, s.layout == SeriesState.LAYOUT_5)) {
            // the same statistics with the scorer's daily profile inserted (layout 5 also adds the combination's
            // block for a key with a season, which a key of layout 4 decides at this event: SeriesStep)
            s.stats = weeklyBlock(fromLayout5(old), m);
            s.layout = SeriesState.LAYOUT;
            residualToValueUnits(s, m);
            return false; // layouts 4 and 5 leave the architecture to the lineage, as this one does
        } else if (s.layout == SeriesState.LAYOUT_3 && old.length == counted + countedIntervalsSize(m.horizon) + PersistenceBlend.STATE_SIZE) {
            stats = new float[m.blockAt];
            scorerFromCounted(old, 0, stats, 0);
            intervalsFromCounted(m.intervals, old, counted, stats, AnomalyScorer.STATE_SIZE);
            System.arraycopy(old, old.length - PersistenceBlend.STATE_SIZE, stats, m.blendOffset, PersistenceBlend.STATE_SIZE);
            s.modelSince = sinceCounter(s, countedCounter(old, counted));
        } else if (s.layout <= SeriesState.LAYOUT_2 && old.length == counted + perHorizonIntervalsSize(m.horizon)) {
            stats = new float[m.blockAt];
            scorerFromCounted(old, 0, stats, 0);
            intervalsFromPerHorizon(m.intervals, old, counted, stats, AnomalyScorer.STATE_SIZE);
            // that release served the model alone, and the horizon-1 slot of its intervals holds the model's forecast
            m.blend.initServingModel(stats, m.blendOffset, perHorizonPendingOneStep(old, counted));
            s.modelSince = sinceCounter(s, perHorizonCounter(old, counted));
        } else {
            stats = new float[m.blockAt];
            if (s.layout == SeriesState.LAYOUT_6 && old.length >= AnomalyScorer.LAYOUT_6_STATE_SIZE) {
                AnomalyScorer.profileFromLayout6(old, 0, stats, 0);
                step.initStats(stats, m, true);
            } else if (s.layout >= SeriesState.LAYOUT_4 && old.length >= AnomalyScorer.LAYOUT_5_STATE_SIZE) {
                scorerFromLayout5(old, 0, stats, 0);
                step.initStats(stats, m, true);
            } else if (old.length >= counted) {
                scorerFromCounted(old, 0, stats, 0);
                step.initStats(stats, m, true);
            } else {
                step.initStats(stats, m, false);
            }
            s.modelSince = s.scalerCount;
            if (s.archTag == 0) {
                s.archTag = ServingModel.OTHER_ARCHITECTURE;
            }
        }
        s.stats = stats;
        s.layout = SeriesState.LAYOUT;
        if (from < SeriesState.LAYOUT_6) {
            residualToValueUnits(s, m);
        }
        return architectureUnrecorded;
    }

    /**
     * Layouts up to 5 kept the residual detector's centre and scale in units of the key's value scale (the model's
     * residual divided by the scaler's standard deviation); layouts 6 and 7 keep them in value units. Converted with the
     * scale as it is now, so a restored key judges its next residuals by what it had learnt, not by a scale some
     * orders of magnitude off.
     */
    private static void residualToValueUnits(SeriesState s, ServingModel m) {
        double unit = new OnlineScaler(m.scalerPolicy, s.scalerCount, s.scalerMean, s.scalerM2).valueStd();
        if (unit > 0 && Double.isFinite(unit)) {
            AnomalyScorer.rescaleResidual(s.stats, 0, unit);
        }
    }

    /**
     * Layout 7's {@code stats} (or an earlier layout's converted to 7's) in this layout: the combination's block, if
     * the key has one, with the weekly candidate ({@link io.streamcast.model.core.HorizonCombination#resizeBlock},
     * its ring one season until the key's next event decides).
     */
    private static float[] weeklyBlock(float[] stats, ServingModel m) {
        int period = m.combination.periodBeforeWeekly(stats, m.blockAt);
        return period == 0 ? stats : m.combination.resizeBlock(stats, m.blockAt, period, SeriesState.LAYOUT_7, period);
    }

    /** Whether layout 6's {@code stats} are those of model {@code m} (with or without a season block). */
    private static boolean fromLayout6Fits(float[] old, ServingModel m) {
        return fits(old, AnomalyScorer.LAYOUT_6_STATE_SIZE, m, true);
    }

    /**
     * Whether an earlier layout's {@code stats}, whose anomaly scorer took {@code oldScorerSize} floats, are those of
     * model {@code m} once the scorer has this layout's size: the same length, or (if a season block is allowed) one
     * of layout 7's blocks after them.
     */
    private static boolean fits(float[] old, int oldScorerSize, ServingModel m, boolean seasonAllowed) {
        int n = old.length + AnomalyScorer.STATE_SIZE - oldScorerSize;
        if (n == m.blockAt) {
            return true;
        }
        if (!seasonAllowed || n < m.blockAt) {
            return false;
        }
        float[] probe = new float[n];
        System.arraycopy(old, oldScorerSize, probe, AnomalyScorer.STATE_SIZE, old.length - oldScorerSize);
        return m.combination.periodBeforeWeekly(probe, m.blockAt) > 0;
    }

    /**
     * Layout 6's {@code stats} in layout 7: the scorer's state with its daily profile as codes
     * ({@link AnomalyScorer#profileFromLayout6}), then everything after it unchanged.
     */
    public static float[] fromLayout6(float[] old) {
        StateRegions.check(old, 0, AnomalyScorer.LAYOUT_6_STATE_SIZE);
        float[] stats = new float[old.length + LAYOUT_6_GROWTH];
        AnomalyScorer.profileFromLayout6(old, 0, stats, 0);
        System.arraycopy(old, AnomalyScorer.LAYOUT_6_STATE_SIZE, stats, AnomalyScorer.STATE_SIZE,
                old.length - AnomalyScorer.LAYOUT_6_STATE_SIZE);
        return stats;
    }

    /** Whether layout 4's or 5's {@code stats} are those of model {@code m} (with a season block: layout 5 only). */
    private static boolean fromLayout5Fits(float[] old, ServingModel m, boolean seasonAllowed) {
        return fits(old, AnomalyScorer.LAYOUT_5_STATE_SIZE, m, seasonAllowed);
    }

    /**
     * Layout 4's or 5's {@code stats} in this layout: the scorer's eight floats ({@link #scorerFromLayout5}), the daily
     * profile started afresh, then everything after them unchanged.
     */
    public static float[] fromLayout5(float[] old) {
        StateRegions.check(old, 0, AnomalyScorer.LAYOUT_5_STATE_SIZE);
        float[] stats = new float[old.length + PROFILE_GROWTH];
        scorerFromLayout5(old, 0, stats, 0);
        System.arraycopy(old, AnomalyScorer.LAYOUT_5_STATE_SIZE, stats, AnomalyScorer.STATE_SIZE,
                old.length - AnomalyScorer.LAYOUT_5_STATE_SIZE);
        return stats;
    }

    /**
     * Converts the anomaly scorer's state from layouts 4 and 5 ({@value AnomalyScorer#LAYOUT_5_STATE_SIZE} floats at
     * {@code from[fromOffset..]}) into this layout at {@code to[toOffset..]}: the residual detector and the value range
     * carry over, no episode is open, the daily profile starts afresh.
     */
    public static void scorerFromLayout5(float[] from, int fromOffset, float[] to, int toOffset) {
        StateRegions.check(from, fromOffset, AnomalyScorer.LAYOUT_5_STATE_SIZE);
        StateRegions.check(to, toOffset, AnomalyScorer.STATE_SIZE);
        System.arraycopy(from, fromOffset, to, toOffset, AnomalyScorer.LAYOUT_5_STATE_SIZE);
        to[toOffset + AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 0f;
        AnomalyScorer.initProfile(to, toOffset);
    }

    /** {@code modelSince} for an earlier layout's interval counter (which never exceeds the key's event count). */
    private static long sinceCounter(SeriesState s, long counter) {
        return s.scalerCount - Math.min(Math.max(counter, 0), s.scalerCount);
    }

    /**
     * Converts the anomaly scorer's state from layouts 1 to 3 ({@link #COUNTED_SCORER_SIZE} floats at
     * {@code from[fromOffset..]}, the event count first, then layout 5's floats) into this one at
     * {@code to[toOffset..]} ({@link #scorerFromLayout5}). The count is dropped: the scorer is given the key's event
     * count at every event.
     *
     * @return the event count the earlier layout held (it saturated at {@link AnomalyScorer#MAX_COUNT})
     */
    public static long scorerFromCounted(float[] from, int fromOffset, float[] to, int toOffset) {
        StateRegions.check(from, fromOffset, COUNTED_SCORER_SIZE);
        scorerFromLayout5(from, fromOffset + 1, to, toOffset);
        return (long) from[fromOffset];
    }

    /** Floats of the intervals' state of layout 3 for horizon K (an event counter and a horizon-1 slot more): 2n + 3. */
    public static int countedIntervalsSize(int horizon) {
        return PredictionIntervals.stateSize(horizon) + 2;
    }

    /**
     * Converts the intervals' state from layout 3 (same K, {@link #countedIntervalsSize} floats: counter, quantiles,
     * slots of every tracked horizon, scales) into this layout. Nothing learnt is lost: the counter is the event
     * position the caller continues from, and the horizon-1 slot held the served one-step forecast the combination
     * recomputes.
     */
    public static void intervalsFromCounted(PredictionIntervals intervals, float[] from, int fromOffset, float[] to,
                                            int toOffset) {
        int k = intervals.config().horizon();
        StateRegions.check(from, fromOffset, countedIntervalsSize(k));
        StateRegions.check(to, toOffset, intervals.stateSize());
        to[toOffset + PredictionIntervals.Q_LOWER] = from[fromOffset + 1];
        to[toOffset + PredictionIntervals.Q_UPPER] = from[fromOffset + 2];
        // the slots of horizons 2 … n and the scales follow the horizon-1 slot, in this layout's order
        System.arraycopy(from, fromOffset + 4, to, toOffset + PredictionIntervals.SLOTS,
                intervals.stateSize() - PredictionIntervals.SLOTS);
    }

    /** Floats of the intervals' state of layouts 1 and 2, which tracked every horizon: 2K + 3. */
    public static int perHorizonIntervalsSize(int horizon) {
        return 2 * horizon + 3;
    }

    /**
     * Converts the intervals' state from layouts 1 and 2 (same K, {@link #perHorizonIntervalsSize} floats) into this
     * layout: the pooled quantiles, and the pending forecast and scale of each tracked horizon are carried over
     * unchanged (their schedules are the same), so no learnt statistic is lost.
     */
    public static void intervalsFromPerHorizon(PredictionIntervals intervals, float[] from, int fromOffset, float[] to,
                                               int toOffset) {
        int k = intervals.config().horizon();
        StateRegions.check(from, fromOffset, perHorizonIntervalsSize(k));
        StateRegions.check(to, toOffset, intervals.stateSize());
        to[toOffset + PredictionIntervals.Q_LOWER] = from[fromOffset + PER_HORIZON_Q_LOWER];
        to[toOffset + PredictionIntervals.Q_UPPER] = from[fromOffset + PER_HORIZON_Q_UPPER];
        int[] tracked = PredictionIntervals.trackedHorizons(k);
        int n = tracked.length;
        for (int i = 0; i < n; i++) {
            int j = tracked[i] - 1;
            if (i > 0) {
                to[toOffset + PredictionIntervals.SLOTS + i - 1] = from[fromOffset + PER_HORIZON_SLOTS + j];
            }
            to[toOffset + PredictionIntervals.SLOTS + n - 1 + i] = from[fromOffset + PER_HORIZON_SLOTS + k + j];
        }
    }

    /** The event counter of intervals' state in layouts 1 and 2 (events since its statistics started). */
    public static long perHorizonCounter(float[] from, int fromOffset) {
        return (long) from[fromOffset + PER_HORIZON_COUNTER];
    }

    /** The horizon-1 slot of intervals' state in layouts 1 and 2: the forecast made at the key's previous event. */
    public static float perHorizonPendingOneStep(float[] from, int fromOffset) {
        return from[fromOffset + PER_HORIZON_SLOTS];
    }

    /** The event counter of intervals' state in layout 3 (events since its statistics started). */
    public static long countedCounter(float[] from, int fromOffset) {
        return (long) from[fromOffset];
    }
}
