package io.streamcast.model.training;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.training.data.Series;
import io.streamcast.model.training.data.SeriesReader;
import io.streamcast.model.training.dataset.SequenceDataSets;
import io.streamcast.model.training.dataset.SeriesFeatures;
import io.streamcast.model.training.dataset.ValidationMetrics;
import io.streamcast.model.training.export.ModelExporter;
import io.streamcast.model.training.week.WeekModelTrainer;
import io.streamcast.model.training.net.NetworkFactory;
import io.streamcast.model.training.net.NetworkSpec;
import io.streamcast.model.training.net.SameDiffGru;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a forecasting network on recorded series and writes the core model artifact.
 *
 * <p>Steps: read the series ({@link SeriesReader}); run each through the core feature pipeline
 * ({@link SeriesFeatures}); cut training sequences and hold out the last part of every series
 * ({@link SequenceDataSets}; with {@link TrainOptions#residual()}, the default, the labels are the changes
 * {@code y_t[j] − x_t[VALUE]} and the exported model has a residual head); train a DL4J network ({@link NetworkFactory}) with truncated BPTT for up to
 * {@code epochs} epochs, scoring the validation measure ({@link TrainOptions#stopOn()}: MASE by default) after each and keeping the best parameters (early stopping after
 * {@code patience} epochs without improvement); export ({@link ModelExporter}); score the exported model by
 * stepping the core {@code Forecaster} over every series exactly as the stream would; write the artifact and the
 * DL4J zip.
 *
 * <p>Speed: ND4J's OpenMP pool oversubscribes a small shared machine and is slower than one thread for models of
 * this size, so the run sets ND4J to {@code threads} threads (default 1). For the same effect from the first op,
 * start the JVM with {@code OMP_NUM_THREADS=1}. Loading this class also sets
 * {@code org.bytedeco.javacpp.maxphysicalbytes=0} unless given (see the static initialiser).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final DateTimeFormatter VERSION_DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);


    static {
        // JavaCPP otherwise measures the process's physical memory on allocations, which costs more than the
        // arithmetic of a small recurrent network. Only effective if ND4J has not been loaded yet.
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "0");
        }
    }

    private Trainer() {
    }

    /**
     * Reads {@code options.input()}, trains, and writes the artifact to {@code options.out()} and the DL4J zip to
     * {@link TrainOptions#dl4jModelPath()}. Progress lines and the final accuracy table go to {@code log}; the
     * per-epoch progress bar to stderr when {@code options.progress()}.
     *
     * @throws IOException if reading the data or writing the outputs fails
     * @throws io.streamcast.model.training.data.SeriesFormatException for a malformed input row
     * @throws IllegalArgumentException if no series is long enough to train on
     */
    public static TrainResult train(TrainOptions options, PrintStream log) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(log, "log");
        Instant start = Instant.now();
        List<Series> series;
        try {
            series = SeriesReader.read(options.input());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        TrainedModel trained = fit(series, options, log);
        String version = options.modelVersion() != null ? options.modelVersion()
                : options.cell().name().toLowerCase(Locale.ROOT) + "-h" + options.hidden() + "-"
                        + VERSION_DATE.format(start);
        Map<String, Double> metrics = new LinkedHashMap<>(trained.metrics().asMap());
        metrics.put("best_epoch", (double) trained.bestEpoch());
        metrics.put("epochs_run", (double) trained.epochsRun());
        metrics.put("train_seconds", Duration.between(start, Instant.now()).toMillis() / 1000.0);
        WeekModelTrainer.Result week = null;
        if (options.weekHidden() > 0) {
            week = WeekModelTrainer.train(series, options.horizon(), options.weekHidden(), options.weekEpochs(),
                    options.seed(), options.validationFraction(), options.validationPoints(), log);
            if (week.model() != null) {
                metrics.put("week_val_mase", week.valMase());
                metrics.put("week_val_smape", week.valSmape());
                metrics.put("week_best_epoch", (double) week.bestEpoch());
                metrics.put("train_seconds", Duration.between(start, Instant.now()).toMillis() / 1000.0);
            }
        }
        Provenance provenance = new Provenance(
                describeData(options.input(), series, trained.seriesKeys()),
                trained.points(), options.seed(), trained.epochsRun(), options.lr(), options.tbptt(), options.clip(),
                Instant.now(), metrics);
        ModelArtifact artifact = ModelArtifact.of(trained.model(), options.scalerPolicy(), provenance, version)
                .withWeekModel(week == null ? null : week.model());
        Path out = options.out().toAbsolutePath();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ModelArtifactWriter.write(artifact, out);
        Path zip = options.dl4jModelPath().toAbsolutePath();
        if (trained.network() != null) {
            ModelSerializer.writeModel(trained.network(), zip.toFile(), true);
        } else {
            trained.gruNetwork().save(zip.toFile());
        }
        Duration elapsed = Duration.between(start, Instant.now());
        log.printf(Locale.ROOT, "wrote %s (model version %s) and %s in %.1f s%n", out, version, zip,
                elapsed.toMillis() / 1000.0);
        return new TrainResult(out, zip, version, trained.metrics(), trained.bestEpoch(), trained.epochsRun(),
                trained.seriesKeys().size(), trained.points(), elapsed);
    }

    /**
     * Trains on series already in memory and returns the network and its export without writing anything.
     * {@code options.input()} and {@code out()} are not used.
     */
    public static TrainedModel fit(List<Series> series, TrainOptions options, PrintStream log) {
        return fit(series, options, log, 1.0);
    }

    /**
     * As {@link #fit(List, TrainOptions, PrintStream)}, taking at most {@code cpuShare} of the time it runs for the
     * minibatches: after each, it sleeps {@code (1 − share)/share} times as long as the minibatch took, so that a
     * training run beside a latency-sensitive job (the learner beside the forecast job on the same machine) leaves it
     * the rest of a core. 1: no pause.
     *
     * @throws IllegalArgumentException if {@code cpuShare} is not in (0, 1]
     * @throws IllegalStateException    if the thread is interrupted while pausing (a cancelled task)
     */
    public static TrainedModel fit(List<Series> series, TrainOptions options, PrintStream log, double cpuShare) {
        if (!(cpuShare > 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("cpuShare must be in (0, 1], got " + cpuShare);
        }
        Nd4j.getEnvironment().setMaxMasterThreads(options.threads());
        Nd4j.getEnvironment().setMaxThreads(options.threads());

        List<SeriesFeatures> tables = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        long points = 0;
        int minLength = minimumLength(options);
        for (Series s : series) {
            if (s.size() < minLength) {
                log.printf(Locale.ROOT, "skipping series '%s' (%s): %d points, need at least %d%n", s.key(),
                        s.source(), s.size(), minLength);
                continue;
            }
            tables.add(SeriesFeatures.compute(s, options.features(), options.scalerPolicy(), options.horizon()));
            keys.add(s.key());
            points += s.size();
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("no series with at least " + minLength + " points among "
                    + series.size() + " read from " + options.input());
        }
        SequenceDataSets data = new SequenceDataSets(tables, options.validationFraction(), options.validationPoints(),
                options.sequenceLength(), options.context(), options.headMode());
        NetworkSpec spec = new NetworkSpec(options.cell(), options.features().size(), options.layers(),
                options.hidden(), options.horizon(), options.tbptt(), options.lr(), options.clip(), options.seed(),
                options.loss());
        boolean sameDiff = options.cell() == io.streamcast.model.core.cell.CellType.GRU_RESET_AFTER;
        MultiLayerNetwork net = sameDiff ? null : NetworkFactory.create(spec);
        SameDiffGru gru = sameDiff ? new SameDiffGru(spec) : null;
        int batchSize = options.effectiveBatchSize(data.sequenceCount());
        log.printf(Locale.ROOT, "training %s: %d series, %d points, %d sequences of <= %d steps (%d labelled after up to %d "
                        + "of context), batch %d, %d batches/epoch, %d parameters, features %s%n", describe(options),
                tables.size(), points, data.sequenceCount(), data.maxSequenceSteps(), data.sequenceLength(),
                data.context(), batchSize, data.batchCount(batchSize), sameDiff ? gru.numParams() : net.numParams(),
                options.features().features());

        Random shuffle = new Random(options.seed());
        SequenceDataSets.ValidationWindows validationInput = data.validationWindows();
        double bestScore = Double.POSITIVE_INFINITY;
        String measure = measureName(options.stopOn());
        INDArray bestParams = null;
        Map<String, INDArray> bestGru = null;
        ValidationMetrics bestMetrics = null;
        int bestEpoch = 0;
        int sinceBest = 0;
        int epoch = 0;
        while (epoch < options.epochs()) {
            epoch++;
            long epochStart = System.nanoTime();
            List<DataSet> batches = data.trainBatches(batchSize, shuffle);
            double lossSum = 0;
            try (ProgressBar bar = options.progress() ? progressBar(epoch, options.epochs(), batches.size()) : null) {
                for (int i = 0; i < batches.size(); i++) {
                    long batchStart = System.nanoTime();
                    if (sameDiff) {
                        lossSum += gru.fit(batches.get(i));
                    } else {
                        net.fit(batches.get(i));
                        lossSum += net.score();
                    }
                    pause(System.nanoTime() - batchStart, cpuShare);
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / (i + 1)));
                    }
                }
            }
            long trainEnd = System.nanoTime();
            // a SameDiff GRU is scored through its export (the core forecaster over each whole series)
            ValidationMetrics m = sameDiff ? evaluate(gru.export(options.features(), options.headMode()), data)
                    : evaluate(net, data, validationInput);
            long validationEnd = System.nanoTime();
            double score = stopScore(m, options.stopOn());
            boolean better = score < bestScore;
            if (better) {
                bestScore = score;
                if (sameDiff) {
                    bestGru = gru.snapshot();
                } else {
                    bestParams = net.params().dup();
                }
                bestMetrics = m;
                bestEpoch = epoch;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            ValidationMetrics.OriginScores o = m.origin();
            log.printf(Locale.ROOT, "epoch %d/%d  train loss %.5f  val MASE %.4f sMAPE %.3f (seasonal naive %.4f / %.3f, "
                            + "persistence %.4f / %.3f; %d of %d series better than seasonal naive)  val mse %.5f"
                            + "  %.1f+%.1f s%s%n", epoch, options.epochs(), lossSum / batches.size(), o.mase(), o.smape(),
                    o.seasonalMase(), o.seasonalSmape(), o.persistenceMase(), o.persistenceSmape(),
                    o.betterThanSeasonal(), o.series(), m.mse(), (trainEnd - epochStart) / 1e9,
                    (validationEnd - trainEnd) / 1e9, better ? "  *" : "");
            if (options.patience() > 0 && sinceBest >= options.patience()) {
                log.printf(Locale.ROOT, "early stop: no better validation %s for %d epochs; keeping epoch %d%n",
                        measure, sinceBest, bestEpoch);
                break;
            }
        }
        if (bestParams == null && bestGru == null) {
            throw new IllegalStateException("training diverged: validation " + measure + " was never finite (try a lower lr, "
                    + "got " + options.lr() + ")");
        }
        ForecastModel model;
        if (sameDiff) {
            gru.restore(bestGru);
            model = gru.export(options.features(), options.headMode());
        } else {
            net.setParams(bestParams);
            model = ModelExporter.export(net, options.features(), options.headMode());
        }
        ValidationMetrics coreMetrics = evaluate(model, data);
        double gap = Math.abs(coreMetrics.mse() - bestMetrics.mse()) / Math.max(bestMetrics.mse(), 1e-12);
        if (gap > 1e-3) {
            LOG.warn("the exported model's validation MSE {} differs from DL4J's {} (relative {}): check the export",
                    coreMetrics.mse(), bestMetrics.mse(), gap);
        }
        printTable(log, coreMetrics, keys, options.stopOn(), bestEpoch, bestMetrics);
        return new TrainedModel(net, gru, model, coreMetrics, bestMetrics, bestEpoch, epoch, List.copyOf(keys), points);
    }

    /** Shortest series that yields both a training label and two validation steps. */
    static int minimumLength(TrainOptions o) {
        int n = 2;
        while (true) {
            int split = SequenceDataSets.splitIndex(n, o.validationFraction(), o.validationPoints(), o.horizon());
            if (split - 1 - o.horizon() >= 1 && n - split >= 2) {
                return n;
            }
            n++;
        }
    }

    /**
     * Validation metrics from DL4J's own forward pass over the validation windows (burn-in, then scored steps). In
     * residual mode the network's output is a change, so the current scaled value is added back before scoring.
     */
    static ValidationMetrics evaluate(MultiLayerNetwork net, SequenceDataSets data,
            SequenceDataSets.ValidationWindows windows) {
        INDArray out = net.output(windows.features(), false);
        long[] shape = out.shape(); // [W, K, L]
        int k = (int) shape[1];
        int len = (int) shape[2];
        float[] flat = out.dup('c').data().asFloat();
        return ValidationMetrics.compute(data,
                (s, step, j) -> flat[(windows.window(s, step) * k + j - 1) * len + windows.offset(s, step)]
                        + data.outputOffset(s, step, j));
    }

    /** Validation metrics of the exported model, stepped by the core {@link Forecaster} one event at a time. */
    public static ValidationMetrics evaluate(ForecastModel model, SequenceDataSets data) {
        Forecaster forecaster = model.newForecaster();
        int k = model.horizon();
        List<float[]> predictions = new ArrayList<>();
        float[] x = new float[model.inputSize()];
        float[] out = new float[k];
        boolean seasonal = model.headMode() == io.streamcast.model.core.HeadMode.SEASONAL;
        for (int s = 0; s < data.series().size(); s++) {
            SeriesFeatures sf = data.series().get(s);
            float[] state = model.newState();
            float[] p = new float[sf.length() * k];
            for (int step = 0; step < sf.length(); step++) {
                sf.features(step, x);
                forecaster.step(x, state, out);
                if (seasonal) { // the forecaster added x_t[VALUE]; the stream rebases onto seasonal naive
                    for (int j = 0; j < k; j++) {
                        out[j] += data.outputOffset(s, step, j + 1) - x[0];
                    }
                }
                System.arraycopy(out, 0, p, step * k, k);
            }
            predictions.add(p);
        }
        return ValidationMetrics.compute(data, (s, step, j) -> predictions.get(s)[step * k + j - 1]);
    }

    private static ProgressBar progressBar(int epoch, int epochs, int batches) {
        return new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    /** The number early stopping minimises. */
    static double stopScore(ValidationMetrics m, TrainOptions.StopMeasure measure) {
        double v = switch (measure) {
            case MASE -> m.origin().mase();
            case SMAPE -> m.origin().smape();
            case MSE -> m.mse();
        };
        return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
    }

    /** Sleeps {@code busyNanos · (1 − share)/share}: the pause that keeps a minibatch to {@code share} of the time. */
    static void pause(long busyNanos, double share) {
        if (share >= 1) {
            return;
        }
        long nanos = (long) (busyNanos * (1 - share) / share);
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted while pausing for its CPU share", e);
        }
    }

    private static String measureName(TrainOptions.StopMeasure measure) {
        return switch (measure) {
            case MASE -> "MASE";
            case SMAPE -> "sMAPE";
            case MSE -> "MSE";
        };
    }

    private static void printTable(PrintStream log, ValidationMetrics m, List<String> keys,
            TrainOptions.StopMeasure measure, int bestEpoch, ValidationMetrics epochMetrics) {
        ValidationMetrics.OriginScores o = m.origin();
        ValidationMetrics.OriginScores e = epochMetrics.origin();
        log.printf(Locale.ROOT, "kept epoch %d (its line: val MASE %.4f sMAPE %.3f, %d of %d series better than seasonal "
                + "naive; from windows of the validation part)%n", bestEpoch, e.mase(), e.smape(), e.betterThanSeasonal(),
                e.series());
        log.printf(Locale.ROOT, "the exported model stepped over each whole series as the stream would: val MASE %.4f "
                        + "sMAPE %.3f; seasonal naive %.4f / %.3f; persistence %.4f / %.3f; %d of %d series better than "
                        + "seasonal naive%n", o.mase(), o.smape(), o.seasonalMase(), o.seasonalSmape(),
                o.persistenceMase(), o.persistenceSmape(), o.betterThanSeasonal(), o.series());
        log.printf(Locale.ROOT, "validation (last part of %d series, %d scored points), MAE in original units:%n",
                keys.size(), m.points());
        log.printf(Locale.ROOT, "  %-5s %14s %14s %8s%n", "step", "model", "persistence", "ratio");
        for (int j = 0; j < m.mae().length; j++) {
            log.printf(Locale.ROOT, "  %-5d %14.6g %14.6g %8.3f%n", j + 1, m.mae()[j], m.persistenceMae()[j],
                    m.mae()[j] / m.persistenceMae()[j]);
        }
        int shown = Math.min(keys.size(), 30);
        log.printf(Locale.ROOT, "  per series, step 1%s:%n", shown < keys.size() ? " (first " + shown + ")" : "");
        for (int s = 0; s < shown; s++) {
            log.printf(Locale.ROOT, "  %-40s %14.6g %14.6g %8.3f%n", keys.get(s), m.seriesMae1()[s],
                    m.seriesPersistenceMae1()[s], m.seriesMae1()[s] / m.seriesPersistenceMae1()[s]);
        }
        log.printf(Locale.ROOT, "  step 1: model MAE %.6g vs persistence %.6g; mean per-series ratio %.3f%n",
                m.mae1(), m.persistenceMae1(), m.meanSeriesRatio1());
        double model = stopScore(m, measure);
        double persistence = measure == TrainOptions.StopMeasure.MSE ? m.persistenceMse()
                : measure == TrainOptions.StopMeasure.MASE ? o.persistenceMase() : o.persistenceSmape();
        double seasonal = measure == TrainOptions.StopMeasure.MSE ? Double.NaN
                : measure == TrainOptions.StopMeasure.MASE ? o.seasonalMase() : o.seasonalSmape();
        log.printf(Locale.ROOT, "verdict on validation %s (the measure early stopping used): model %.4f, persistence %.4f%s: "
                        + "%s%n", measureName(measure), model, persistence,
                Double.isNaN(seasonal) ? "" : String.format(Locale.ROOT, ", seasonal naive %.4f", seasonal),
                model < persistence && !(model >= seasonal) ? "beats both baselines"
                        : model < persistence ? "beats persistence, NOT seasonal naive"
                        : model < seasonal ? "beats seasonal naive, NOT persistence" : "does NOT beat the baselines");
    }

    /** Notes that travel with a copy of public data: licence, notice, readme. */
    private static final Pattern NOTE = Pattern.compile(
            "(?i)(licen[cs]e|notice|copying|readme)([.-].*)?");

    /**
     * What the model saw, for its provenance: the input, the number of series trained on and, for a folder of
     * folders, each first-level folder with its series and the licence or readme files at its top (a model trained
     * on copies of public data names them and their notes): {@code /data (464 series: m4-hourly/ 414 with
     * README.md; nab-dev/ 34 with LICENSE.txt; sample/ 16)}. Series in files directly under the input are counted
     * as {@code ./}.
     */
    static String describeData(Path input, List<Series> series, List<String> trainedKeys) {
        Path root = input.toAbsolutePath().normalize();
        StringBuilder sb = new StringBuilder(root.toString()).append(" (").append(trainedKeys.size()).append(" series");
        if (!Files.isDirectory(root)) {
            return sb.append(')').toString();
        }
        Set<String> used = new HashSet<>(trainedKeys);
        SortedMap<String, Integer> groups = new TreeMap<>();
        for (Series s : series) {
            if (!used.contains(s.key())) {
                continue;
            }
            Path rel = root.relativize(Path.of(s.source()).toAbsolutePath().normalize());
            groups.merge(rel.getNameCount() > 1 ? rel.getName(0) + "/" : "./", 1, Integer::sum);
        }
        if (groups.size() == 1 && groups.containsKey("./")) {
            return sb.append(')').toString();
        }
        String sep = ": ";
        for (Map.Entry<String, Integer> g : groups.entrySet()) {
            sb.append(sep).append(g.getKey()).append(' ').append(g.getValue());
            sep = "; ";
            if (g.getKey().equals("./")) {
                continue;
            }
            List<String> notes;
            try (Stream<Path> files = Files.list(root.resolve(g.getKey()))) {
                notes = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                        .filter(n -> NOTE.matcher(n).matches()).sorted().toList();
            } catch (IOException e) {
                notes = List.of();
            }
            if (!notes.isEmpty()) {
                sb.append(" with ").append(String.join(", ", notes));
            }
        }
        return sb.append(')').toString();
    }

    private static String describe(TrainOptions o) {
        return String.format(Locale.ROOT, "%s layers=%d hidden=%d horizon=%d tbptt=%d epochs<=%d patience=%d lr=%g "
                        + "clip=%g seed=%d head=%s", o.cell().name().toLowerCase(Locale.ROOT), o.layers(), o.hidden(),
                o.horizon(), o.tbptt(), o.epochs(), o.patience(), o.lr(), o.clip(), o.seed(),
                o.headMode().headerName());
    }
}
