package io.streamcast.model.training.dataset;

import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.training.data.Series;
import java.util.Objects;

/**
 * One series run through the core feature pipeline exactly as the streaming job runs it.
 *
 * <p>At each step t: {@code scaler.observe(v_t)}; {@code x_t = encoder.encode(scaler.scale(v_t), ts_t)};
 * the targets are {@code y_t[j-1] = scaler_t.scale(v_{t+j})} for j = 1..K, scaled with the scaler <em>as of t</em>
 * (the streaming job unscales the forecast made at t with that same scaler). Targets past the end of the series
 * are {@link Float#NaN}.
 *
 * <p>The scaler standardises the (transformed) values, so the unscaling at t is kept as two numbers and the transform:
 * {@code unscale_t(z) = T⁻¹(offset[t] + slope[t] * z)}, the scaler's mean and standard deviation at t. That is all
 * metrics in original units need.
 */
public final class SeriesFeatures {
    private final Series series;
    private final int featureCount;
    private final int horizon;
    private final float[] x;      // [n][F] row-major
    private final float[] y;      // [n][K] row-major, NaN past the end
    private final double[] offset;
    private final double[] slope;
    private final int period;
    private final ScalerPolicy.Transform transform;

    private SeriesFeatures(Series series, int featureCount, int horizon, float[] x, float[] y, double[] offset,
            double[] slope, ScalerPolicy.Transform transform) {
        this.series = series;
        this.featureCount = featureCount;
        this.horizon = horizon;
        this.x = x;
        this.y = y;
        this.offset = offset;
        this.slope = slope;
        this.period = season(series);
        this.transform = transform;
    }

    /** Runs the pipeline over {@code series} with a fresh scaler, as a new key in the stream starts. */
    public static SeriesFeatures compute(Series series, FeatureSpec spec, ScalerPolicy policy, int horizon) {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(policy, "policy");
        if (horizon <= 0) {
            throw new IllegalArgumentException("horizon must be positive, got " + horizon);
        }
        int n = series.size();
        int f = spec.size();
        float[] x = new float[n * f];
        float[] y = new float[n * horizon];
        double[] offset = new double[n];
        double[] slope = new double[n];
        OnlineScaler scaler = new OnlineScaler(policy);
        FeatureEncoder encoder = new FeatureEncoder(spec);
        float[] row = new float[f];
        int period = season(series);
        for (int t = 0; t < n; t++) {
            double v = series.value(t);
            scaler.observe(v);
            double scaled = scaler.scale(v);
            // as the stream: the key's ring of its last season starts at its second value, so y_{t−P} is there from
            // t = P + 1 on (float, as the ring keeps it)
            double diff = period > 0 && t >= period + 1 ? scaled - scaler.scale((float) series.value(t - period)) : 0.0;
            encoder.encode(scaled, diff, series.timestamp(t), row, 0);
            System.arraycopy(row, 0, x, t * f, f);
            for (int j = 1; j <= horizon; j++) {
                y[t * horizon + j - 1] = t + j < n ? (float) scaler.scale(series.value(t + j)) : Float.NaN;
            }
            offset[t] = scaler.mean();
            slope[t] = scaler.std();
        }
        return new SeriesFeatures(series, f, horizon, x, y, offset, slope, policy.transform());
    }

    public Series series() {
        return series;
    }

    public int length() {
        return series.size();
    }

    public int featureCount() {
        return featureCount;
    }

    public int horizon() {
        return horizon;
    }

    /** Feature {@code i} of the input at step t. */
    public float feature(int t, int i) {
        return x[t * featureCount + i];
    }

    /** Copies the input at step t into {@code out[0, F)}. */
    public void features(int t, float[] out) {
        System.arraycopy(x, t * featureCount, out, 0, featureCount);
    }

    /** Scaled target for step t + j (j in 1..K), or NaN past the end of the series. */
    public float target(int t, int j) {
        return y[t * horizon + j - 1];
    }

    /** A model output made at step t (scaled units) back in the series' original units. */
    public double unscale(int t, double z) {
        return transform.invert(offset[t] + slope[t] * z);
    }

    /**
     * The series' season in steps as the stream decides it for a key ({@link HorizonCombination#detectPeriod} of the
     * gap between its first two points: hourly data 24, 30-minute data 48, daily data 7), 0 if it has none.
     */
    public int season() {
        return period;
    }

    private static int season(Series series) {
        return series.size() < 2 ? 0 : HorizonCombination.detectPeriod(series.timestamp(1) - series.timestamp(0));
    }

    /**
     * The seasonal naive forecast of step t + j made at t, in the scaled units of t ({@code y_{t + j − P·ceil(j/P)}}
     * as the stream's ring holds it), or NaN where the stream has no whole season yet (t &lt; P) or no season.
     */
    public float seasonalBase(int t, int j) {
        int p = period;
        if (p == 0 || t < p) {
            return Float.NaN;
        }
        double v = (float) series.value(t + j - p * ((j + p - 1) / p));
        return (float) ((transform.apply(v) - offset[t]) / slope[t]);
    }

    /** Original value at step t. */
    public double value(int t) {
        return series.value(t);
    }
}
