package io.streamcast.sql;

import io.streamcast.model.core.series.SeriesState;

/**
 * A key's {@link SeriesState} as the state entry of {@link StreamcastForecast}: a structured type of primitive fields
 * and two {@code ARRAY<FLOAT NOT NULL>}, which Flink's table runtime types and serializes explicitly (no Kryo, no RAW
 * type). {@link #recurrent} is {@code null} while the key has no state (the framework creates this object with its
 * default values for a new key, or after the state was cleared).
 *
 * <p>It holds the fields {@code SeriesState} stores in this release's layout ({@link SeriesState#LAYOUT}): the
 * architecture tag is not per key (the function serves one model; see {@link StreamcastForecast}) and the layout
 * version is not stored: a row is read as the current layout, except that a row written by the release of layout 5
 * (whose statistics lack the anomaly scorer's daily profile) is recognised by its length
 * ({@code StateLayouts.layoutOfUntagged}) and converted at the key's next row.
 */
public class SeriesStateRow {

    /** Event time (epoch milliseconds) of the key's last accepted row. */
    public long lastTimestamp;
    /** Tag of the model that produced the recurrent state (hash of its version). */
    public int modelTag;
    /** Online scaler: the key's event count, mean and sum of squared deviations. */
    public long scalerCount;
    public double scalerMean;
    public double scalerM2;
    /** The key's event count when its model's statistics started. */
    public long modelSince;
    /** The forecaster's recurrent state; {@code null} for a key without state. */
    public float[] recurrent;
    /** The anomaly scorer's, prediction intervals' and persistence combination's statistics. */
    public float[] stats;

    public SeriesStateRow() {}

    /** Whether the key has state (it has seen an accepted row since it was created or expired). */
    public boolean present() {
        return recurrent != null;
    }

    /** Copies this row into {@code s} (arrays by reference) and returns it. */
    SeriesState into(SeriesState s) {
        s.lastTimestamp = lastTimestamp;
        s.modelTag = modelTag;
        s.archTag = 0;
        s.scalerCount = scalerCount;
        s.scalerMean = scalerMean;
        s.scalerM2 = scalerM2;
        s.modelSince = modelSince;
        s.recurrent = recurrent;
        s.stats = stats;
        s.layout = SeriesState.LAYOUT;
        return s;
    }

    /** Copies {@code s} into this row (arrays by reference). */
    void from(SeriesState s) {
        lastTimestamp = s.lastTimestamp;
        modelTag = s.modelTag;
        scalerCount = s.scalerCount;
        scalerMean = s.scalerMean;
        scalerM2 = s.scalerM2;
        modelSince = s.modelSince;
        recurrent = s.recurrent;
        stats = s.stats;
    }
}
