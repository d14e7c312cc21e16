package io.streamcast.tools.evaluate;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code evaluate}: runs the forecast job over every series of a folder, writes one scored CSV per input file at
 * the same relative path ({@link ScoredSeries}), and reports forecast errors ({@link ForecastMetrics}) and, with
 * labels, NAB scores ({@link NabScorer}) as {@code report.md} and {@code report.json} in the output folder.
 *
 * <h2>The anomaly score written</h2>
 * {@code anomaly_score} is the record's {@code detectionScore}, the number the job compares with its threshold: 0
 * for a key's first {@code warm-up-events} events, 1 for a value outside the range seen so far, otherwise the
 * anomaly likelihood on NAB's log scale {@code log(1.0000000001 − L) / log(1e-10)}. NAB thresholds are chosen on
 * it, so the job's own threshold does not matter here.
 *
 * <h2>State TTL</h2>
 * The series of a folder are replayed one after another in one job, each with its own event times; a key's expiry
 * timer could fire early when another file has pushed the watermark ahead, so the state TTL is set to 100 years.
 */
public final class Evaluation {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    /** Event-time state TTL during evaluation, long enough that no timer fires before the input ends. */
    public static final Duration EVALUATION_STATE_TTL = Duration.ofDays(36_500);

    /**
     * @param data           folder of {@code timestamp,value} CSV files (searched recursively)
     * @param labels         NAB windows JSON, or null for no anomaly scoring
     * @param profiles       NAB profiles JSON, or null for NAB's three profiles
     * @param out            output folder
     * @param model          the model to run
     * @param fixedThreshold NAB threshold for every profile, or null to choose it on this data
     * @param parallelism    mini-cluster parallelism
     * @param settings       job options ({@link ForecastOptions} keys)
     * @param commandLine    how this evaluation was started, for the report
     */
    public record Options(Path data, Path labels, Path profiles, Path out, ModelBundle model, Double fixedThreshold,
                          int parallelism, Map<String, String> settings, String commandLine) {}

    /** The whole outcome. */
    public record Result(List<ForecastMetrics.SeriesResult> series, List<ForecastMetrics.Summary> summaries,
                         List<NabScorer.ProfileScore> nab, int scoredWindows, int windows, long rows, long deadLetters,
                         Map<String, Long> deadLettersByReason, List<String> unlabelledFiles,
                         List<String> labelledButMissing, Path report) {}

    private final Options o;
    private final PrintStream log;

    public Evaluation(Options options, PrintStream log) {
        this.o = options;
        this.log = log;
    }

    /** The job's settings for an evaluation: the user's, with a long TTL (see the class doc). */
    public static ForecastJobConfig jobConfig(Map<String, String> settings) {
        Map<String, String> conf = new LinkedHashMap<>(settings);
        if (conf.containsKey(ForecastOptions.STATE_TTL.key())) {
            LOG.warn("evaluate overrides {}={} (see Evaluation's documentation)", ForecastOptions.STATE_TTL.key(),
                    conf.get(ForecastOptions.STATE_TTL.key()));
        }
        conf.put(ForecastOptions.STATE_TTL.key(), EVALUATION_STATE_TTL.toDays() + " d");
        ForecastJobConfig c = ForecastJobConfig.fromConfiguration(Configuration.fromMap(conf));
        if (c.bucketing().isPresent()) {
            throw new IllegalArgumentException("evaluate joins the job's output to the input rows one to one, so "
                    + ForecastOptions.BUCKET_INTERVAL.key() + " cannot be set");
        }
        return c;
    }

    public Result run() throws Exception {
        long start = System.nanoTime();
        if (!Files.isDirectory(o.data())) {
            throw new IllegalArgumentException("--data " + o.data() + " is not a directory");
        }
        ForecastJobConfig config = jobConfig(o.settings());
        List<Path> files = csvFiles(o.data());
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.csv files under " + o.data());
        }
        List<RecordedSeries> series = new ArrayList<>();
        for (Path f : files) {
            series.add(RecordedSeries.read(o.data(), f, KafkaWiring.validation(config)));
        }
        long rows = series.stream().mapToLong(s -> s.rows().size()).sum();
        log.printf("evaluating %d series (%d rows) from %s with model %s%n", series.size(), rows, o.data(),
                o.model().modelVersion());

        Path work = Files.createTempDirectory("streamcast-evaluate");
        EvaluationJob.Output output;
        try {
            output = new EvaluationJob(config, o.model(), o.parallelism()).run(series, work);
        } finally {
            deleteRecursively(work);
        }

        Files.createDirectories(o.out());
        Map<String, ScoredSeries> scored = new LinkedHashMap<>();
        List<ForecastMetrics.SeriesResult> metrics = new ArrayList<>();
        int horizon = 0;
        for (RecordedSeries s : series) {
            ScoredSeries joined = join(s, output.forecasts().getOrDefault(s.key(), List.of()));
            horizon = Math.max(horizon, joined.horizon());
            joined.write(o.out().resolve(s.relativePath()));
            scored.put(s.relativePath(), joined);
            metrics.add(ForecastMetrics.score(s.relativePath(), joined.timestamps(), joined.numericValues(),
                    joined.forecastsByHorizon(), joined.lower(), joined.upper()));
        }
        List<ForecastMetrics.Summary> summaries = new ArrayList<>();
        for (int k : horizon > 1 ? new int[] {1, horizon} : new int[] {1}) {
            summaries.add(ForecastMetrics.summarise(metrics, k));
        }

