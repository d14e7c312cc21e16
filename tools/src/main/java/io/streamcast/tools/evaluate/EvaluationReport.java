package io.streamcast.tools.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an evaluation's {@code report.json} (numbers; null for undefined) and {@code report.md} (tables). */
final class EvaluationReport {

    private EvaluationReport() {}

    static void write(Evaluation.Options o, Evaluation.Result r, Duration took, Instant when) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", when.toString());
        json.put("command", o.commandLine());
        json.put("data", o.data().toString());
        json.put("labels", o.labels() == null ? null : o.labels().toString());
        json.put("model_version", o.model().modelVersion());
        json.put("model_sha256", o.model().sha256());
        json.put("model_source", o.model().toString());
        json.put("files", r.series().size());
        json.put("rows", r.rows());
        json.put("rows_without_forecast_record", r.deadLetters());
        json.put("rows_without_forecast_record_by_reason", r.deadLettersByReason());
        json.put("seconds", took.toMillis() / 1000.0);
        List<Object> summaries = new ArrayList<>();
        for (ForecastMetrics.Summary s : r.summaries()) {
            summaries.add(summaryJson(s));
        }
        json.put("forecast_summary", summaries);
        if (!r.nab().isEmpty()) {
            Map<String, Object> nab = new LinkedHashMap<>();
            nab.put("files", r.nab().get(0).files().size());
            nab.put("windows", r.windows());
            nab.put("scored_windows", r.scoredWindows());
            nab.put("threshold_mode", o.fixedThreshold() == null ? "optimised (sweep)" : "fixed");
            nab.put("unlabelled_files_not_scored", r.unlabelledFiles());
            nab.put("labelled_files_missing", r.labelledButMissing());
            Map<String, Object> profiles = new LinkedHashMap<>();
            for (NabScorer.ProfileScore p : r.nab()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("threshold", num(p.threshold()));
                m.put("raw_score", num(p.rawScore()));
                m.put("null_raw", num(p.nullRawScore()));
                m.put("perfect_raw", num(p.perfectRawScore()));
                m.put("normalised_score", num(p.normalisedScore()));
                m.put("TP_windows", p.detectedWindows());
                m.put("FN_windows", p.missedWindows());
                m.put("FP_detections", p.falsePositiveDetections());
                m.put("window_recall", num(p.windowRecall()));
                m.put("window_precision", num(p.windowPrecision()));
                List<Object> files = new ArrayList<>();
                for (NabScorer.FileScore f : p.files()) {
                    Map<String, Object> fm = new LinkedHashMap<>();
                    fm.put("file", f.file());
                    fm.put("windows", f.windows());
                    fm.put("TP_windows", f.detectedWindows());
                    fm.put("FN_windows", f.missedWindows());
                    fm.put("FP_detections", f.falsePositiveDetections());
                    fm.put("raw_score", num(f.rawScore()));
                    files.add(fm);
                }
                m.put("per_file", files);
                profiles.put(p.profile().name(), m);
            }
            nab.put("profiles", profiles);
            json.put("nab", nab);
        }
        List<Object> series = new ArrayList<>();
        for (ForecastMetrics.SeriesResult s : r.series()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", s.series());
            m.put("rows", s.rows());
            m.put("step_s", num(s.stepSeconds()));
            m.put("season_rows", s.seasonRows());
            m.put("start_row", s.startRow());
            m.put("interval_rows", s.intervalRows());
            m.put("interval_coverage", num(s.intervalCoverage()));
            List<Object> hs = new ArrayList<>();
            for (ForecastMetrics.HorizonResult h : s.horizons()) {
                Map<String, Object> hm = new LinkedHashMap<>();
                hm.put("horizon", h.horizon());
                hm.put("rows", h.rows());
                hm.put("model_coverage", num(h.modelCoverage()));
                hm.put("model", errorsJson(h.model()));
                hm.put("persistence", errorsJson(h.persistence()));
                hm.put("seasonal_naive", errorsJson(h.seasonalNaive()));
                hs.add(hm);
            }
            m.put("horizons", hs);
            series.add(m);
        }
        json.put("series", series);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(o.out().resolve("report.json").toFile(), json);
        Files.writeString(o.out().resolve("report.md"), markdown(o, r, took, when), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> summaryJson(ForecastMetrics.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("horizon", s.horizon());
        m.put("series", s.series());
        m.put("mean_NRMSE", num(s.meanNrmse()));
        m.put("median_NRMSE", num(s.medianNrmse()));
        m.put("mean_MASE", num(s.meanMase()));
        m.put("median_MASE", num(s.medianMase()));
        m.put("mean_MASE_seasonal", num(s.meanMaseSeasonal()));
        m.put("median_MASE_seasonal", num(s.medianMaseSeasonal()));
        m.put("mean_MAPE", num(s.meanMape()));
        m.put("median_MAPE", num(s.medianMape()));
        m.put("gmean_relMAE_vs_persistence", num(s.gmeanRelMaeVsPersistence()));
        m.put("gmean_relMAE_vs_seasonal_naive", num(s.gmeanRelMaeVsSeasonalNaive()));
        m.put("series_better_than_persistence", s.seriesBeatingPersistence());
        m.put("persistence_mean_MASE", num(s.persistenceMeanMase()));
        m.put("seasonal_naive_mean_MASE", num(s.seasonalNaiveMeanMase()));
        if (s.horizon() == 1) {
            m.put("interval_coverage_pooled", num(s.pooledIntervalCoverage()));
            m.put("interval_coverage_median", num(s.medianIntervalCoverage()));
        }
        return m;
    }

    private static Map<String, Object> errorsJson(ForecastMetrics.Errors e) {
        if (e == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", e.n());
        m.put("MAE", num(e.mae()));
        m.put("RMSE", num(e.rmse()));
        m.put("NRMSE", num(e.nrmse()));
        m.put("MAPE", num(e.mape()));
        m.put("MAPE_zeros_skipped", e.mapeZerosSkipped());
        m.put("MASE", num(e.mase()));
        m.put("MASE_seasonal", num(e.maseSeasonal()));
        return m;
    }

    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String f(String fmt, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "–";
    }

    static String markdown(Evaluation.Options o, Evaluation.Result r, Duration took, Instant when) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation report\n\n");
        md.append("- date: ").append(when).append('\n');
        md.append("- command: `").append(o.commandLine()).append("`\n");
        md.append("- data: `").append(o.data()).append("`: ").append(r.series().size()).append(" series, ")
                .append(r.rows()).append(" rows");
        if (r.deadLetters() > 0) {
            md.append("; rows the job did not accept (no forecast, score 0): ").append(r.deadLetters()).append(' ')
                    .append(r.deadLettersByReason());
        }
        md.append('\n');
        md.append("- model: `").append(o.model().modelVersion()).append("` (sha256 ")
                .append(o.model().sha256(), 0, 12).append("…)\n");
        md.append(String.format(Locale.ROOT, "- took %.1f s%n%n", took.toMillis() / 1000.0));

        if (!r.nab().isEmpty()) {
            md.append("## Anomaly detection (NAB scoring rule)\n\n");
            md.append(String.format(Locale.ROOT, "%d labelled files, %d windows (%d outside probation); threshold %s.%n%n",
                    r.nab().get(0).files().size(), r.windows(), r.scoredWindows(),
                    o.fixedThreshold() == null ? "chosen per profile to maximise the score on this data" : "fixed"));
            md.append("| profile | threshold | NAB score | raw | null raw | TP windows | FN windows | FP detections | window recall | window precision |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (NabScorer.ProfileScore p : r.nab()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | **%.2f** | %.3f | %.3f | %d | %d | %d | %s | %s |%n",
                        p.profile().name(), Double.isInfinite(p.threshold()) ? "none" : f("%.6g", p.threshold()),
                        p.normalisedScore(), p.rawScore(), p.nullRawScore(), p.detectedWindows(), p.missedWindows(),
                        p.falsePositiveDetections(), f("%.3f", p.windowRecall()), f("%.3f", p.windowPrecision())));
            }
            md.append("\nWindow recall: detected windows / scored windows. Window precision: detections inside windows"
                    + " / all detections after probation (at the profile's threshold).\n\n");
        }

