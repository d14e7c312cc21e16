package io.streamcast.model.core.series;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything kept per series key in Flink managed state: the recurrent state of every layer, the online
 * scaler, the statistics of the anomaly scorer and of the prediction intervals (which also hold the
 * pending forecasts), the last event time and the model it was computed with. The stream layers write it with an
 * explicit serializer (the Flink job's {@code SeriesStateSerializer}), never with Kryo; {@link SeriesStep} is the
 * only code that reads or changes it, and {@link StateLayouts} the only code that knows the layouts of earlier
 * releases.
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
    /** Statistics of the anomaly scorer, the prediction intervals and the persistence combination ({@link SeriesStep}). */
    public float[] stats;
    /**
     * Where in {@link #stats} the per-horizon combination's block starts, for a key whose block keeps a week of
     * values (its older days and weekly naive's pending forecasts are 16-bit codes,
     * {@link io.streamcast.model.core.HorizonCombination#isCode}); 0 for any other key. Set by {@link SeriesStep} at
     * every event (it knows the serving model, and so where the block is); a field of the record from layout 9 on, so
     * that a serializer finds the codes without the model.
     */
    public int weekAt;

    /**
     * The layout version this state was read in: {@link #LAYOUT} for state written by this release or created by
     * {@link SeriesStep}, an earlier version for a key restored from an earlier release and not seen since. Not a
     * field of the stored record (the record starts with it). {@link SeriesStep} converts a key to {@link #LAYOUT} at
     * its next event ({@link StateLayouts#upgrade}); until then the serializer writes it back in its own layout.
     */
    public byte layout = LAYOUT;

    /**
     * The layout version of this release: as 9, with the stats of a key without a season ending in the two floats of
     * its daily-profile candidate ({@link io.streamcast.model.core.ProfileCandidate}); the record is version 9's.
     */
    public static final byte LAYOUT = 10;
    /**
     * Layout version 9: as 8, with the days of a week's ring older than a season in 16-bit fixed-point codes (with
     * their origin and exponent after the ring), and weekly naive's pending forecasts too, rounded by the per-key step
     * itself, and where that block starts ({@link #weekAt}) in the record
     * ({@link io.streamcast.model.core.HorizonCombination}).
     */
    public static final byte LAYOUT_9 = 9;
    /**
     * Layout version 8: as 7, with the per-horizon combination's block of a key with a season holding a fourth
     * candidate, weekly naive, and a ring of a week of values (all floats) for a key whose season is a day of at most
     * 48 events.
     */
    public static final byte LAYOUT_8 = 8;
    /**
     * Layout version 7: as 6, with the recurrent state rounded to IEEE half precision and the
     * anomaly scorer's daily profile in 16-bit fixed-point codes (with their origin and step), both by the per-key
     * step itself, so that a record writes them in 2 bytes a number and reads back exactly what the step computed
     * with ({@link io.streamcast.model.core.HalfFloat}, {@link io.streamcast.model.core.anomaly.AnomalyScorer}); the
     * combination's block with three candidates and a ring of one season.
     */
    public static final byte LAYOUT_7 = 7;
    /**
     * Layout version 6: the anomaly scorer's daily profile at the start of the stats (its means as floats); no event
     * counts in the stats and no served one-step forecast ({@link #modelSince} and the combination give them), the
     * model's architecture in the operator's model lineage, and for a key with a season the per-horizon
     * combination's block at the end of the stats; the recurrent state as floats.
     */
    public static final byte LAYOUT_6 = 6;
    /**
     * Layout version 5: as 6 with the anomaly scorer's first eight floats only (no daily profile) and a count of
     * events since the last red value where 6 has the episode flag.
     */
    public static final byte LAYOUT_5 = 5;
    /**
     * Layout version 4: as 5 without the combination's block of a key with a season (the stats of a key without one
     * are the same).
     */
    public static final byte LAYOUT_4 = 4;
    /** Layout version 3: the scorer's and the intervals' event counts and the served one-step forecast in the stats. */
    public static final byte LAYOUT_3 = 3;
    /** Layout version 2: as 3, with the intervals of every horizon 1..K and the architecture recorded per key. */
    public static final byte LAYOUT_2 = 2;
    /** Layout version 1: as 2 without the architecture ({@link #archTag} reads 0, unknown). */
    public static final byte LAYOUT_1 = 1;

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
        c.layout = layout;
        c.weekAt = weekAt;
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
                && layout == s.layout && weekAt == s.weekAt
                && scalerCount == s.scalerCount && modelSince == s.modelSince
                && Double.compare(scalerMean, s.scalerMean) == 0 && Double.compare(scalerM2, s.scalerM2) == 0
                && Arrays.equals(recurrent, s.recurrent) && Arrays.equals(stats, s.stats);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(lastTimestamp, modelTag, archTag, scalerCount, modelSince, scalerMean, scalerM2, weekAt);
        h = 31 * h + Arrays.hashCode(recurrent);
        return 31 * h + Arrays.hashCode(stats);
    }

    @Override
    public String toString() {
        return "SeriesState{lastTimestamp=" + lastTimestamp + ", modelTag=" + modelTag + ", layout=" + layout + ", archTag=" + archTag
                + ", scaler=(" + scalerCount + ", " + scalerMean + ", " + scalerM2 + "), modelSince=" + modelSince
                + ", recurrent=" + recurrent.length
                + " floats, stats=" + stats.length + " floats, weekAt=" + weekAt + "}";
    }
}
