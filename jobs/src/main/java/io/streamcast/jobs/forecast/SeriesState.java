package io.streamcast.jobs.forecast;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything kept per series key in Flink managed state: the recurrent state of every layer, the online
 * scaler, the anomaly scorer's statistics, the last forecast, the last event time and the model it was
 * computed with. Written by {@link SeriesStateSerializer}, never by Kryo.
 *
 * <p>Mutable on purpose: the keyed function updates it in place and writes it back, so the heap state
 * backend does no copying per event.
 */
public final class SeriesState {

    /** Event time of the last accepted event; {@link Long#MIN_VALUE} before the first one. */
    public long lastTimestamp = Long.MIN_VALUE;
    /** Accepted events for this key since its state was created. */
    public int events;
    /** Identifies the model that produced {@link #recurrent} and {@link #forecast} (hash of its version). */
    public int modelTag;
    /** Online scaler: number of values observed, their mean and sum of squared deviations (Welford). */
    public long scalerCount;
    public double scalerMean;
    public double scalerM2;
    /** Recurrent state of all layers, laid out as the forecaster expects (LSTM: h then c per layer). */
    public float[] recurrent;
    /** The last forecast for the next K steps, in model (scaled) units. */
    public float[] forecast;
    /** The anomaly scorer's per-key statistics, laid out as the scorer documents. */
    public float[] anomaly;

    public SeriesState() {
        this(new float[0], new float[0], new float[0]);
    }

    public SeriesState(float[] recurrent, float[] forecast, float[] anomaly) {
        this.recurrent = Objects.requireNonNull(recurrent, "recurrent");
        this.forecast = Objects.requireNonNull(forecast, "forecast");
        this.anomaly = Objects.requireNonNull(anomaly, "anomaly");
    }

    /** A deep copy. */
    public SeriesState copy() {
        SeriesState c = new SeriesState(recurrent.clone(), forecast.clone(), anomaly.clone());
        copyScalarsInto(c);
        return c;
    }

    /** Copies every field into {@code target}, reusing its arrays when they have the right length. */
    public SeriesState copyInto(SeriesState target) {
        target.recurrent = copyArray(recurrent, target.recurrent);
        target.forecast = copyArray(forecast, target.forecast);
        target.anomaly = copyArray(anomaly, target.anomaly);
        copyScalarsInto(target);
        return target;
    }

    private void copyScalarsInto(SeriesState c) {
        c.lastTimestamp = lastTimestamp;
        c.events = events;
        c.modelTag = modelTag;
        c.scalerCount = scalerCount;
        c.scalerMean = scalerMean;
        c.scalerM2 = scalerM2;
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
        return lastTimestamp == s.lastTimestamp && events == s.events && modelTag == s.modelTag
                && scalerCount == s.scalerCount
                && Double.compare(scalerMean, s.scalerMean) == 0 && Double.compare(scalerM2, s.scalerM2) == 0
                && Arrays.equals(recurrent, s.recurrent) && Arrays.equals(forecast, s.forecast)
                && Arrays.equals(anomaly, s.anomaly);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(lastTimestamp, events, modelTag, scalerCount, scalerMean, scalerM2);
        h = 31 * h + Arrays.hashCode(recurrent);
        h = 31 * h + Arrays.hashCode(forecast);
        return 31 * h + Arrays.hashCode(anomaly);
    }

    @Override
    public String toString() {
        return "SeriesState{lastTimestamp=" + lastTimestamp + ", events=" + events + ", modelTag=" + modelTag
                + ", scaler=(" + scalerCount + ", " + scalerMean + ", " + scalerM2 + "), recurrent=" + recurrent.length
                + " floats, forecast=" + Arrays.toString(forecast) + ", anomaly=" + anomaly.length + " floats}";
    }
}
