package io.streamcast.model.core.anomaly;

/**
 * The outcome of scoring one event: a small mutable holder that {@link AnomalyScorer#score} fills in
 * place, so one instance per operator can be reused for every event without allocation.
 * Not thread-safe. See {@link AnomalyScorer} for the exact meaning of each number.
 */
public final class AnomalyResult {

    double standardisedResidual;
    double residualSurprise;
    double profileSurprise;
    double averagedScore;
    double tailProbability = 0.5;
    double anomalyLikelihood = 0.5;
    double logLikelihood;
    boolean outsideSeenRange;
    boolean warmedUp;
    double anomalyScore;
    boolean anomaly;

    /** Residual minus its running centre, divided by the running robust scale (NaN if no residual). */
    public double standardisedResidual() { return standardisedResidual; }

    /** Surprise in [0, 1] of this event's forecast residual alone (see {@link AnomalyScorer}). */
    public double residualSurprise() { return residualSurprise; }

    /** Surprise in [0, 1] of this event's value against its time-of-day slot of the key's daily profile. */
    public double profileSurprise() { return profileSurprise; }

    /** Exponentially weighted short average of residual surprises, in [0, 1]. */
    public double averagedScore() { return averagedScore; }

    /** Reported (filtered) upper-tail probability of the averaged score; 0.5 while learning. */
    public double tailProbability() { return tailProbability; }

    /** Anomaly likelihood in [0, 1]: 1 − {@link #tailProbability()}; 0.5 while learning. */
    public double anomalyLikelihood() { return anomalyLikelihood; }

    /** The likelihood on NAB's log scale, {@code log(1.0000000001 − L) / log(1e-10)}, in [0, 1]. */
    public double logLikelihood() { return logLikelihood; }

    /** Whether the value fell outside the seen range widened by the spatial tolerance. */
    public boolean outsideSeenRange() { return outsideSeenRange; }

    /** Whether the key has seen more than the configured warm-up events. */
    public boolean warmedUp() { return warmedUp; }

    /**
     * The anomaly score in [0, 1], the one number compared with the threshold: 0 during warm-up, 1 for a value
     * outside the seen range, else {@link #logLikelihood()}.
     */
    public double anomalyScore() { return anomalyScore; }

    /** Whether this event is reported as an anomaly. */
    public boolean isAnomaly() { return anomaly; }

    @Override
    public String toString() {
        return "AnomalyResult{anomalyScore=" + anomalyScore + ", residualSurprise=" + residualSurprise + ", profileSurprise=" + profileSurprise
                + ", likelihood=" + anomalyLikelihood
                + ", logLikelihood=" + logLikelihood + ", outsideSeenRange=" + outsideSeenRange
                + ", anomaly=" + anomaly + '}';
    }
}
