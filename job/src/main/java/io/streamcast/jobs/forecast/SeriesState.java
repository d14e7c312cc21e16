package io.streamcast.jobs.forecast;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything kept per series key in Flink managed state: the recurrent state of every layer, the online
 * scaler, the statistics of the anomaly scorer and of the prediction intervals (which also hold the
 * pending forecasts), the last event time and the model it was computed with. Written by
 * {@link SeriesStateSerializer}, never by Kryo.
 *
 * <p>Mutable on purpose: the keyed function updates it in place and writes it back, so the heap state
 * backend does no copying per event.
 */
public final class SeriesState {

    /** Event time of the last accepted event; {@link Long#MIN_VALUE} before the first one. */
    public long lastTimestamp = Long.MIN_VALUE;
    /** Identifies the model that produced {@link #recurrent} and the pending forecasts (hash of its version). */
    public int modelTag;
    /**
     * The architecture (cells, sizes, features, horizon) of the model that produced {@link #recurrent}, as layout
     * versions 2 and 3 recorded it per key; 0 when not recorded: by layout version 1 (unknown), and by this release's
     * layout, which leaves it to the forecast operator's model lineage (looked up by {@link #modelTag}). A model swap
     * keeps the recurrent state only when the architectures match. Not written by layout version 4.
     */
    public int archTag;
    /**
     * Online scaler: number of values observed, their mean and sum of squared deviations (Welford). The count is
     * the key's event count: the anomaly scorer's warm-up and the interval schedule are measured in it.
     */
    public long scalerCount;
    public double scalerMean;
    public double scalerM2;
    /**
     * The key's event count ({@link #scalerCount}) when the statistics of its model (the prediction intervals and the
     * persistence combination) started: 0 for a key that started with its model, larger after it adopted a model
     * afresh. Events since then = {@code scalerCount - modelSince}.
     */
    public long modelSince;
    /** Recurrent state of all layers, laid out as the forecaster expects (LSTM: h then c per layer). */
    public float[] recurrent;
    /** Statistics of the anomaly scorer and the prediction intervals, laid out as the job's function documents. */
    public float[] stats;

    /**
     * Layout of {@link #stats}: {@link #STATS_CURRENT} (this release), or, for state read from an earlier layout
     * version and not yet converted by the forecast function at the key's next event, {@link #STATS_COUNTED} (layout
     * version 3) or {@link #STATS_EVERY_HORIZON} (layout versions 1 and 2). Not a field of the stored record: it
     * follows from the record's layout version, and a record not converted is written back in its own layout.
     */
    public byte statsLayout = STATS_CURRENT;

    /**
     * This release: the anomaly scorer, the intervals of the tracked horizons 1, 2, 4, …, K and the persistence
     * combination, none holding an event count or the served one-step forecast ({@link #modelSince} and the
     * combination give them).
     */
    public static final byte STATS_CURRENT = 3;
    /**
     * As layout version 3 stored them: the scorer's floats after its event count, the intervals of the tracked
     * horizons after their event counter with a slot for the served one-step forecast, then the combination.
     */
    public static final byte STATS_COUNTED = 2;
    /** The scorer with its event count and the intervals of every horizon 1..K, as layout versions 1 and 2 stored them. */
    public static final byte STATS_EVERY_HORIZON = 1;

    public SeriesState() {
        this(new float[0], new float[0]);
    }

    public SeriesState(float[] recurrent, float[] stats) {
        this.recurrent = Objects.requireNonNull(recurrent, "recurrent");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    /** A deep copy. */
    public SeriesState copy() {
        SeriesState c = new SeriesState(recurrent.clone(), stats.clone());
        copyScalarsInto(c);
        return c;
    }

    /** Copies every field into {@code target}, reusing its arrays when they have the right length. */
    public SeriesState copyInto(SeriesState target) {
        target.recurrent = copyArray(recurrent, target.recurrent);
        target.stats = copyArray(stats, target.stats);
        copyScalarsInto(target);
        return target;
    }

    private void copyScalarsInto(SeriesState c) {
        c.lastTimestamp = lastTimestamp;
        c.modelTag = modelTag;
        c.archTag = archTag;
        c.scalerCount = scalerCount;
        c.scalerMean = scalerMean;
        c.scalerM2 = scalerM2;
        c.modelSince = modelSince;
        c.statsLayout = statsLayout;
    }

    private static float[] copyArray(float[] from, float[] to) {
        if (to == null || to.length != from.length) {
            return from.clone();
        }
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SeriesState s)) {
            return false;
        }
        return lastTimestamp == s.lastTimestamp && modelTag == s.modelTag && archTag == s.archTag
                && statsLayout == s.statsLayout
                && scalerCount == s.scalerCount && modelSince == s.modelSince
                && Double.compare(scalerMean, s.scalerMean) == 0 && Double.compare(scalerM2, s.scalerM2) == 0
                && Arrays.equals(recurrent, s.recurrent) && Arrays.equals(stats, s.stats);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(lastTimestamp, modelTag, archTag, scalerCount, modelSince, scalerMean, scalerM2);
        h = 31 * h + Arrays.hashCode(recurrent);
        return 31 * h + Arrays.hashCode(stats);
    }

    @Override
    public String toString() {
        return "SeriesState{lastTimestamp=" + lastTimestamp + ", modelTag=" + modelTag + ", statsLayout=" + statsLayout + ", archTag=" + archTag
                + ", scaler=(" + scalerCount + ", " + scalerMean + ", " + scalerM2 + "), modelSince=" + modelSince
                + ", recurrent=" + recurrent.length
                + " floats, stats=" + stats.length + " floats}";
    }
}
