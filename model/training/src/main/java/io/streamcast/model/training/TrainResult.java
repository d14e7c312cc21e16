package io.streamcast.model.training;

import io.streamcast.model.training.dataset.ValidationMetrics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a training run produced.
 *
 * @param artifact     the core model artifact the streaming job loads
 * @param dl4jModel    the DL4J model zip (with updater state) beside it, for further training or inspection
 * @param modelVersion the version label stored in the artifact
 * @param metrics      validation metrics of the exported model, computed by stepping the core {@code Forecaster}
 *                     (what the stream runs), not DL4J
 * @param bestEpoch    the epoch whose parameters were kept (lowest validation MSE), 1-based
 * @param epochsRun    epochs actually run (fewer than asked when early stopping triggered)
 * @param series       series trained on (too-short series are skipped)
 * @param points       data points in those series
 * @param elapsed      wall time of the whole run, reading to writing
 */
public record TrainResult(Path artifact, Path dl4jModel, String modelVersion, ValidationMetrics metrics,
        int bestEpoch, int epochsRun, int series, long points, Duration elapsed) {
}
