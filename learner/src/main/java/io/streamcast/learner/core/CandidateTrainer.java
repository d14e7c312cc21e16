package io.streamcast.learner.core;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.util.List;

/**
 * Trains a candidate model with the serving model's architecture on the training part of the sample. The
 * learner's one dependency on a training library; {@link Dl4jCandidateTrainer} is the real one.
 */
@FunctionalInterface
public interface CandidateTrainer {

    /** One key's training history. */
    record TrainingSeries(String key, long[] timestamps, double[] values) {
    }

    /**
     * What a training run produced: the model, the scaling policy it was trained with (stored in the artifact so
     * the stream scales identically) and how it was trained (for the provenance).
     */
    record Trained(ForecastModel model, ScalerPolicy scaler, int epochs, double learningRate, int tbptt, double clip,
            long seed) {
    }

    /**
     * @param series     every key's training part (oldest first), at least one point each
     * @param serving    the serving model's artifact, whose architecture (cells, sizes, features, horizon, head) the
     *                   candidate keeps so that keys keep their recurrent state across the swap, and whose scaling
     *                   (its transform) it is trained with
     * @param seed       the run's seed
     * @throws Exception if training fails or diverges; the learner refuses the round with the message
     */
    Trained train(List<TrainingSeries> series, ModelArtifact serving, long seed) throws Exception;
}
