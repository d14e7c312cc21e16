package io.streamcast.connectors.output;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the forecast job emits for each event: the event ({@code key}, {@code ts}, {@code value}),
 * the forecast for the next K steps with its prediction interval ({@code forecast[i]},
 * {@code lower[i]}, {@code upper[i]} for step i+1), how anomalous the event was, and the version of the model
 * that produced it.
 *
 * <p>The anomaly contract, the same in every output (Kafka records, the {@code run} CSV, {@code evaluate}'s files,
 * plots): {@code anomalyScore} in [0, 1] is the one score the detection threshold is applied to
 * ({@code isAnomaly} is {@code anomalyScore >= threshold}); the ingredients it is made of are kept under their own
 * names: {@code anomalyLikelihood} (1 − the smaller tail probability of the two detectors' averaged surprises; 0.5
 * while the key learns), {@code residualSurprise} and {@code profileSurprise} (this event's surprise in [0, 1]
 * against the served one-step forecast and against the key's daily profile), {@code outsideSeenRange} (the value
 * lies outside the range seen so far, widened by 5%).
 *
 * <p>The forecasts and interval bounds are 32-bit floats, the precision the model computes them in; JSON carries
 * each as the shortest decimal that reads back as the same float (e.g. {@code 101.23457}, not the 17 digits of
 * its widening to a double).
 *
 * <p>A Flink POJO ({@code float[]} fields use Flink's primitive-array serializer, not Kryo).
 * On the wire:
 * {@code {"key","ts","value","forecast":[..],"lower":[..],"upper":[..],"anomalyScore","isAnomaly",
 * "anomalyLikelihood","residualSurprise","profileSurprise","outsideSeenRange","modelVersion"}}; see
 * {@link io.streamcast.connectors.json.JsonCodec}.
 */
@JsonPropertyOrder({
    "key", "ts", "value", "forecast", "lower", "upper",
    "anomalyScore", "isAnomaly", "anomalyLikelihood", "residualSurprise", "profileSurprise", "outsideSeenRange",
    "modelVersion"
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
    private boolean anomaly;
    private double anomalyLikelihood;
    private double residualSurprise;
    private double profileSurprise;
    private boolean outsideSeenRange;
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
            boolean anomaly,
            double anomalyLikelihood,
            double residualSurprise,
            double profileSurprise,
            boolean outsideSeenRange,
            String modelVersion) {
        this.key = key;
        this.ts = ts;
        this.value = value;
        this.forecast = forecast;
        this.lower = lower;
        this.upper = upper;
        this.anomalyScore = anomalyScore;
        this.anomaly = anomaly;
        this.anomalyLikelihood = anomalyLikelihood;
        this.residualSurprise = residualSurprise;
        this.profileSurprise = profileSurprise;
        this.outsideSeenRange = outsideSeenRange;
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

    /**
     * The score in [0, 1] the detection threshold is applied to ({@code isAnomaly} is {@code anomalyScore >=
     * threshold}): 0 during a key's warm-up, 1 for a value outside the range seen so far, else the anomaly
     * likelihood on NAB's log scale {@code log(1.0000000001 − L) / log(1e-10)} (0.5 = a tail probability of 1e-5),
     * lowered to the 1e-3 level for the events of an anomaly episode after its onset.
     */
    public double getAnomalyScore() {
        return anomalyScore;
    }

    public void setAnomalyScore(double anomalyScore) {
        this.anomalyScore = anomalyScore;
    }

    /** 1 − the smaller tail probability of the two detectors' averaged surprises; 0.5 while the key learns. */
    public double getAnomalyLikelihood() {
        return anomalyLikelihood;
    }

    public void setAnomalyLikelihood(double anomalyLikelihood) {
        this.anomalyLikelihood = anomalyLikelihood;
    }

    /** This event's surprise in [0, 1] against the one-step forecast served at the previous event. */
    public double getResidualSurprise() {
        return residualSurprise;
    }

    public void setResidualSurprise(double residualSurprise) {
        this.residualSurprise = residualSurprise;
    }

    /** This event's surprise in [0, 1] against its time-of-day slot of the key's daily profile. */
    public double getProfileSurprise() {
        return profileSurprise;
    }

    public void setProfileSurprise(double profileSurprise) {
        this.profileSurprise = profileSurprise;
    }

    /** Whether the value lies outside the range seen before it, widened by 5% of that range on each side. */
    public boolean isOutsideSeenRange() {
        return outsideSeenRange;
    }

    public void setOutsideSeenRange(boolean outsideSeenRange) {
        this.outsideSeenRange = outsideSeenRange;
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
                && anomaly == other.anomaly
                && Double.compare(anomalyLikelihood, other.anomalyLikelihood) == 0
                && Double.compare(residualSurprise, other.residualSurprise) == 0
                && Double.compare(profileSurprise, other.profileSurprise) == 0
                && outsideSeenRange == other.outsideSeenRange
                && Objects.equals(key, other.key)
                && Arrays.equals(forecast, other.forecast)
                && Arrays.equals(lower, other.lower)
                && Arrays.equals(upper, other.upper)
                && Objects.equals(modelVersion, other.modelVersion);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(key, ts, value, anomalyScore, anomaly, anomalyLikelihood, residualSurprise, profileSurprise,
                outsideSeenRange, modelVersion);
        h = 31 * h + Arrays.hashCode(forecast);
        h = 31 * h + Arrays.hashCode(lower);
        return 31 * h + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "ForecastRecord{key='" + key + "', ts=" + ts + ", value=" + value
                + ", forecast=" + Arrays.toString(forecast) + ", lower=" + Arrays.toString(lower)
                + ", upper=" + Arrays.toString(upper) + ", anomalyScore=" + anomalyScore
                + ", isAnomaly=" + anomaly + ", anomalyLikelihood=" + anomalyLikelihood
                + ", residualSurprise=" + residualSurprise + ", profileSurprise=" + profileSurprise
                + ", outsideSeenRange=" + outsideSeenRange
                + ", modelVersion='" + modelVersion + "'}";
    }
}
