package io.streamcast.learner.core;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.feature.Feature;
import io.streamcast.model.training.Trainer;
import io.streamcast.model.training.TrainOptions;
import io.streamcast.model.training.TrainedModel;
import io.streamcast.model.training.data.Series;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains the global model from scratch on the sample with Deeplearning4j, through the trainer's public API
 * ({@link Trainer#fit}): the serving model's cell type, layers, units, horizon, features and head (a seasonal head
 * included); the trainer's
 * defaults for everything else (Adam lr 5e-3, tBPTT 50, clipping 1.0, the last 20% of each series for early
 * stopping), {@code epochs} and {@code patience} from the learner's settings. From scratch rather than fine-tuned:
 * the trainer starts every run from a fresh initialisation, and the artifact carries exported weights, not the
 * optimiser's state.
 */
public final class Dl4jCandidateTrainer implements CandidateTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jCandidateTrainer.class);

    private final int epochs;
    private final double cpuShare;
    private final int patience;

    public Dl4jCandidateTrainer(int epochs, int patience) {
        this(epochs, patience, 1.0);
    }

    /** @param cpuShare share of one core training takes at most ({@code Trainer.fit}) */
    public Dl4jCandidateTrainer(int epochs, int patience, double cpuShare) {
        this.cpuShare = cpuShare;
        this.epochs = epochs;
        this.patience = patience;
    }

    public static Dl4jCandidateTrainer of(LearnerConfig c) {
        return new Dl4jCandidateTrainer(c.epochs(), c.patience(), c.trainingCpuShare());
    }

    /**
     * The training options that keep the serving model's architecture: its cell, layers, units, horizon, head (direct,
     * residual or seasonal) and features (the value, with or without the calendar, and the seasonal difference that
     * goes with a seasonal head), and its scaler's transform.
     *
     * @throws IllegalArgumentException if the serving model's features or scaler are not ones the trainer produces
     */
    public TrainOptions options(ModelArtifact artifact, long seed) {
        ForecastModel serving = artifact.model();
        ScalerPolicy scaler = artifact.scaler();
        LayerWeights first = serving.layers().get(0);
        boolean calendar = serving.features().indexOf(Feature.HOUR_SIN) >= 0;
        boolean seasonal = serving.headMode() == HeadMode.SEASONAL;
        TrainOptions options = TrainOptions.builder(Path.of("stream-sample"), Path.of("candidate.scm"))
                .cell(first.type()).layers(serving.layers().size()).hidden(first.hiddenSize())
                .horizon(serving.horizon()).calendar(calendar).residual(serving.residual()).seasonal(seasonal)
                .transform(scaler.transform())
                .epochs(epochs).patience(patience).seed(seed).progress(false).threads(1).build();
        if (!options.scalerPolicy().equals(scaler)) {
            throw new IllegalArgumentException("the serving model's scaler " + scaler + " is not one the trainer "
                    + "produces (" + options.scalerPolicy() + "): the trainer cannot reproduce it");
        }
        if (!options.features().equals(serving.features()) || options.headMode() != serving.headMode()) {
            throw new IllegalArgumentException("the serving model's features " + serving.features().features()
                    + " with head " + serving.headMode().headerName() + " are not what the trainer produces (the "
                    + "value, optionally the calendar, and the seasonal difference with a seasonal head): the "
                    + "trainer cannot reproduce them");
        }
        return options;
    }

    @Override
    public Trained train(List<TrainingSeries> series, ModelArtifact serving, long seed) {
        TrainOptions options = options(serving, seed);
        List<Series> input = new ArrayList<>(series.size());
        for (TrainingSeries s : series) {
            input.add(new Series(s.key(), "stream", s.timestamps(), s.values()));
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            TrainedModel t = Trainer.fit(input, options, log, cpuShare);
            return new Trained(t.model(), options.scalerPolicy(), t.epochsRun(), options.lr(), options.tbptt(),
                    options.clip(), seed);
        } finally {
            if (LOG.isDebugEnabled()) {
                LOG.debug("training log:\n{}", buf.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
