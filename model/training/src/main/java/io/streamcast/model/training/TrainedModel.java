package io.streamcast.model.training;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.training.dataset.ValidationMetrics;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained network held in memory, before anything is written.
 *
 * @param network     the DL4J network with the best epoch's parameters restored (null for a GRU)
 * @param gruNetwork  the SameDiff GRU with the best epoch's parameters restored (null unless the cell is GRU)
 * @param model       that network exported to the core model
 * @param metrics     validation metrics of {@code model} stepped by the core {@code Forecaster}
 * @param dl4jMetrics the same metrics computed from DL4J's own output (should agree with {@code metrics})
 * @param bestEpoch   epoch whose parameters were kept, 1-based
 * @param epochsRun   epochs run
 * @param seriesKeys  keys of the series trained on
 * @param points      data points in those series
 */
public record TrainedModel(MultiLayerNetwork network, io.streamcast.model.training.net.SameDiffGru gruNetwork,
        ForecastModel model, ValidationMetrics metrics,
        ValidationMetrics dl4jMetrics, int bestEpoch, int epochsRun, List<String> seriesKeys, long points) {
}
