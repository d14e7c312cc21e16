package io.streamcast.tools.cli;

import io.streamcast.model.training.TrainOptions;
import io.streamcast.model.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code streamcast train}: trains a model with Deeplearning4j and writes the artifact the job serves. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a forecasting model on recorded series with Deeplearning4j and write the model artifact "
                + "(plus the DL4J model zip beside it).",
                "Input: CSV files 'timestamp,value' (one series per file, key = file name) or 'key,timestamp,value'."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "CSV file or directory of CSV files.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Artifact to write, e.g. model.scm.")
    Path out;

    @Option(names = "--cell", defaultValue = "lstm", description = "lstm or rnn (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "" + TrainOptions.DEFAULT_LAYERS, description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "" + TrainOptions.DEFAULT_HIDDEN, description = "Units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--horizon", defaultValue = "" + TrainOptions.DEFAULT_HORIZON, description = "Forecast steps K (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--tbptt", defaultValue = "" + TrainOptions.DEFAULT_TBPTT, description = "Truncated BPTT length (default: ${DEFAULT-VALUE}).")
    int tbptt;

    @Option(names = "--epochs", defaultValue = "" + TrainOptions.DEFAULT_EPOCHS, description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "" + TrainOptions.DEFAULT_LR, description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip", defaultValue = "" + TrainOptions.DEFAULT_CLIP, description = "Gradient clipping, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", defaultValue = "" + TrainOptions.DEFAULT_SEED, description = "Seed; same seed and data give the same weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--patience", defaultValue = "" + TrainOptions.DEFAULT_PATIENCE, description = "Early stopping patience in epochs, 0 = off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--no-calendar", description = "Leave out the hour-of-day and day-of-week features.")
    boolean noCalendar;

    @Option(names = "--residual", description = "Residual head: train on the change from the current value, and forecast "
            + "current value + network output (off by default: on the evaluation data it did worse than the direct head).")
    boolean residual;

    @Option(names = "--model-version", description = "Version label stored in the artifact (default: <cell>-h<hidden>-<date>).")
    String modelVersion;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        TrainOptions options = TrainOptions.builder(input, out)
                .cell(cell).layers(layers).hidden(hidden).horizon(horizon).tbptt(tbptt).epochs(epochs).lr(lr)
                .clip(clip).seed(seed).patience(patience).calendar(!noCalendar).residual(residual)
                .modelVersion(modelVersion).progress(!noProgress)
                .build();
        Trainer.train(options, System.out); // prints progress, the validation table and what it wrote
        return 0;
    }
}
