package io.streamcast.tools.evaluate;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.tools.local.LocalRun;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate}: runs the forecast job over every series of a folder, writes one scored CSV per input file at
 * the same relative path ({@link ScoredSeries}), and reports forecast errors ({@link ForecastMetrics}) and, with
 * labels, NAB scores ({@link NabScorer}) as {@code report.md} and {@code report.json} in the output folder.
 *
 * <h2>The anomaly score written</h2>
 * {@code anomaly_score} is the record's {@code anomalyScore}, the number the job compares with its threshold: 0
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
                          int parallelism, Map<String, String> settings, String commandLine, ForecastLayout layout) {

        /** Options writing the {@link ForecastLayout#TARGET} layout. */
        public Options(Path data, Path labels, Path profiles, Path out, ModelBundle model, Double fixedThreshold,
                       int parallelism, Map<String, String> settings, String commandLine) {
            this(data, labels, profiles, out, model, fixedThreshold, parallelism, settings, commandLine,
                    ForecastLayout.TARGET);
        }
    }

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

    /**
     * Loads the series (and labels), runs the job over them, scores forecasts and detections, tallies and writes the
     * report.
     */
    public Result run() throws Exception {
        long start = System.nanoTime();
        EvaluationInput input = EvaluationInput.load(o, log);
        EvaluationJob.Output output = runJob(input);
        ForecastScores forecasts = ForecastScores.score(input.series(), output, o.out(), o.layout());
        DetectionScores detections = DetectionScores.score(o, input, forecasts.scored(), log);
        Result result = tally(input, output, forecasts, detections);
        EvaluationReport.write(o, result, Duration.ofNanos(System.nanoTime() - start), Instant.now());
        return result;
    }

    /** Runs the job over every series in a local mini-cluster, in a work folder deleted afterwards. */
    private EvaluationJob.Output runJob(EvaluationInput input) throws Exception {
        Path work = Files.createTempDirectory("streamcast-evaluate");
        try {
            return new EvaluationJob(input.config(), o.model(), o.parallelism()).run(input.series(), work);
        } finally {
            LocalRun.deleteRecursively(work);
        }
    }

    /**
     * The outcome: the scores, and the rows without a forecast record by reason (the job's dead letters, and the
     * input rows that were not valid events).
     */
    private Result tally(EvaluationInput input, EvaluationJob.Output output, ForecastScores forecasts,
                         DetectionScores detections) {
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (DeadLetter d : output.deadLetters()) {
            reasons.merge(d.getReason().code(), 1L, Long::sum);
        }
        long invalid = input.series().stream().flatMap(s -> s.rows().stream()).filter(r -> !r.valid()).count();
        if (invalid > 0) {
            reasons.merge("invalid-input-row", invalid, Long::sum);
        }
        return new Result(forecasts.series(), forecasts.summaries(), detections.nab(), detections.scoredWindows(),
                detections.windows(), input.rows(), output.deadLetters().size() + invalid, reasons,
                detections.unlabelledFiles(), detections.labelledButMissing(), o.out().resolve("report.md"));
    }
}
