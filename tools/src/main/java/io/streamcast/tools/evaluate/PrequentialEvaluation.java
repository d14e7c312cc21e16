package io.streamcast.tools.evaluate;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.learner.core.CandidateTrainer;
import io.streamcast.learner.core.DirectoryModelStore;
import io.streamcast.learner.core.Dl4jCandidateTrainer;
import io.streamcast.learner.core.Learner;
import io.streamcast.learner.core.LearnerConfig;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * {@code evaluate --prequential}: replays recorded series merged in event time through the per-key algorithm the job
 * runs ({@link SeriesStep}) and, after every event, the learner ({@link Learner}, the same rounds as the learner
 * job). An accepted round's model serves from the next event on, each key taking it up at its next event (keeping
 * its recurrent state, as the job does for a model of the same architecture). Nothing is read ahead: every forecast
 * is made from the events before it, by a model trained on events before it.
 *
 * <p>Output, per input file at the same relative path under {@code out}: {@code timestamp,value,model_version,
 * forecast,lower,upper,forecast_h2..K} in the requested {@link ForecastLayout}; {@code model_version} names the model
 * that stepped that row's event (in the origin layout, the model that made the row's forecasts). A row whose value is
 * invalid or whose time is not after its key's previous row has empty forecast and version columns (the job
 * dead-letters it). Beside them: {@code learner-rounds.tsv} (every round, accepted or not, with its scores) and
 * {@code prequential.txt} (the command, rows per model version, the rounds).
 *
 * <p>One difference from the live pipeline, on purpose: a round here takes no event time (the replay waits for
 * the training), so a model serves from the event after the round; live, it serves once training and the rollout
 * are done, some wall time later.
 */
public final class PrequentialEvaluation {

    /**
     * @param data        folder of {@code timestamp,value} CSV files (searched recursively)
     * @param out         output folder
     * @param model       the model in service at the start
     * @param learner     the learner's settings
     * @param store       where accepted versions are written
     * @param layout      the forecast columns' layout
     * @param settings    job settings ({@code -D}), as for {@code evaluate}
     * @param commandLine the command, for the summary
     */
    public record Options(Path data, Path out, ModelBundle model, LearnerConfig learner, Path store,
            ForecastLayout layout, Map<String, String> settings, String commandLine) {
    }

    /** What the replay produced. */
    public record Result(long rows, long served, Map<String, Long> rowsByVersion, List<Learner.Round> rounds,
            Path summary) {
    }

    private final Options options;
    private final PrintStream log;
    private final CandidateTrainer trainer;

    public PrequentialEvaluation(Options options, PrintStream log) {
        this(options, log, Dl4jCandidateTrainer.of(options.learner()));
    }

    /** With another trainer (tests). */
    PrequentialEvaluation(Options options, PrintStream log, CandidateTrainer trainer) {
        this.options = options;
        this.log = log;
        this.trainer = trainer;
    }

    private static final class Key {
        final RecordedSeries series;
        final Writer out;
        SeriesState state;
        /** Target layout: the forecasts made at the last K rows, newest at {@code (count - 1) % K}. */
        float[][] recent;
        long count;
        float lowerPrev;
        float upperPrev;

        Key(RecordedSeries series, Writer out) {
            this.series = series;
            this.out = out;
        }
    }

    public Result run() throws Exception {
        if (!Files.isDirectory(options.data())) {
            throw new IllegalArgumentException("--data " + options.data() + " is not a directory");
        }
        ForecastJobConfig config = Evaluation.jobConfig(options.settings());
        List<Path> files = EvaluationInput.csvFiles(options.data());
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.csv files under " + options.data());
        }
        Files.createDirectories(options.out());
        var artifact = options.model().load();
        Learner learner = new Learner(options.learner(), artifact, options.model().sha256(), trainer,
                new DirectoryModelStore(options.store()));
        ServingModel serving = new ServingModel(artifact, options.model().sha256());
        int k = artifact.model().horizon();
        Map<Integer, Integer> lineage = new HashMap<>();
        lineage.put(serving.modelTag, serving.archTag);
        SeriesStep.Lineage lineageView = tag -> lineage.getOrDefault(tag, 0);
        SeriesStep step = new SeriesStep(AnomalyConfig.builder().warmUpEvents(config.warmUpEvents())
                .threshold(config.anomalyThreshold()).build(), true);

