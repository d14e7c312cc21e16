package io.streamcast.tools.cli;

import io.streamcast.tools.evaluate.Evaluation;
import io.streamcast.tools.evaluate.ForecastLayout;
import io.streamcast.tools.evaluate.NabScorer;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.options.JobSettingsMixin;
import io.streamcast.jobs.options.ModelMixin;
import io.streamcast.learner.options.LearnerMixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code streamcast evaluate}: the forecast job over labelled recorded series, with forecast and NAB scores. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, resourceBundle = "io.streamcast.tools.cli.evaluate-help",
        description = {"Run the forecast job (file source, local mini-cluster) over every *.csv series under --data, "
                + "write per input file, at the same relative path under --out, a CSV "
                + "timestamp,value,anomaly_score,forecast,lower,upper,forecast_h2..K, lower_h/upper_h of horizons K/2 and K (one row per input row), and "
                + "report forecast errors and, with --labels, NAB scores in report.md and report.json."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder of timestamp,value CSV files (searched recursively), e.g. a NAB data/ folder.")
    Path data;

    @Option(names = "--labels", paramLabel = "WINDOWS.json",
            description = "Anomaly windows in NAB's combined_windows.json format; enables NAB scoring.")
    Path labels;

    @Option(names = "--profiles", paramLabel = "PROFILES.json",
            description = "NAB profiles (default: DIR/profiles.json if present, else NAB's standard, "
                    + "reward_low_FP_rate and reward_low_FN_rate).")
    Path profiles;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    ModelMixin model;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Fixed NAB threshold on anomaly_score for every profile (default: chosen per profile to "
                    + "maximise the NAB score on this data).")
    Double threshold;

    @Option(names = "--forecast-layout", paramLabel = "target|origin", defaultValue = "target",
            converter = ForecastLayoutConverter.class,
            description = "What each row's forecast columns hold: 'target' (default), the forecasts of that row's "
                    + "value, made k rows earlier (point-forecast scorers read this); 'origin', the forecasts made at "
                    + "that row for the next K rows, so each file's last row is the forecast from the series' end "
                    + "(what M4-style scoring reads). Errors in the report are the same either way.")
    ForecastLayout layout;

    @Mixin
    ParallelismMixin parallelism;

    @Option(names = "--prequential",
            description = "Prequential mode: replay the series merged in event time through the per-key algorithm "
                    + "(no mini-cluster) with the learner running beside it, retraining on what it has seen so far "
                    + "(the --learn-* options) and swapping each accepted version in mid-stream, with no look-ahead. "
                    + "Each row names the model version that served it (column model_version); learner-rounds.tsv "
                    + "and prequential.txt under --out list the rounds and the rows per version. No NAB scoring.")
    boolean prequential;

    @Option(names = "--model-store", paramLabel = "DIR",
            description = "With --prequential: where learned versions are written (default: OUT/models).")
    Path modelStore;

    @Mixin
    LearnerMixin learner;

    @Mixin
    JobSettingsMixin settings;

    /** Accepts the layout names in lower case, as the help shows them. */
    static final class ForecastLayoutConverter implements CommandLine.ITypeConverter<ForecastLayout> {
        @Override
        public ForecastLayout convert(String value) {
            for (ForecastLayout l : ForecastLayout.values()) {
                if (l.name().equalsIgnoreCase(value)) {
                    return l;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a forecast layout: use target or origin");
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold must be in [0, 1], got " + threshold);
        }
        if (prequential) {
            return Prequential.run(this);
        }
        int parallelism = this.parallelism.parallelism();
        ModelBundle bundle = model.bundle();
        StringBuilder cmd = new StringBuilder("streamcast evaluate --data ").append(data);
        if (labels != null) {
            cmd.append(" --labels ").append(labels);
        }
        if (profiles != null) {
            cmd.append(" --profiles ").append(profiles);
        }
        cmd.append(" --out ").append(out);
        if (model.path() != null) {
            cmd.append(" --model ").append(model.path());
        }
        if (threshold != null) {
            cmd.append(" --threshold ").append(threshold);
        }
        if (layout != ForecastLayout.TARGET) {
            cmd.append(" --forecast-layout ").append(layout.name().toLowerCase(Locale.ROOT));
        }
        settings.settings().forEach((k, v) -> cmd.append(" -D ").append(k).append('=').append(v));
        Evaluation.Result r = new Evaluation(new Evaluation.Options(data, labels, profiles, out, bundle, threshold,
                parallelism, settings.settings(), cmd.toString(), layout), System.out).run();
        for (var s : r.summaries()) {
            System.out.printf(Locale.ROOT, "horizon %d: mean MASE %.3f, median MASE %.3f, %d of %d series better than "
                            + "persistence%s%n", s.horizon(), s.meanMase(), s.medianMase(), s.seriesBeatingPersistence(),
                    s.series(), Double.isFinite(s.pooledIntervalCoverage()) ? String.format(Locale.ROOT,
                            ", 90%% interval coverage %.3f", s.pooledIntervalCoverage()) : "");
        }
        for (NabScorer.ProfileScore p : r.nab()) {
            System.out.printf(Locale.ROOT, "NAB %-20s threshold %-10s score %7.2f  (TP windows %d, FN %d, FP detections %d)%n",
                    p.profile().name(), Double.isInfinite(p.threshold()) ? "none" : String.format(Locale.ROOT, "%.6g",
                            p.threshold()), p.normalisedScore(), p.detectedWindows(), p.missedWindows(),
                    p.falsePositiveDetections());
        }
        System.out.println("report: " + r.report());
        return 0;
    }
}
