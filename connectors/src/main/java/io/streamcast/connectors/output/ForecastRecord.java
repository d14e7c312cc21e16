package io.streamcast.connectors.output;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the forecast job emits for each event: the event ({@code key}, {@code ts}, {@code value}),
 * the forecast for the next K steps with its prediction interval ({@code forecast[i]},
 * {@code lower[i]}, {@code upper[i]} for step i+1), how anomalous the event was against the
 * previous forecast ({@code anomalyScore}, {@code anomalyLikelihood}, and {@code detectionScore}, the
 * number compared with the detection threshold to set {@code isAnomaly}), and the version of the model
 * that produced it.
 *
 * <p>The forecasts and interval bounds are 32-bit floats, the precision the model computes them in; JSON carries
 * each as the shortest decimal that reads back as the same float (e.g. {@code 101.23457}, not the 17 digits of
 * its widening to a double).
 *
 * <p>A Flink POJO ({@code float[]} fields use Flink's primitive-array serializer, not Kryo).
 * On the wire:
 * {@code {"key","ts","value","forecast":[..],"lower":[..],"upper":[..],"anomalyScore",
 * "anomalyLikelihood","detectionScore","isAnomaly","modelVersion"}}; see {@link io.streamcast.connectors.json.JsonCodec}.
 */
@JsonPropertyOrder({
    "key", "ts", "value", "forecast", "lower", "upper",
    "anomalyScore", "anomalyLikelihood", "detectionScore", "isAnomaly", "modelVersion"
})
@JsonIgnoreProperties(ignoreUnknown = true)
public class ForecastRecord {

    private String key;
    private long ts;
    private double value;
    private float[] forecast;
    private float[] lower;
    private float[] upper;
    private double anomalyScore;
    private double anomalyLikelihood;
    private double detectionScore;
    private boolean anomaly;
    private String modelVersion;

    /** For Flink's POJO serializer and Jackson. */
    public ForecastRecord() {}

    public ForecastRecord(
            String key,
            long ts,
            double value,
            float[] forecast,
            float[] lower,
            float[] upper,
            double anomalyScore,
            double anomalyLikelihood,
            double detectionScore,
            boolean anomaly,
            String modelVersion) {
        this.key = key;
        this.ts = ts;
        this.value = value;
        this.forecast = forecast;
        this.lower = lower;
        this.upper = upper;
        this.anomalyScore = anomalyScore;
        this.anomalyLikelihood = anomalyLikelihood;
        this.detectionScore = detectionScore;
        this.anomaly = anomaly;
        this.modelVersion = modelVersion;
    }

    /** Number of forecast steps K (length of {@code forecast}; 0 when there is none). */
    public int horizon() {
        return forecast == null ? 0 : forecast.length;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public long getTs() {
        return ts;
    }

    public void setTs(long ts) {
        this.ts = ts;
    }

    public double getValue() {
        return value;
    }

    public void setValue(double value) {
        this.value = value;
    }

    public float[] getForecast() {
        return forecast;
    }

    public void setForecast(float[] forecast) {
        this.forecast = forecast;
    }

    public float[] getLower() {
        return lower;
    }

    public void setLower(float[] lower) {
        this.lower = lower;
    }

    public float[] getUpper() {
        return upper;
    }

    public void setUpper(float[] upper) {
        this.upper = upper;
    }

    public double getAnomalyScore() {
        return anomalyScore;
    }

    public void setAnomalyScore(double anomalyScore) {
        this.anomalyScore = anomalyScore;
    }

    public double getAnomalyLikelihood() {
        return anomalyLikelihood;
    }

    public void setAnomalyLikelihood(double anomalyLikelihood) {
        this.anomalyLikelihood = anomalyLikelihood;
    }

    /**
     * The number compared with the detection threshold ({@code isAnomaly} is {@code detectionScore >= threshold}):
     * 0 during a key's warm-up, 1 for a value outside the range seen so far, else the anomaly likelihood on
     * NAB's log scale.
     */
    public double getDetectionScore() {
        return detectionScore;
    }

    public void setDetectionScore(double detectionScore) {
        this.detectionScore = detectionScore;
    }

    @JsonProperty("isAnomaly")
    public boolean isAnomaly() {
        return anomaly;
    }

    @JsonProperty("isAnomaly")
    public void setAnomaly(boolean anomaly) {
        this.anomaly = anomaly;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ForecastRecord)) {
            return false;
        }
        ForecastRecord other = (ForecastRecord) o;
        return ts == other.ts
                && Double.compare(value, other.value) == 0
                && Double.compare(anomalyScore, other.anomalyScore) == 0
                && Double.compare(anomalyLikelihood, other.anomalyLikelihood) == 0
                && Double.compare(detectionScore, other.detectionScore) == 0
                && anomaly == other.anomaly
                && Objects.equals(key, other.key)
                && Arrays.equals(forecast, other.forecast)
                && Arrays.equals(lower, other.lower)
                && Arrays.equals(upper, other.upper)
                && Objects.equals(modelVersion, other.modelVersion);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(key, ts, value, anomalyScore, anomalyLikelihood, detectionScore, anomaly, modelVersion);
        h = 31 * h + Arrays.hashCode(forecast);
        h = 31 * h + Arrays.hashCode(lower);
        return 31 * h + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "ForecastRecord{key='" + key + "', ts=" + ts + ", value=" + value
                + ", forecast=" + Arrays.toString(forecast) + ", lower=" + Arrays.toString(lower)
                + ", upper=" + Arrays.toString(upper) + ", anomalyScore=" + anomalyScore
                + ", anomalyLikelihood=" + anomalyLikelihood + ", detectionScore=" + detectionScore
                + ", isAnomaly=" + anomaly
                + ", modelVersion='" + modelVersion + "'}";
    }
}
