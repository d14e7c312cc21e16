package io.streamcast.tools.evaluate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Compares two {@code evaluate --prequential} runs over the same series, one with the learner and one with the fixed
 * starting model, side by side with persistence and simple exponential smoothing (SES), at given horizons; and the
 * same errors over event time, for a plot of the learner taking over.
 *
 * <p>Both runs must be in the target-aligned layout (the default): row t's {@code forecast} / {@code forecast_hH} is
 * the forecast of row t made 1 / H rows earlier. Per series and horizon h, the scored rows are those after NAB's
 * probation ({@link NabSeries#probationLength}) where both runs, persistence and SES all have a forecast:
 * persistence is {@code y[t-h]}; SES is the smoothed level after row {@code t-h}, its alpha the grid value (0.01 to
 * 1 by 0.01) with the least one-step squared error over the probation rows. MASE: a method's MAE over the scored
 * rows divided by the mean |y[t] − y[t−1]| over the same rows (one-step persistence, the same scale at every
 * horizon). Over time: each scored row's absolute error divided by its series' scale, averaged over the rows of each
 * week of event time (all series together).
 */
public final class PrequentialErrors {

    /** The methods, in column order. */
    public static final List<String> METHODS = List.of("learning", "fixed", "persistence", "SES");
    static final long WEEK = 7L * 24 * 3_600_000L;

    /** Per method, the MASE of every scored series, at one horizon. */
    public record HorizonTable(int horizon, Map<String, double[]> mase, int series, int learningBetter) {
        public double mean(String method) {
            return Arrays.stream(mase.get(method)).average().orElse(Double.NaN);
        }

        public double median(String method) {
            double[] v = mase.get(method).clone();
            Arrays.sort(v);
            int n = v.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
    }

    /** Weekly mean scaled absolute error per method at one horizon: week start (epoch ms) to values per method. */
    public record OverTime(int horizon, TreeMap<Long, double[]> weeks) {}

    /** Where the learning run served each model version first (epoch ms), and the share of learned rows per week. */
    public record Versions(String starting, TreeMap<Long, String> firstServed, TreeMap<Long, Double> learnedShare,
            Map<String, Long> rows) {}

    private final List<HorizonTable> tables = new ArrayList<>();
    private final List<OverTime> overTime = new ArrayList<>();
    private Versions versions;

    public List<HorizonTable> tables() {
        return tables;
    }

    public List<OverTime> overTime() {
        return overTime;
    }

    public Versions versions() {
        return versions;
    }

    /** One run's file of a series. */
    record Run(long[] time, double[] y, String[] version, Map<Integer, double[]> forecasts) {}

    /**
     * @param learning the output folder of the run with the learner
     * @param fixed    the output folder of the run with the fixed model (same series, same relative paths)
     * @param horizons the horizons to score (each at most the runs' K)
     */
    public static PrequentialErrors compute(Path learning, Path fixed, int[] horizons) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(learning)) {
            files = s.filter(p -> p.toString().endsWith(".csv") && Files.isRegularFile(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(learning + " holds no series CSV written by evaluate --prequential");
        }
        PrequentialErrors out = new PrequentialErrors();
        Map<Integer, Map<String, List<Double>>> mase = new HashMap<>();
        Map<Integer, int[]> better = new HashMap<>();
        Map<Integer, TreeMap<Long, double[]>> weekly = new HashMap<>(); // per method sum, then counts
        for (int h : horizons) {
            Map<String, List<Double>> m = new HashMap<>();
            METHODS.forEach(k -> m.put(k, new ArrayList<>()));
            mase.put(h, m);
            better.put(h, new int[2]);
            weekly.put(h, new TreeMap<>());
        }
        TreeMap<Long, String> firstServed = new TreeMap<>();
        Map<String, Long> firstTime = new HashMap<>();
        Map<String, Long> rowsByVersion = new TreeMap<>();
        TreeMap<Long, long[]> learnedRows = new TreeMap<>();
        String starting = null;
        long startingTime = Long.MAX_VALUE;
        List<Run> learningRuns = new ArrayList<>();
        for (Path f : files) {
            Run l = read(f);
            learningRuns.add(l);
            for (int t = 0; t < l.y.length; t++) {
                if (l.version[t] != null && l.time[t] < startingTime) {
                    startingTime = l.time[t];
                    starting = l.version[t];
                }
            }
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Path g = fixed.resolve(learning.relativize(f).toString());
            if (!Files.isRegularFile(g)) {
                throw new IllegalArgumentException("the fixed run " + fixed + " has no " + learning.relativize(f));
            }
            Run l = learningRuns.get(i);
            Run x = read(g);
            if (x.y.length != l.y.length) {
                throw new IllegalArgumentException(f + " and " + g + " differ in rows");
            }
            int n = l.y.length;
            for (int t = 0; t < n; t++) {
                String v = l.version[t];
                if (v == null) {
                    continue;
                }
                rowsByVersion.merge(v, 1L, Long::sum);
                firstTime.merge(v, l.time[t], Math::min);
                long[] c = learnedRows.computeIfAbsent(week(l.time[t]), w -> new long[2]);
                c[1]++;
                if (!v.equals(starting)) {
                    c[0]++;
                }
            }
            int warm = NabSeries.probationLength(n);
            double[] ses = sesLevels(l.y, warm);
            for (int h : horizons) {
                double[] fl = l.forecasts.get(h);
                double[] fx = x.forecasts.get(h);
                if (fl == null || fx == null) {
                    throw new IllegalArgumentException(f + ": no forecasts at horizon " + h);
                }
                List<Integer> scored = new ArrayList<>();
                double scale = 0;
                for (int t = Math.max(warm, h); t < n; t++) {
                    if (Double.isFinite(l.y[t]) && Double.isFinite(l.y[t - 1]) && Double.isFinite(fl[t])
                            && Double.isFinite(fx[t]) && Double.isFinite(l.y[t - h]) && Double.isFinite(ses[t - h])) {
                        scored.add(t);
                        scale += Math.abs(l.y[t] - l.y[t - 1]);
                    }
                }
                if (scored.isEmpty() || !(scale > 0)) {
                    continue;
                }
                scale /= scored.size();
                double[] sum = new double[METHODS.size()];
                for (int t : scored) {
                    double[] e = {Math.abs(fl[t] - l.y[t]), Math.abs(fx[t] - l.y[t]), Math.abs(l.y[t - h] - l.y[t]),
                            Math.abs(ses[t - h] - l.y[t])};
                    double[] w = weekly.get(h).computeIfAbsent(week(l.time[t]), k -> new double[METHODS.size() + 1]);
                    for (int m = 0; m < e.length; m++) {
                        sum[m] += e[m];
                        w[m] += e[m] / scale;
                    }
                    w[METHODS.size()]++;
                }
                for (int m = 0; m < METHODS.size(); m++) {
                    mase.get(h).get(METHODS.get(m)).add(sum[m] / scored.size() / scale);
                }
                better.get(h)[0]++;
                if (sum[0] < sum[1]) {
                    better.get(h)[1]++;
                }
            }
        }
        for (int h : horizons) {
            Map<String, double[]> m = new HashMap<>();
            for (String k : METHODS) {
                m.put(k, mase.get(h).get(k).stream().mapToDouble(Double::doubleValue).toArray());
            }
            out.tables.add(new HorizonTable(h, m, better.get(h)[0], better.get(h)[1]));
            TreeMap<Long, double[]> means = new TreeMap<>();
            for (Map.Entry<Long, double[]> w : weekly.get(h).entrySet()) {
                double[] s = w.getValue();
                double[] mean = new double[METHODS.size()];
                for (int k = 0; k < mean.length; k++) {
                    mean[k] = s[k] / s[METHODS.size()];
                }
                means.put(w.getKey(), mean);
            }
            out.overTime.add(new OverTime(h, means));
        }
        for (Map.Entry<String, Long> e : firstTime.entrySet()) {
            if (!e.getKey().equals(starting)) {
                firstServed.put(e.getValue(), e.getKey());
            }
        }
        TreeMap<Long, Double> share = new TreeMap<>();
        learnedRows.forEach((w, c) -> share.put(w, (double) c[0] / c[1]));
        out.versions = new Versions(starting, firstServed, share, rowsByVersion);
        return out;
    }

    static long week(long t) {
        return Math.floorDiv(t, WEEK) * WEEK;
    }

    /**
     * SES levels: {@code level[t]} after row t (NaN rows keep the level), alpha fitted on the first {@code warm}
     * rows by one-step squared error.
     */
    static double[] sesLevels(double[] y, int warm) {
        double best = Double.POSITIVE_INFINITY;
        double alpha = 0.5;
        for (int a = 1; a <= 100; a++) {
            double al = a / 100.0;
            double level = Double.NaN;
            double sse = 0;
            for (int t = 0; t < Math.min(warm, y.length); t++) {
                if (!Double.isFinite(y[t])) {
                    continue;
                }
                if (Double.isNaN(level)) {
                    level = y[t];
                    continue;
                }
                sse += (y[t] - level) * (y[t] - level);
                level += al * (y[t] - level);
            }
            if (sse < best) {
                best = sse;
                alpha = al;
            }
        }
        double[] out = new double[y.length];
        double level = Double.NaN;
        for (int t = 0; t < y.length; t++) {
            if (Double.isFinite(y[t])) {
                level = Double.isNaN(level) ? y[t] : level + alpha * (y[t] - level);
            }
            out[t] = level;
        }
        return out;
    }

    /** Reads one output CSV of {@code evaluate --prequential} (target-aligned layout). */
    static Run read(Path f) {
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] head = lines.get(0).split(",", -1);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < head.length; i++) {
            col.put(head[i].trim(), i);
        }
        if (!col.containsKey("model_version") || !col.containsKey("forecast")) {
            throw new IllegalArgumentException(f + " is not written by evaluate --prequential (no model_version)");
        }
        int n = lines.size() - 1;
        long[] time = new long[n];
        double[] y = new double[n];
        String[] version = new String[n];
        Map<Integer, double[]> forecasts = new HashMap<>();
        Map<Integer, Integer> fcol = new HashMap<>();
        fcol.put(1, col.get("forecast"));
        for (Map.Entry<String, Integer> c : col.entrySet()) {
            if (c.getKey().startsWith("forecast_h")) {
                fcol.put(Integer.parseInt(c.getKey().substring("forecast_h".length())), c.getValue());
            }
        }
        fcol.keySet().forEach(h -> forecasts.put(h, new double[n]));
        int tc = col.get("timestamp");
        int vc = col.get("value");
        int mc = col.get("model_version");
        for (int r = 0; r < n; r++) {
            String[] c = lines.get(r + 1).split(",", -1);
            time[r] = NabTimestamps.parse(unquote(c[tc])).toInstant(ZoneOffset.UTC).toEpochMilli();
            y[r] = number(c[vc]);
            version[r] = c[mc].isEmpty() ? null : c[mc];
            for (Map.Entry<Integer, Integer> e : fcol.entrySet()) {
                forecasts.get(e.getKey())[r] = e.getValue() < c.length ? number(c[e.getValue()]) : Double.NaN;
            }
        }
        return new Run(time, y, version, forecasts);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static double number(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(unquote(s));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
