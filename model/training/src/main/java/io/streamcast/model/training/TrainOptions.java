package io.streamcast.model.training;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.training.net.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Every setting of a training run, immutable, validated in one place ({@link Builder#build()}).
 *
 * <p>Defaults (chosen so the default model trains in well under two minutes on a few dozen series of a few
 * thousand points on two cores): LSTM, 1 layer, 32 units, horizon 8, tBPTT 50, up to 30 epochs with patience 5,
 * Adam lr 5e-3, element-wise gradient clipping 1.0, seed 42, calendar features on, sequences of 100 steps, an
 * automatic batch size, the last 20% of each series validates, one ND4J thread, direct head.
 *
 * <p>Why those sequence and batch settings: DL4J's recurrent layers loop over time one step at a time, and on a
 * small model each step costs about the same whatever the batch size, so an epoch costs about
 * {@code trainingSteps / batchSize} sequential steps. The automatic batch size ({@link #effectiveBatchSize(int)})
 * aims at {@value #AUTO_BATCHES_PER_EPOCH} minibatches per epoch: small data sets still get enough updates, large
 * ones keep an epoch short.
 *
 * @param input              a CSV file or a directory searched recursively for {@code *.csv}
 * @param out                where the core model artifact is written; the DL4J model zip goes beside it
 *                           ({@link #dl4jModelPath()})
 * @param cell               recurrent cell: {@code lstm}, {@code rnn} (DL4J MultiLayerNetwork) or {@code gru}
 *                           ({@link CellType#GRU_RESET_AFTER}, trained in SameDiff: full BPTT over each sequence, no
 *                           gradient clipping, {@code tbptt} unused)
 * @param layers             stacked recurrent layers, 1..8
 * @param hidden             units per layer, 1..1024
 * @param horizon            forecast steps K, 1..1000
 * @param tbptt              truncated-BPTT length, 1..sequenceLength
 * @param epochs             maximum epochs, 1..10000
 * @param lr                 Adam learning rate, (0, 1]
 * @param clip               element-wise gradient clipping threshold, 0 = off
 * @param seed               seed of initialisation and shuffling; same seed and data give identical weights
 * @param calendar           add hour-of-day and day-of-week features (sin/cos, UTC)
 * @param patience           stop after this many epochs without a better validation MSE; 0 = never stop early
 * @param batchSize          training sequences per minibatch; 0 = automatic ({@link #effectiveBatchSize(int)})
 * @param sequenceLength     steps per training sequence
 * @param validationFraction fraction of each series, at its end, held out for validation, (0, 0.9]
 * @param threads            ND4J (OpenMP) threads; 1 is fastest for models this small on a shared machine
 * @param progress           draw a progress bar per epoch on stderr
 * @param modelVersion       version label stored in the artifact; null = {@code <cell>-h<hidden>-<yyyyMMdd>}
 * @param residual           residual head (default false): train on {@code y_t[j] − x_t[VALUE]} (the change from the current
 *                           scaled value) and export a {@link io.streamcast.model.core.HeadMode#RESIDUAL} model whose
 *                           forecast is {@code x_t[VALUE] + output}; false: train on {@code y_t[j]} (direct head)
 * @param validationPoints   if positive, the last this many points of every series validate instead of the last
 *                           {@code validationFraction} (M4: 48, the task's horizon); 0 = by fraction
 * @param context            unlabelled steps that warm the recurrent state before each training sequence, so a
 *                           label has at least this much of its series behind it as in the stream (default 48: two
 *                           seasons of hourly data); 0 = every sequence starts cold
 * @param loss               training loss: mse or mae
 * @param stopOn             the validation measure early stopping and the choice of the best epoch use: mase (default),
 *                           smape or mse
 * @param seasonal           seasonal head ({@link io.streamcast.model.core.HeadMode#SEASONAL}: the network learns the
 *                           correction to the seasonal naive forecast of each series' own season) and the
 *                           {@code SEASONAL_DIFF} input; overrides {@code residual}
 * @param transform          what the key's scaler standardises ({@link ScalerPolicy.Transform}): the values
 *                           ({@code none}, the default) or their signed logarithm ({@code signed-log1p}: changes learnt
 *                           relative to the series' level); stored in the artifact, the stream scales the same way
 * @param weekHidden         hidden units of the week model ({@link io.streamcast.model.core.WeekModel}) trained beside
 *                           the network on the series with a daily season of at most 48 events; 0 (the default) = none
 * @param weekEpochs         epochs of the week model's training (the best by validation MASE is kept)
 */
public record TrainOptions(Path input, Path out, CellType cell, int layers, int hidden, int horizon, int tbptt,
        int epochs, double lr, double clip, long seed, boolean calendar, int patience, int batchSize,
        int sequenceLength, double validationFraction, int threads, boolean progress, String modelVersion,
        boolean residual, int validationPoints, int context, NetworkSpec.Loss loss, StopMeasure stopOn,
        boolean seasonal, ScalerPolicy.Transform transform, int weekHidden, int weekEpochs) {

    /** The validation measure early stopping watches and the best epoch is chosen by. */
    public enum StopMeasure {
        /** Mean over series of MASE (scaled by the series' in-sample seasonal-naive error) of forecasts made in the
         *  validation part: scale-free, absolute, what M4 scores. */
        MASE,
        /** Mean over series of sMAPE of the same forecasts. */
        SMAPE,
        /** Mean squared error in scaled units over every validation step and horizon (before: the only measure). */
        MSE
    }

    public static final CellType DEFAULT_CELL = CellType.LSTM;
    public static final int DEFAULT_LAYERS = 1;
    public static final int DEFAULT_HIDDEN = 32;
    public static final int DEFAULT_HORIZON = 8;
    public static final int DEFAULT_TBPTT = 50;
    public static final int DEFAULT_EPOCHS = 30;
    public static final double DEFAULT_LR = 5e-3;
    public static final double DEFAULT_CLIP = 1.0;
    public static final long DEFAULT_SEED = 42L;
    public static final boolean DEFAULT_CALENDAR = true;
    public static final int DEFAULT_PATIENCE = 5;
    public static final int DEFAULT_BATCH_SIZE = 0;
    public static final int DEFAULT_SEQUENCE_LENGTH = 100;
    /** Minibatches per epoch the automatic batch size aims at. */
    public static final int AUTO_BATCHES_PER_EPOCH = 16;
    /** Bounds of the automatic batch size. */
    public static final int AUTO_MIN_BATCH = 8;
    public static final int AUTO_MAX_BATCH = 128;
    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
    public static final int DEFAULT_THREADS = 1;
    public static final boolean DEFAULT_RESIDUAL = false;
    public static final int DEFAULT_VALIDATION_POINTS = 0;
    /** Two days of hourly data, two seasons of the most common season. */
    public static final int DEFAULT_CONTEXT = 48;
    public static final NetworkSpec.Loss DEFAULT_LOSS = NetworkSpec.Loss.MSE;
    public static final StopMeasure DEFAULT_STOP_ON = StopMeasure.MASE;
    public static final ScalerPolicy.Transform DEFAULT_TRANSFORM = ScalerPolicy.Transform.IDENTITY;
    /** No week model unless asked for. */
    public static final int DEFAULT_WEEK_HIDDEN = 0;
    /** The week model's hidden units when asked for without a size (the CLI's {@code --week-model}). */
    public static final int WEEK_MODEL_HIDDEN = 64;
    public static final int DEFAULT_WEEK_EPOCHS = 20;

    /** Validates; prefer {@link #builder(Path, Path)}. */
    public TrainOptions {
        List<String> problems = problems(input, out, cell, layers, hidden, horizon, tbptt, epochs, lr, clip,
                patience, batchSize, sequenceLength, validationFraction, threads, modelVersion);
        if (validationPoints < 0) {
            problems.add("validationPoints must be >= 0 (0 = validate on the last validationFraction), got "
                    + validationPoints);
        }
        if (context < 0) {
            problems.add("context must be >= 0, got " + context);
        }
        if (loss == null) {
            problems.add("loss is required (mse or mae)");
        }
        if (stopOn == null) {
            problems.add("stopOn is required (mase, smape or mse)");
        }
        if (transform == null) {
            problems.add("transform is required (none or signed-log1p)");
        }
        if (weekHidden < 0 || weekHidden > 1024) {
            problems.add("weekHidden must be in [0, 1024] (0 = no week model), got " + weekHidden);
        }
        if (weekEpochs < 1 || weekEpochs > 10_000) {
            problems.add("weekEpochs must be in [1, 10000], got " + weekEpochs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training options: " + String.join("; ", problems));
        }
    }

    /** A builder with every default set. */
    public static Builder builder(Path input, Path out) {
        return new Builder(input, out);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(input, out).cell(cell).layers(layers).hidden(hidden).horizon(horizon).tbptt(tbptt)
                .epochs(epochs).lr(lr).clip(clip).seed(seed).calendar(calendar).patience(patience)
                .batchSize(batchSize).sequenceLength(sequenceLength).validationFraction(validationFraction)
                .threads(threads).progress(progress).modelVersion(modelVersion).residual(residual)
                .validationPoints(validationPoints).context(context).loss(loss).stopOn(stopOn).seasonal(seasonal)
                .transform(transform).weekHidden(weekHidden).weekEpochs(weekEpochs);
    }

    /** The scaler policy these options train with and store in the artifact: the default floors, {@link #transform}. */
    public ScalerPolicy scalerPolicy() {
        return ScalerPolicy.DEFAULT.withTransform(transform);
    }

    /** The feature list these options train on. */
    public FeatureSpec features() {
        List<io.streamcast.model.core.feature.Feature> f = new ArrayList<>(
                (calendar ? FeatureSpec.VALUE_AND_CALENDAR : FeatureSpec.VALUE_ONLY).features());
        if (seasonal) {
            f.add(io.streamcast.model.core.feature.Feature.SEASONAL_DIFF);
        }
        return new FeatureSpec(f);
    }

    /** The head mode the exported model gets: {@code SEASONAL} if seasonal, else {@code RESIDUAL} if {@link #residual()}, else {@code DIRECT}. */
    public io.streamcast.model.core.HeadMode headMode() {
        return seasonal ? io.streamcast.model.core.HeadMode.SEASONAL
                : residual ? io.streamcast.model.core.HeadMode.RESIDUAL : io.streamcast.model.core.HeadMode.DIRECT;
    }

    /**
     * The DL4J model zip written beside the artifact: {@code <out without extension>.dl4j.zip} (for a GRU, the SameDiff
     * graph with its parameters, {@code SameDiff.load(file, true)}).
     */
    public Path dl4jModelPath() {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return out.resolveSibling(stem + ".dl4j.zip");
    }

    /**
     * The batch size to train with for {@code sequences} training sequences: {@link #batchSize()} if set, else
     * {@code ceil(sequences / 16)} clamped to [8, 128].
     */
    public int effectiveBatchSize(int sequences) {
        if (batchSize > 0) {
            return batchSize;
        }
        int auto = (sequences + AUTO_BATCHES_PER_EPOCH - 1) / AUTO_BATCHES_PER_EPOCH;
        return Math.max(AUTO_MIN_BATCH, Math.min(AUTO_MAX_BATCH, auto));
    }

    /**
     * Parses a cell name as the CLI spells it: {@code lstm}, {@code gru} or {@code rnn} (any case); {@code gru} is
     * {@link CellType#GRU_RESET_AFTER}, the GRU SameDiff trains.
     */
    public static CellType parseCell(String name) {
        Objects.requireNonNull(name, "cell");
        if (name.trim().equalsIgnoreCase("gru")) {
            return CellType.GRU_RESET_AFTER; // the GRU that can be trained (SameDiff's gru op)
        }
        try {
            return CellType.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cell '" + name + "' is not one of lstm, gru, rnn", e);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String name) {
        Objects.requireNonNull(name, option);
        try {
            return Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + name + "' is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                            .collect(java.util.stream.Collectors.joining(", ")), e);
        }
    }

    private static List<String> problems(Path input, Path out, CellType cell, int layers, int hidden, int horizon,
            int tbptt, int epochs, double lr, double clip, int patience, int batchSize, int sequenceLength,
            double validationFraction, int threads, String modelVersion) {
        List<String> p = new ArrayList<>();
        if (input == null) {
            p.add("input is required");
        }
        if (out == null) {
            p.add("out is required");
        } else if (Files.isDirectory(out)) {
            p.add("out " + out + " is a directory; give the artifact's file name");
        }
        if (cell == null) {
            p.add("cell is required (lstm or rnn)");
        } else if (cell == CellType.GRU) {
            p.add("cell GRU (reset before the recurrent product) cannot be trained; --cell gru trains "
                    + "GRU_RESET_AFTER, the GRU of ND4J's gru op");
        }
        range(p, "layers", layers, 1, 8);
        range(p, "hidden", hidden, 1, 1024);
        range(p, "horizon", horizon, 1, 1000);
        range(p, "epochs", epochs, 1, 10_000);
        range(p, "batchSize", batchSize, 0, 100_000);
        range(p, "sequenceLength", sequenceLength, 1, 1_000_000);
        range(p, "threads", threads, 1, 1024);
        if (tbptt < 1) {
            p.add("tbptt must be >= 1, got " + tbptt);
        } else if (tbptt > sequenceLength && sequenceLength >= 1) {
            p.add("tbptt " + tbptt + " is longer than sequenceLength " + sequenceLength);
        }
        if (!(lr > 0 && lr <= 1)) {
            p.add("lr must be in (0, 1], got " + lr);
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            p.add("clip must be >= 0 (0 = off), got " + clip);
        }
        if (patience < 0) {
            p.add("patience must be >= 0 (0 = no early stopping), got " + patience);
        }
        if (!(validationFraction > 0 && validationFraction <= 0.9)) {
            p.add("validationFraction must be in (0, 0.9], got " + validationFraction);
        }
        if (modelVersion != null && modelVersion.isBlank()) {
            p.add("modelVersion must not be blank when given");
        }
        return p;
    }

    private static void range(List<String> p, String name, int v, int min, int max) {
        if (v < min || v > max) {
            p.add(name + " must be in [" + min + ", " + max + "], got " + v);
        }
    }

    /** Mutable builder; {@link #build()} validates everything at once and reports every problem. */
    public static final class Builder {
        private Path input;
        private Path out;
        private CellType cell = DEFAULT_CELL;
        private int layers = DEFAULT_LAYERS;
        private int hidden = DEFAULT_HIDDEN;
        private int horizon = DEFAULT_HORIZON;
        private int tbptt = DEFAULT_TBPTT;
        private int epochs = DEFAULT_EPOCHS;
        private double lr = DEFAULT_LR;
        private double clip = DEFAULT_CLIP;
        private long seed = DEFAULT_SEED;
        private boolean calendar = DEFAULT_CALENDAR;
        private int patience = DEFAULT_PATIENCE;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int sequenceLength = DEFAULT_SEQUENCE_LENGTH;
        private double validationFraction = DEFAULT_VALIDATION_FRACTION;
        private int threads = DEFAULT_THREADS;
        private boolean progress = true;
        private String modelVersion;
        private boolean residual = DEFAULT_RESIDUAL;
        private int validationPoints = DEFAULT_VALIDATION_POINTS;
        private int context = DEFAULT_CONTEXT;
        private NetworkSpec.Loss loss = DEFAULT_LOSS;
        private StopMeasure stopOn = DEFAULT_STOP_ON;
        private boolean seasonal;
        private ScalerPolicy.Transform transform = DEFAULT_TRANSFORM;
        private int weekHidden = DEFAULT_WEEK_HIDDEN;
        private int weekEpochs = DEFAULT_WEEK_EPOCHS;

        private Builder(Path input, Path out) {
            this.input = input;
            this.out = out;
        }

        public Builder input(Path v) { this.input = v; return this; }
        public Builder out(Path v) { this.out = v; return this; }
        public Builder cell(CellType v) { this.cell = v; return this; }
        public Builder cell(String v) { this.cell = parseCell(v); return this; }
        public Builder layers(int v) { this.layers = v; return this; }
        public Builder hidden(int v) { this.hidden = v; return this; }
        public Builder horizon(int v) { this.horizon = v; return this; }
        public Builder tbptt(int v) { this.tbptt = v; return this; }
        public Builder epochs(int v) { this.epochs = v; return this; }
        public Builder lr(double v) { this.lr = v; return this; }
        public Builder clip(double v) { this.clip = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder calendar(boolean v) { this.calendar = v; return this; }
        public Builder patience(int v) { this.patience = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder sequenceLength(int v) { this.sequenceLength = v; return this; }
        public Builder validationFraction(double v) { this.validationFraction = v; return this; }
        public Builder threads(int v) { this.threads = v; return this; }
        public Builder progress(boolean v) { this.progress = v; return this; }
        public Builder modelVersion(String v) { this.modelVersion = v; return this; }
        /** Residual head (default false); {@code residual(true)} is the CLI's {@code --residual}. */
        public Builder residual(boolean v) { this.residual = v; return this; }
        public Builder validationPoints(int v) { this.validationPoints = v; return this; }
        public Builder context(int v) { this.context = v; return this; }
        public Builder loss(NetworkSpec.Loss v) { this.loss = v; return this; }
        public Builder loss(String v) { this.loss = parse(NetworkSpec.Loss.class, "loss", v); return this; }
        public Builder stopOn(StopMeasure v) { this.stopOn = v; return this; }
        /** Seasonal head and the SEASONAL_DIFF input (the CLI's {@code --seasonal}). */
        public Builder seasonal(boolean v) { this.seasonal = v; return this; }
        public Builder stopOn(String v) { this.stopOn = parse(StopMeasure.class, "stop-on", v); return this; }
        public Builder transform(ScalerPolicy.Transform v) { this.transform = v; return this; }
        /** Hidden units of the week model, 0 = none (the CLI's {@code --week-hidden}). */
        public Builder weekHidden(int v) { this.weekHidden = v; return this; }
        public Builder weekEpochs(int v) { this.weekEpochs = v; return this; }
        /** {@code none} or {@code signed-log1p} (the CLI's {@code --transform}). */
        public Builder transform(String v) {
            try {
                this.transform = ScalerPolicy.Transform.ofHeaderName(v.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid training options: transform: " + e.getMessage(), e);
            }
            return this;
        }

        /** @throws IllegalArgumentException listing every invalid option with its value */
        public TrainOptions build() {
            return new TrainOptions(input, out, cell, layers, hidden, horizon, tbptt, epochs, lr, clip, seed,
                    calendar, patience, batchSize, sequenceLength, validationFraction, threads, progress,
                    modelVersion, residual, validationPoints, context, loss, stopOn, seasonal, transform, weekHidden,
                    weekEpochs);
        }
    }
}
