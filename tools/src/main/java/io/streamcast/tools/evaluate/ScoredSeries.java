package io.streamcast.tools.evaluate;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation output of one series, one row per input row in input order:
 * {@code timestamp,value,anomaly_score,forecast,lower,upper,forecast_h2..forecast_hK}, then for each horizon k of
 * {@link #bounds} (evaluate writes K/2 and K) {@code lower_hk,upper_hk}, the 90% interval of {@code forecast_hk}.
 *
 * <p>Row {@code t}'s {@code forecast_hk} is the forecast of row t's value made at row {@code t−k} (from rows
 * 0..t−k only); {@code forecast} is {@code forecast_h1}, and {@code lower}/{@code upper} bound it. Empty cells
 * mean no forecast (the first rows, or rows the job did not accept). {@code anomaly_score} is the record's anomaly
 * score, in [0, 1], the number the job's threshold and NAB's thresholds are applied to.
 *
 * @param timestamps   timestamp text of each row, as in the input
 * @param values       value text of each row, as in the input
 * @param anomalyScore anomaly score per row
 * @param forecasts    forecasts[k−1][t] = forecast_hk of row t (NaN = none)
 * @param lower        lower bound of the one-step interval per row (NaN = none)
 * @param upper        upper bound of the one-step interval per row (NaN = none)
 * @param bounds       for horizons k above 1: {lower, upper} of the interval of {@code forecast_hk} per row (NaN =
 *                     none), by increasing k
 */
public record ScoredSeries(List<String> timestamps, List<String> values, double[] anomalyScore, double[][] forecasts,
                           double[] lower, double[] upper, java.util.SortedMap<Integer, double[][]> bounds) {

    /** A series with the one-step interval only. */
    public ScoredSeries(List<String> timestamps, List<String> values, double[] anomalyScore, double[][] forecasts,
                        double[] lower, double[] upper) {
        this(timestamps, values, anomalyScore, forecasts, lower, upper, new java.util.TreeMap<>());
    }

    /** The horizons whose intervals {@code evaluate} writes: 1, K/2 and K (fewer when they coincide). */
    public static int[] boundHorizons(int horizon) {
        return java.util.stream.IntStream.of(1, horizon / 2, horizon).filter(k -> k >= 1 && k <= horizon).distinct()
                .toArray();
    }

    /** Lower bounds of horizon k's interval per row (k = 1: {@link #lower}); null if not kept. */
    public double[] lower(int k) {
        return k == 1 ? lower : bounds.containsKey(k) ? bounds.get(k)[0] : null;
    }

    /** Upper bounds of horizon k's interval per row (k = 1: {@link #upper}); null if not kept. */
    public double[] upper(int k) {
        return k == 1 ? upper : bounds.containsKey(k) ? bounds.get(k)[1] : null;
    }

    public int rows() {
        return timestamps.size();
    }

    public int horizon() {
        return forecasts.length;
    }

    /** Values as numbers (NaN where the text is not a number). */
    public double[] numericValues() {
        double[] v = new double[rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = parse(values.get(i));
        }
        return v;
    }

    /** Forecasts by horizon, 1-based, for {@link ForecastMetrics}. */
    public Map<Integer, double[]> forecastsByHorizon() {
        Map<Integer, double[]> m = new LinkedHashMap<>();
        for (int k = 1; k <= horizon(); k++) {
            m.put(k, forecasts[k - 1]);
        }
        return m;
    }

    public void write(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        List<String> header = new ArrayList<>(List.of("timestamp", "value", "anomaly_score", "forecast", "lower", "upper"));
        for (int k = 2; k <= horizon(); k++) {
            header.add("forecast_h" + k);
        }
        for (int k : bounds.keySet()) {
            header.add("lower_h" + k);
            header.add("upper_h" + k);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter out = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                     .setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get())) {
            List<String> row = new ArrayList<>(header.size());
            for (int t = 0; t < rows(); t++) {
                row.clear();
                row.add(timestamps.get(t));
                row.add(values.get(t));
                row.add(Double.toString(anomalyScore[t]));
                row.add(format(horizon() > 0 ? forecasts[0][t] : Double.NaN));
                row.add(format(lower[t]));
                row.add(format(upper[t]));
                for (int k = 2; k <= horizon(); k++) {
                    row.add(format(forecasts[k - 1][t]));
                }
                for (double[][] b : bounds.values()) {
                    row.add(format(b[0][t]));
                    row.add(format(b[1][t]));
                }
                out.printRecord(row);
            }
        }
    }

    /** Reads a file written by {@link #write}. */
    public static ScoredSeries read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty file");
        }
        List<String> header = splitCsv(lines.get(0));
        for (String required : List.of("timestamp", "value", "anomaly_score")) {
            if (!header.contains(required)) {
                throw new IllegalArgumentException(file + ": no " + required + " column (expected the output of "
                        + "evaluate: timestamp,value,anomaly_score,forecast,lower,upper,...)");
            }
        }
        int horizon = header.contains("forecast") ? 1 : 0;
        while (header.contains("forecast_h" + (horizon + 1))) {
            horizon++;
        }
        int[] fc = new int[horizon];
        for (int k = 1; k <= horizon; k++) {
            fc[k - 1] = header.indexOf(k == 1 ? "forecast" : "forecast_h" + k);
        }
        int ti = header.indexOf("timestamp");
        int vi = header.indexOf("value");
        int si = header.indexOf("anomaly_score");
        int li = header.indexOf("lower");
        int ui = header.indexOf("upper");
        java.util.SortedMap<Integer, int[]> boundColumns = new java.util.TreeMap<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (name.matches("lower_h[0-9]+") && header.contains("upper_h" + name.substring(7))) {
                boundColumns.put(Integer.parseInt(name.substring(7)), new int[] {c, header.indexOf("upper_h" + name.substring(7))});
            }
        }
        List<List<String>> records = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                records.add(splitCsv(lines.get(i)));
            }
        }
        int n = records.size();
        List<String> ts = new ArrayList<>(n);
        List<String> vs = new ArrayList<>(n);
        double[] score = new double[n];
        double[][] f = new double[horizon][n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.SortedMap<Integer, double[][]> bounds = new java.util.TreeMap<>();
        for (int k : boundColumns.keySet()) {
            bounds.put(k, new double[2][n]);
        }
        for (int t = 0; t < n; t++) {
            List<String> rec = records.get(t);
            for (Map.Entry<Integer, int[]> b : boundColumns.entrySet()) {
                bounds.get(b.getKey())[0][t] = parse(cell(rec, b.getValue()[0]));
                bounds.get(b.getKey())[1][t] = parse(cell(rec, b.getValue()[1]));
            }
            ts.add(cell(rec, ti));
            vs.add(cell(rec, vi));
            score[t] = parse(cell(rec, si));
            for (int k = 0; k < horizon; k++) {
                f[k][t] = parse(cell(rec, fc[k]));
            }
            lo[t] = li < 0 ? Double.NaN : parse(cell(rec, li));
            hi[t] = ui < 0 ? Double.NaN : parse(cell(rec, ui));
        }
        return new ScoredSeries(ts, vs, score, f, lo, hi, bounds);
    }

    private static String cell(List<String> record, int column) {
        return column >= 0 && column < record.size() ? record.get(column) : "";
    }

    /** One CSV line (RFC 4180 quoting, as {@link CSVPrinter} writes it; no line breaks inside fields). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Shortest text that reads back as the same float (forecasts are computed in float); empty for NaN. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        return (float) v == v ? Float.toString((float) v) : Double.toString(v);
    }

    static double parse(String s) {
        if (s == null || s.isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @Override
    public String toString() {
        return "ScoredSeries{" + rows() + " rows, horizon " + horizon() + ", max score "
                + Arrays.stream(anomalyScore).max().orElse(Double.NaN) + "}";
    }
}
