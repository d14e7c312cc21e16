package io.streamcast.tools.cli;

import io.streamcast.model.training.TrainOptions;
import io.streamcast.model.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code streamcast train}: trains a model with Deeplearning4j and writes the artifact the job serves. Every option
 * sets the {@link TrainOptions.Builder} setting of its name, and the defaults the help shows are
 * {@link TrainOptions}' own ({@link Defaults}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainCommand.Defaults.class,
        description = {"Train a forecasting model on recorded series with Deeplearning4j and write the model artifact "
                + "(plus the DL4J model zip beside it).",
                "Input: CSV files 'timestamp,value' (one series per file, key = file name) or 'key,timestamp,value'."})
final class TrainCommand implements Callable<Integer> {

    private final TrainOptions.Builder options = TrainOptions.builder(null, null);

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "CSV file or directory of CSV files.")
    void input(Path v) { options.input(v); }

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Artifact to write, e.g. model.scm.")
    void out(Path v) { options.out(v); }

    @Option(names = "--cell", description = "lstm, gru or rnn (default: ${DEFAULT-VALUE}; gru trains in SameDiff: the "
            + "reset-after GRU of ND4J's gru op, full BPTT over each sequence, no clipping).")
    void cell(String v) { options.cell(v); }

    @Option(names = "--layers", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    void layers(int v) { options.layers(v); }

    @Option(names = "--hidden", description = "Units per layer (default: ${DEFAULT-VALUE}).")
    void hidden(int v) { options.hidden(v); }

    @Option(names = "--horizon", description = "Forecast steps K (default: ${DEFAULT-VALUE}).")
    void horizon(int v) { options.horizon(v); }

    @Option(names = "--tbptt", description = "Truncated BPTT length (default: ${DEFAULT-VALUE}).")
    void tbptt(int v) { options.tbptt(v); }

    @Option(names = "--epochs", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    void epochs(int v) { options.epochs(v); }

    @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    void lr(double v) { options.lr(v); }

    @Option(names = "--clip", description = "Gradient clipping, 0 = off (default: ${DEFAULT-VALUE}).")
    void clip(double v) { options.clip(v); }

    @Option(names = "--seed", description = "Seed; same seed and data give the same weights (default: ${DEFAULT-VALUE}).")
    void seed(long v) { options.seed(v); }

    @Option(names = "--patience", description = "Early stopping patience in epochs, 0 = off (default: ${DEFAULT-VALUE}).")
    void patience(int v) { options.patience(v); }

    @Option(names = "--no-calendar", description = "Leave out the hour-of-day and day-of-week features.")
    void noCalendar(boolean v) { options.calendar(!v); }

    @Option(names = "--residual", description = "Residual head: train on the change from the current value, and forecast "
            + "current value + network output (off by default: on the evaluation data it did worse than the direct head).")
    void residual(boolean v) { options.residual(v); }

    @Option(names = "--validation-points", description = "Hold out exactly this many points at the end of every series "
            + "for validation (e.g. 48, the M4 task); 0 = the last 20%% (default: ${DEFAULT-VALUE}).")
    void validationPoints(int v) { options.validationPoints(v); }

    @Option(names = "--context", description = "Unlabelled steps that warm the recurrent state before each training "
            + "sequence, 0 = none (default: ${DEFAULT-VALUE}, two days of hourly data).")
    void context(int v) { options.context(v); }

    @Option(names = "--loss", description = "Training loss: mse or mae (default: ${DEFAULT-VALUE}).")
    void loss(String v) { options.loss(v); }

    @Option(names = "--stop-on", description = "Validation measure for early stopping and the best epoch: mase, smape "
            + "or mse (default: ${DEFAULT-VALUE}).")
    void stopOn(String v) { options.stopOn(v); }

    @Option(names = "--seasonal", description = "Seasonal head: the network learns the correction to each series' "
            + "seasonal naive forecast (its season from its event spacing, as the stream decides it: hourly 24), with "
            + "the change since one season earlier as an extra input. For seasonal data.")
    void seasonal(boolean v) { options.seasonal(v); }

    @Option(names = "--transform", description = "What each key's scaler standardises: none (the values) or "
            + "signed-log1p (sign(v)·ln(1+|v|): changes are learnt relative to the series' level; for series whose "
            + "level varies between series or over time). Stored in the artifact (format 4). Default: ${DEFAULT-VALUE}.")
    void transform(String v) { options.transform(v); }

    @Option(names = "--week-model", description = "Also train a week model: one network over a key's last week of "
            + "values (its signed logarithm, centred), trained across every series with a daily season of at most 48 "
            + "events (hourly, half-hourly), that the stream serves as a candidate beside the model at every horizon. "
            + "Hidden units " + TrainOptions.WEEK_MODEL_HIDDEN + " unless --week-hidden says otherwise. Format 5.")
    void weekModel(boolean v) { weekModel = v; }

    private boolean weekModel;
    private int weekHidden;

    @Option(names = "--week-hidden", description = "Hidden units of the week model (default: none; "
            + TrainOptions.WEEK_MODEL_HIDDEN + " with --week-model).")
    void weekHidden(int v) { weekHidden = v; }

    @Option(names = "--week-epochs", description = "Epochs of the week model's training; the one with the best "
            + "validation MASE is kept (default: " + TrainOptions.DEFAULT_WEEK_EPOCHS + ").")
    void weekEpochs(int v) { options.weekEpochs(v); }

    @Option(names = "--model-version", description = "Version label stored in the artifact (default: <cell>-h<hidden>-<date>).")
    void modelVersion(String v) { options.modelVersion(v); }

    @Option(names = "--no-progress", description = "No progress bar.")
    void noProgress(boolean v) { options.progress(!v); }

    /** The options as parsed, the week model's size settled ({@code --week-model} alone: its default size). */
    TrainOptions effectiveOptions() {
        // a negative --week-hidden goes through, so that validation names it
        options.weekHidden(weekHidden != 0 ? weekHidden : weekModel ? TrainOptions.WEEK_MODEL_HIDDEN : 0);
        return options.build();
    }

    @Override
    public Integer call() throws Exception {
        Trainer.train(effectiveOptions(), System.out); // prints progress, the validation table and what it wrote
        return 0;
    }

    /**
     * The default of an option: {@link TrainOptions}' default of the setting of the same name
     * ({@code --layers} is {@link TrainOptions#layers()} of the defaults), none for options without one.
     */
    static final class Defaults implements IDefaultValueProvider {

        /** The settings without a default: the input and the artifact to write (placeholders in {@link #DEFAULTS}). */
        private static final Set<String> NO_DEFAULT = Set.of("input", "out");

        /** What {@link TrainOptions#builder} gives for every setting. */
        static final TrainOptions DEFAULTS = TrainOptions.builder(Path.of("input.csv"), Path.of("model.scm")).build();

        @Override
        public String defaultValue(ArgSpec arg) throws Exception {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            String setting = camelCase(option.longestName().replaceFirst("^-+", ""));
            if (NO_DEFAULT.contains(setting)) {
                return null;
            }
            for (RecordComponent c : TrainOptions.class.getRecordComponents()) {
                if (c.getName().equals(setting)) {
                    Object value = c.getAccessor().invoke(DEFAULTS);
                    if (value instanceof io.streamcast.model.core.feature.ScalerPolicy.Transform t) {
                        return t.headerName(); // its command-line name is the artifact's, not the constant's
                    }
                    return value == null ? null : value instanceof Enum<?> e
                            ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(value);
                }
            }
            return null;
        }

        private static String camelCase(String kebab) {
            StringBuilder b = new StringBuilder();
            boolean upper = false;
            for (char ch : kebab.toCharArray()) {
                if (ch == '-') {
                    upper = true;
                } else {
                    b.append(upper ? Character.toUpperCase(ch) : ch);
                    upper = false;
                }
            }
            return b.toString();
        }
    }
}
