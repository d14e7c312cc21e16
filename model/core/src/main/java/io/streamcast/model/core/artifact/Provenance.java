package io.streamcast.model.core.artifact;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a model came from: what it was trained on, with which settings, when, and how well it did on
 * validation data. Stored in the artifact header for audit; never used for inference.
 *
 * @param data description of the training data (paths, names)
 * @param rows number of training rows (time steps) used
 * @param seed random seed of the training run
 * @param epochs epochs trained (after early stopping)
 * @param learningRate learning rate
 * @param tbpttLength truncated-BPTT length in steps
 * @param gradientClip gradient clipping threshold (0 for none)
 * @param created when the artifact was produced
 * @param validationMetrics named validation metrics, e.g. {@code val_mae}, {@code val_mae_persistence};
 *        insertion order is kept
 */
public record Provenance(String data, long rows, long seed, int epochs, double learningRate, int tbpttLength,
        double gradientClip, Instant created, Map<String, Double> validationMetrics) {

    public Provenance {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(validationMetrics, "validationMetrics");
        validationMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(validationMetrics));
    }

    /** Provenance for models not produced by a training run (tests, hand-built models). */
    public static Provenance none(Instant created) {
        return new Provenance("none", 0, 0, 0, 0.0, 0, 0.0, created, Map.of());
    }
}