        List<Key> keys = new ArrayList<>();
        long totalRows = 0;
        for (Path f : files) {
            RecordedSeries s = RecordedSeries.read(options.data(), f, KafkaWiring.validation(config));
            EvaluationInput.checkTimestamps(f, s);
            totalRows += s.rows().size();
            Path target = options.out().resolve(s.relativePath());
            Files.createDirectories(target.getParent());
            BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8);
            w.write(header(k));
            keys.add(new Key(s, w));
        }
        log.printf(Locale.ROOT, "prequential evaluation of %d series (%d rows) from %s, starting with model %s; "
                        + "learner sample bound %d bytes%n", keys.size(), totalRows, options.data(),
                artifact.modelVersion(), options.learner().sampleBoundBytes());

        // merge by event time; ties in file order
        PriorityQueue<int[]> queue = new PriorityQueue<>(Comparator.<int[]>comparingLong(c -> time(keys, c))
                .thenComparingInt(c -> c[0]));
        for (int i = 0; i < keys.size(); i++) {
            if (!keys.get(i).series.rows().isEmpty()) {
                queue.add(new int[] {i, 0});
            }
        }
        Map<String, Long> byVersion = new LinkedHashMap<>();
        List<Learner.Round> rounds = new ArrayList<>();
        long served = 0;
        long rows = 0;
        try {
            while (!queue.isEmpty()) {
                int[] c = queue.poll();
                Key key = keys.get(c[0]);
                RecordedSeries.Row row = key.series.rows().get(c[1]);
                if (c[1] + 1 < key.series.rows().size()) {
                    queue.add(new int[] {c[0], c[1] + 1});
                }
                rows++;
                if (!row.valid()) {
                    writeRow(key, row, null, null, k);
                    continue;
                }
                var event = row.parsed().getEvent();
                if (key.state == null) {
                    key.state = step.newState(serving);
                    key.recent = options.layout() == ForecastLayout.TARGET ? new float[k][] : null;
                } else if (!SeriesStep.accepts(key.state, event.getTimestampMillis())) {
                    writeRow(key, row, null, null, k);
                    continue;
                }
                step.step(key.state, serving, event.getTimestampMillis(), event.getValue(), lineageView);
                served++;
                byVersion.merge(serving.version, 1L, Long::sum);
                writeRow(key, row, serving.version, step, k);
                var round = learner.onEvent(key.series.key(), event.getTimestampMillis(), event.getValue());
                if (round.isPresent()) {
                    Learner.Round r = round.get();
                    rounds.add(r);
                    log.println(r.describe());
                    if (r.accepted()) {
                        serving = new ServingModel(learner.serving(), learner.servingSha());
                        lineage.put(serving.modelTag, serving.archTag);
                    }
                }
            }
        } finally {
            for (Key key : keys) {
                key.out.close();
            }
        }
        writeRounds(rounds);
        Path summary = writeSummary(rows, served, byVersion, rounds, learner);
        return new Result(rows, served, byVersion, rounds, summary);
    }

    private static long time(List<Key> keys, int[] c) {
        RecordedSeries.Row row = keys.get(c[0]).series.rows().get(c[1]);
        if (row.valid()) {
            return row.parsed().getEvent().getTimestampMillis();
        }
        return NabTimestamps.parse(row.timestampText()).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static String header(int k) {
        StringBuilder h = new StringBuilder("timestamp,value,model_version,forecast,lower,upper");
        for (int j = 2; j <= k; j++) {
            h.append(",forecast_h").append(j);
        }
        return h.append('\n').toString();
    }

    /** One output row; {@code step} null for a row the job would dead-letter. */
    private void writeRow(Key key, RecordedSeries.Row row, String version, SeriesStep step, int k) throws IOException {
        StringBuilder sb = new StringBuilder(64 + 12 * k);
        sb.append(csv(row.timestampText())).append(',').append(csv(row.valueText())).append(',');
        if (step == null) {
            sb.append(",,,");
            sb.append(",".repeat(k - 1));
        } else {
            sb.append(version);
            float[] f = step.forecast();
            if (options.layout() == ForecastLayout.ORIGIN) {
                sb.append(',').append(f[0]).append(',').append(step.lower()[0]).append(',').append(step.upper()[0]);
                for (int j = 1; j < k; j++) {
                    sb.append(',').append(f[j]);
                }
            } else {
                // row t: the forecast of row t made j rows earlier; the 1-step interval is that of the previous row
                float[][] recent = key.recent;
                sb.append(',').append(madeAgo(key, 1, 0)).append(',').append(key.count >= 1 ? key.lowerPrev : "")
                        .append(',').append(key.count >= 1 ? key.upperPrev : "");
                for (int j = 1; j < k; j++) {
                    sb.append(',').append(madeAgo(key, j + 1, j));
                }
                recent[(int) (key.count % k)] = Arrays.copyOf(f, k);
                key.lowerPrev = step.lower()[0];
                key.upperPrev = step.upper()[0];
                key.count++;
            }
        }
        key.out.write(sb.append('\n').toString());
    }

    /** The horizon-{@code h} forecast (index {@code j}) made {@code ago} accepted rows before this one, or "". */
    private static String madeAgo(Key key, int ago, int j) {
        if (key.count < ago) {
            return "";
        }
        float[] f = key.recent[(int) ((key.count - ago) % key.recent.length)];
        return Float.toString(f[j]);
    }

    private static String csv(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private void writeRounds(List<Learner.Round> rounds) throws IOException {
        // tab-separated, not *.csv: scorers that read every *.csv under the folder as a series must not see it
        StringBuilder sb = new StringBuilder(String.join("\t", "round", "accepted", "version", "parent", "train_keys",
                "train_points", "data_from", "data_to", "seconds", "val_keys", "val_pairs", "model_candidate",
                "model_serving", "served_candidate", "served_serving", "persistence", "seasonal_naive", "reason"))
                .append('\n');
        for (Learner.Round r : rounds) {
            sb.append(r.number()).append('\t').append(r.accepted()).append('\t').append(r.candidateVersion())
                    .append('\t').append(r.parentVersion()).append('\t').append(r.trainKeys()).append('\t')
                    .append(r.trainPoints()).append('\t').append(r.dataFrom()).append('\t').append(r.dataTo())
                    .append('\t').append(String.format(Locale.ROOT, "%.1f", r.elapsed().toMillis() / 1000.0));
            if (r.candidate() != null) {
                sb.append(String.format(Locale.ROOT, "\t%d\t%d\t%.5f\t%.5f\t%.5f\t%.5f\t%.5f\t%.5f",
                        r.candidate().keys(), r.candidate().pairs(), r.candidate().model(), r.serving().model(),
                        r.candidate().served(), r.serving().served(), r.candidate().persistence(),
                        r.candidate().seasonalNaive()));
            } else {
                sb.append("\t".repeat(8));
            }
            sb.append('\t').append(r.reason().replace('\t', ' ')).append('\n');
        }
        Files.writeString(options.out().resolve("learner-rounds.tsv"), sb.toString(), StandardCharsets.UTF_8);
    }

    private Path writeSummary(long rows, long served, Map<String, Long> byVersion, List<Learner.Round> rounds,
            Learner learner) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("command: ").append(options.commandLine()).append('\n');
        sb.append(String.format(Locale.ROOT, "rows: %d, served: %d, not served (invalid or out of order): %d%n",
                rows, served, rows - served));
        sb.append(String.format(Locale.ROOT, "learner: %d rounds, %d accepted, %d refused; sample %d keys, %d points, "
                        + "%d of %d bytes%n", learner.rounds(), learner.accepted(), learner.refused(),
                learner.sample().keys(), learner.sample().points(), learner.sample().usedBytes(),
                learner.sample().boundBytes()));
        sb.append("rows served per model version:\n");
        byVersion.forEach((v, n) -> sb.append(String.format(Locale.ROOT, "  %s: %d%n", v, n)));
        sb.append("rounds:\n");
        for (Learner.Round r : rounds) {
            sb.append("  ").append(r.describe()).append('\n');
        }
        Path p = options.out().resolve("prequential.txt");
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
        return p;
    }
}