        md.append("## Forecast error (summary over series)\n\n");
        md.append("MASE scales the MAE by the one-step persistence error on the same rows; seasonal MASE by the "
                + "seasonal-naive (one day) error. A series is counted as better than persistence at horizon k when "
                + "its MAE is below that of persistence at the same horizon (the last value repeated k steps ahead), "
                + "which is not the same as MASE < 1 for k > 1: persistence's own error usually grows with k, so a series "
                + "with MASE above 1 can still beat it there (persistence's own mean MASE per horizon: "
                + "`persistence_mean_MASE` in report.json).\n\n");
        md.append("| horizon | series | mean MASE | median MASE | series better than persistence | median seasonal MASE | "
                + "gmean MAE / persistence | gmean MAE / seasonal naive | median NRMSE | median MAPE % | 90% interval coverage (pooled / median) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ForecastMetrics.Summary s : r.summaries()) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %d / %d | %s | %s | %s | %s | %s | %s |%n",
                    s.horizon(), s.series(), f("%.3f", s.meanMase()), f("%.3f", s.medianMase()),
                    s.seriesBeatingPersistence(), s.series(), f("%.3f", s.medianMaseSeasonal()),
                    f("%.3f", s.gmeanRelMaeVsPersistence()), f("%.3f", s.gmeanRelMaeVsSeasonalNaive()),
                    f("%.3f", s.medianNrmse()), f("%.2f", s.medianMape()),
                    Double.isFinite(s.pooledIntervalCoverage())
                            ? f("%.3f", s.pooledIntervalCoverage()) + " / " + f("%.3f", s.medianIntervalCoverage()) : ""));
        }
        md.append("\n## Per series (horizon 1)\n\n");
        boolean nab = !r.nab().isEmpty();
        md.append("| series | rows | season | MAE | NRMSE | MAPE % | MASE | seasonal MASE | seasonal naive MASE | 90% coverage |"
                + (nab ? " NAB TP / FN / FP (standard) |" : "") + "\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (nab ? "---|" : "") + "\n");
        Map<String, NabScorer.FileScore> standard = new LinkedHashMap<>();
        if (nab) {
            for (NabScorer.FileScore fs : r.nab().get(0).files()) {
                standard.put(fs.file(), fs);
            }
        }
        for (ForecastMetrics.SeriesResult s : r.series()) {
            ForecastMetrics.HorizonResult h = s.horizon(1);
            ForecastMetrics.Errors e = h == null ? null : h.model();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |", s.series(),
                    s.rows(), s.seasonRows(), e == null ? "–" : f("%.4g", e.mae()), e == null ? "–" : f("%.3f", e.nrmse()),
                    e == null ? "–" : f("%.2f", e.mape()), e == null ? "–" : f("%.3f", e.mase()),
                    e == null ? "–" : f("%.3f", e.maseSeasonal()), h == null ? "–" : f("%.3f", h.seasonalNaive().mase()),
                    f("%.3f", s.intervalCoverage())));
            if (nab) {
                NabScorer.FileScore fs = standard.get(s.series());
                md.append(fs == null ? " not labelled |" : String.format(Locale.ROOT, " %d / %d / %d |",
                        fs.detectedWindows(), fs.missedWindows(), fs.falsePositiveDetections()));
            }
            md.append('\n');
        }
        return md.toString();
    }
}