        List<NabScorer.ProfileScore> nab = List.of();
        List<String> unlabelled = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int windows = 0;
        int scoredWindows = 0;
        if (o.labels() != null) {
            LabelledWindows labels = LabelledWindows.read(o.labels());
            List<NabSeries> truth = new ArrayList<>();
            List<double[]> scores = new ArrayList<>();
            for (String rel : labels.files()) {
                ScoredSeries s = scored.get(rel);
                if (s == null) {
                    missing.add(rel);
                    continue;
                }
                truth.add(NabSeries.fromTimestamps(rel, s.timestamps(), labels.windows(rel)));
                scores.add(s.anomalyScore());
            }
            for (String rel : scored.keySet()) {
                if (!labels.contains(rel)) {
                    unlabelled.add(rel);
                }
            }
            if (!missing.isEmpty()) {
                log.printf("warning: %d labelled file(s) are not under %s and are not scored: %s%n", missing.size(),
                        o.data(), String.join(", ", missing.subList(0, Math.min(5, missing.size()))));
            }
            if (truth.isEmpty()) {
                throw new IllegalArgumentException("none of the files labelled in " + o.labels() + " is under " + o.data());
            }
            NabScorer scorer = new NabScorer(truth, scores);
            windows = scorer.windows();
            scoredWindows = scorer.scoredWindows();
            List<NabProfile> profiles = profiles();
            List<NabScorer.ProfileScore> list = new ArrayList<>();
            for (NabProfile p : profiles) {
                list.add(scorer.score(p, o.fixedThreshold()));
            }
            nab = list;
        }
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (DeadLetter d : output.deadLetters()) {
            reasons.merge(d.getReason().code(), 1L, Long::sum);
        }
        long invalid = series.stream().flatMap(s -> s.rows().stream()).filter(r -> !r.valid()).count();
        if (invalid > 0) {
            reasons.merge("invalid-input-row", invalid, Long::sum);
        }
        Result result = new Result(metrics, summaries, nab, scoredWindows, windows, rows,
                output.deadLetters().size() + invalid, reasons, unlabelled, missing, o.out().resolve("report.md"));
        EvaluationReport.write(o, result, Duration.ofNanos(System.nanoTime() - start), Instant.now());
        return result;
    }

    private List<NabProfile> profiles() throws IOException {
        if (o.profiles() != null) {
            return NabProfile.read(o.profiles());
        }
        Path beside = o.data().resolve("profiles.json");
        return Files.isRegularFile(beside) ? NabProfile.read(beside) : NabProfile.defaults();
    }

    /**
     * Joins the job's records for one series back to its rows by timestamp. Row t's forecast at horizon k comes
     * from the record of row t−k; its anomaly score from its own record (see the class doc).
     */
    static ScoredSeries join(RecordedSeries s, List<ForecastRecord> records) {
        int n = s.rows().size();
        Map<Long, ForecastRecord> byTs = new HashMap<>();
        for (ForecastRecord r : records) {
            byTs.putIfAbsent(r.getTs(), r);
        }
        int horizon = records.stream().mapToInt(ForecastRecord::horizon).max().orElse(0);
        ForecastRecord[] atRow = new ForecastRecord[n];
        Map<Long, Integer> usedBy = new HashMap<>();
        for (int t = 0; t < n; t++) {
            RecordedSeries.Row row = s.rows().get(t);
            if (row.valid()) {
                long ts = row.parsed().getEvent().getTimestampMillis();
                // a repeated timestamp was dead-lettered by the job: only its first row has a record
                if (usedBy.putIfAbsent(ts, t) == null) {
                    atRow[t] = byTs.get(ts);
                }
            }
        }
        double[] score = new double[n];
        double[][] f = new double[horizon][n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (double[] a : f) {
            Arrays.fill(a, Double.NaN);
        }
        Arrays.fill(lo, Double.NaN);
        Arrays.fill(hi, Double.NaN);
        for (int t = 0; t < n; t++) {
            ForecastRecord r = atRow[t];
            if (r != null) {
                score[t] = r.getDetectionScore();
            }
            for (int k = 1; k <= horizon; k++) {
                ForecastRecord from = t - k >= 0 ? atRow[t - k] : null;
                if (from != null && from.getForecast() != null && from.getForecast().length >= k) {
                    f[k - 1][t] = from.getForecast()[k - 1];
                    if (k == 1) {
                        lo[t] = from.getLower() != null && from.getLower().length > 0 ? from.getLower()[0] : Double.NaN;
                        hi[t] = from.getUpper() != null && from.getUpper().length > 0 ? from.getUpper()[0] : Double.NaN;
                    }
                }
            }
        }
        List<String> ts = s.rows().stream().map(RecordedSeries.Row::timestampText).toList();
        List<String> vs = s.rows().stream().map(RecordedSeries.Row::valueText).toList();
        return new ScoredSeries(ts, vs, score, f, lo, hi);
    }

    static List<Path> csvFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".csv"))
                    .filter(p -> {
                        for (Path part : dir.relativize(p)) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.startsWith("_")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted(Comparator.comparing(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .toList();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
