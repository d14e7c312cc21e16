package io.streamcast.tools.evaluate;

import io.streamcast.connectors.output.ForecastRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step of an {@link Evaluation} that scores forecasts: joins the job's records back to each series' rows, writes
 * one scored CSV per input file at the same relative path (in the {@link ForecastLayout} asked for), and computes
 * forecast errors per series and summaries at horizon 1 and the longest horizon (always from the
 * {@link ForecastLayout#TARGET} join, where each forecast sits beside its value).
 *
 * @param scored    the scored series by relative path, in input order
 * @param series    forecast errors per series
 * @param summaries summaries over series per horizon
 */
record ForecastScores(Map<String, ScoredSeries> scored, List<ForecastMetrics.SeriesResult> series,
                      List<ForecastMetrics.Summary> summaries) {

    static ForecastScores score(List<RecordedSeries> input, EvaluationJob.Output output, Path out) throws IOException {
        return score(input, output, out, ForecastLayout.TARGET);
    }

    static ForecastScores score(List<RecordedSeries> input, EvaluationJob.Output output, Path out, ForecastLayout layout)
            throws IOException {
        Files.createDirectories(out);
        Map<String, ScoredSeries> scored = new LinkedHashMap<>();
        List<ForecastMetrics.SeriesResult> metrics = new ArrayList<>();
        int horizon = 0;
        for (RecordedSeries s : input) {
            List<ForecastRecord> records = output.forecasts().getOrDefault(s.key(), List.of());
            ScoredSeries joined = join(s, records, ForecastLayout.TARGET);
            horizon = Math.max(horizon, joined.horizon());
            (layout == ForecastLayout.TARGET ? joined : join(s, records, layout)).write(out.resolve(s.relativePath()));
            scored.put(s.relativePath(), joined);
            metrics.add(ForecastMetrics.score(s.relativePath(), joined.timestamps(), joined.numericValues(),
                    joined.forecastsByHorizon(), joined.lower(), joined.upper(), joined.bounds()));
        }
        List<ForecastMetrics.Summary> summaries = new ArrayList<>();
        for (int k : ScoredSeries.boundHorizons(Math.max(horizon, 1))) {
            summaries.add(ForecastMetrics.summarise(metrics, k));
        }
        return new ForecastScores(scored, metrics, summaries);
    }

    /**
     * Joins the job's records for one series back to its rows by timestamp. In the {@link ForecastLayout#TARGET}
     * layout row t's forecast at horizon k comes from the record of row t−k, in the {@link ForecastLayout#ORIGIN}
     * layout from row t's own record; its anomaly score always from its own record (see {@link Evaluation}).
     */
    static ScoredSeries join(RecordedSeries s, List<ForecastRecord> records) {
        return join(s, records, ForecastLayout.TARGET);
    }

    static ScoredSeries join(RecordedSeries s, List<ForecastRecord> records, ForecastLayout layout) {
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
        java.util.SortedMap<Integer, double[][]> bounds = new java.util.TreeMap<>();
        for (int k : ScoredSeries.boundHorizons(horizon)) {
            if (k > 1) {
                double[][] b = new double[2][n];
                Arrays.fill(b[0], Double.NaN);
                Arrays.fill(b[1], Double.NaN);
                bounds.put(k, b);
            }
        }
        Arrays.fill(lo, Double.NaN);
        Arrays.fill(hi, Double.NaN);
        for (int t = 0; t < n; t++) {
            ForecastRecord r = atRow[t];
            if (r != null) {
                score[t] = r.getAnomalyScore();
            }
            for (int k = 1; k <= horizon; k++) {
                int at = layout == ForecastLayout.TARGET ? t - k : t;
                ForecastRecord from = at >= 0 ? atRow[at] : null;
                if (from != null && from.getForecast() != null && from.getForecast().length >= k) {
                    f[k - 1][t] = from.getForecast()[k - 1];
                    if (k == 1) {
                        lo[t] = from.getLower() != null && from.getLower().length > 0 ? from.getLower()[0] : Double.NaN;
                        hi[t] = from.getUpper() != null && from.getUpper().length > 0 ? from.getUpper()[0] : Double.NaN;
                    } else if (bounds.containsKey(k)) {
                        double[][] b = bounds.get(k);
                        b[0][t] = from.getLower() != null && from.getLower().length >= k ? from.getLower()[k - 1] : Double.NaN;
                        b[1][t] = from.getUpper() != null && from.getUpper().length >= k ? from.getUpper()[k - 1] : Double.NaN;
                    }
                }
            }
        }
        List<String> ts = s.rows().stream().map(RecordedSeries.Row::timestampText).toList();
        List<String> vs = s.rows().stream().map(RecordedSeries.Row::valueText).toList();
        return new ScoredSeries(ts, vs, score, f, lo, hi, bounds);
    }
}
