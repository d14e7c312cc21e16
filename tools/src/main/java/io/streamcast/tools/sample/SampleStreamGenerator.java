package io.streamcast.tools.sample;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Generates the bundled sample stream: many keyed series with daily and weekly seasonality, trend and
 * noise at very different scales, with injected labelled anomalies (spikes, level shifts, variance
 * changes) and a handful of malformed records.
 *
 * <p>Output, all from one seed (so the committed sample and model can be regenerated exactly):
 * <ul>
 *   <li>{@code events.jsonl.gz}: the stream, one JSON event per line, ordered by event time, with the
 *       malformed records interleaved;
 *   <li>{@code series.csv}: the same valid events as {@code key,timestamp,value}, the training input;
 *   <li>{@code labels.json}: per key, the labelled anomaly windows as {@code [[start, end], ...]} in
 *       NAB's {@code combined_windows.json} style (ISO-8601 UTC).
 * </ul>
 */
public final class SampleStreamGenerator {

    /** Monday 2026-01-05 00:00 UTC, so the weekly pattern starts on a week boundary. */
    public static final long DEFAULT_START_MILLIS = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    public enum AnomalyKind { SPIKE, LEVEL_SHIFT, VARIANCE_CHANGE }

    /** One injected anomaly: its kind and the index range [start, end) of affected points. */
    public record InjectedAnomaly(String key, AnomalyKind kind, int start, int end, long windowStartMillis,
                                  long windowEndMillis) {}

    /** Everything generated, in memory. */
    public record Sample(List<String> keys, long[] timestamps, double[][] values, List<InjectedAnomaly> anomalies,
                         List<String> malformedLines) {}

    private final int keys;
    private final int points;
    private final long intervalMillis;
    private final long startMillis;
    private final long seed;

    public SampleStreamGenerator(int keys, int points, long intervalMillis, long startMillis, long seed) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be >= 1, got " + keys);
        }
        if (points < 100) {
            throw new IllegalArgumentException("points per key must be >= 100 to leave room for warm-up and anomalies, got " + points);
        }
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + intervalMillis + " ms");
        }
        this.keys = keys;
        this.points = points;
        this.intervalMillis = intervalMillis;
        this.startMillis = startMillis;
        this.seed = seed;
    }

    /** The default bundled sample: 16 keys, 10 days at 5-minute intervals. */
    public static SampleStreamGenerator defaults() {
        return new SampleStreamGenerator(16, 2880, 300_000L, DEFAULT_START_MILLIS, 20261124L);
    }

    public Sample generate() {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] ts = new long[points];
        for (int t = 0; t < points; t++) {
            ts[t] = startMillis + t * intervalMillis;
        }
        List<String> keyNames = new ArrayList<>();
        double[][] values = new double[keys][];
        List<InjectedAnomaly> anomalies = new ArrayList<>();
        double pointsPerDay = 86_400_000.0 / intervalMillis;
        for (int k = 0; k < keys; k++) {
            String key = String.format(Locale.ROOT, "series-%02d", k);
            keyNames.add(key);
            double level = Math.pow(10, rnd.nextDouble(0, 3.5));          // 1 .. ~3000: scales differ by 3 orders
            double daily = rnd.nextDouble(0.1, 0.4);
            double weekly = rnd.nextDouble(0.03, 0.15);
            double trendPerDay = rnd.nextDouble(-0.01, 0.02);
            double noise = rnd.nextDouble(0.02, 0.07);
            double phase = rnd.nextDouble(0, 2 * Math.PI);
            boolean businessHours = k % 4 == 3;                           // some series are on/off shaped
            double[] v = new double[points];
            double[] noiseScale = new double[points];
            double[] shift = new double[points];
            java.util.Arrays.fill(noiseScale, 1.0);

            int n = 1 + rnd.nextInt(2);
            int minStart = (int) (points * 0.3);
            for (int a = 0; a < n; a++) {
                AnomalyKind kind = AnomalyKind.values()[rnd.nextInt(AnomalyKind.values().length)];
                int segment = (points - minStart) / n;
                int start = minStart + a * segment + rnd.nextInt(Math.max(1, segment / 2));
                int end;
                switch (kind) {
                    case SPIKE -> end = start + 1 + rnd.nextInt(3);
                    case LEVEL_SHIFT -> {
                        end = points;
                        double s = (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(0.25, 0.5);
                        for (int t = start; t < points; t++) {
                            shift[t] += s;
                        }
                    }
                    default -> {
                        end = Math.min(points, start + (int) (pointsPerDay * rnd.nextDouble(0.3, 1.0)));
                        for (int t = start; t < end; t++) {
                            noiseScale[t] = 5.0;
                        }
                    }
                }
                if (kind == AnomalyKind.SPIKE) {
                    double sign = rnd.nextBoolean() ? 1 : -1;
                    for (int t = start; t < end; t++) {
                        shift[t] += sign * rnd.nextDouble(0.6, 1.2);
                    }
                }
                // NAB-style window: centred on the onset, about 2% of the series long
                int half = Math.max(6, points / 100);
                long ws = ts[Math.max(0, start - half)];
                long we = ts[Math.min(points - 1, start + half)];
                anomalies.add(new InjectedAnomaly(key, kind, start, end, ws, we));
            }

            for (int t = 0; t < points; t++) {
                double day = t / pointsPerDay;
                double hourAngle = 2 * Math.PI * (day - Math.floor(day)) + phase;
                double seasonalDaily = businessHours
                        ? (Math.sin(hourAngle) > 0.2 ? 1.0 : -0.6)
                        : Math.sin(hourAngle) + 0.3 * Math.sin(2 * hourAngle);
                double seasonalWeekly = ((int) Math.floor(day) % 7) >= 5 ? -1.0 : 0.3;
                double base = 1.0 + trendPerDay * day + daily * seasonalDaily + weekly * seasonalWeekly + shift[t];
                double x = level * (base + noise * noiseScale[t] * gaussian(rnd));
                v[t] = Math.round(x * 1000.0) / 1000.0;
            }
            values[k] = v;
        }
        List<String> malformed = List.of(
                "{\"key\": \"\", \"ts\": 1767571200000, \"value\": 1.0}",
                "{\"ts\": 1767571200000, \"value\": 2.0}",
                "{\"key\": \"series-00\", \"ts\": \"yesterday\", \"value\": 3.0}",
                "{\"key\": \"series-01\", \"ts\": 1767571200000, \"value\": \"NaN\"}",
                "{\"key\": \"series-02\", \"ts\": 1767571200000, \"value\": 1e308}",
                "{\"key\": \"series-03\", \"ts\": 1767571200000, \"value\": 4.0",
                "not json at all");
        return new Sample(keyNames, ts, values, anomalies, malformed);
    }

    /** Writes events.jsonl.gz, series.csv and labels.json into {@code dir}; returns the number of valid events. */
    public long writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Sample s = generate();
        long count = 0;
        int malformedEvery = Math.max(1, s.timestamps().length / (s.malformedLines().size() + 1));
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(dir.resolve("events.jsonl.gz")));
             Writer jsonl = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
             Writer csv = Files.newBufferedWriter(dir.resolve("series.csv"), StandardCharsets.UTF_8)) {
            csv.write("key,timestamp,value\n");
            int nextMalformed = 0;
            for (int t = 0; t < s.timestamps().length; t++) {
                String iso = Instant.ofEpochMilli(s.timestamps()[t]).toString();
                for (int k = 0; k < s.keys().size(); k++) {
                    String key = s.keys().get(k);
                    String value = Double.toString(s.values()[k][t]);
                    jsonl.write("{\"key\":\"" + key + "\",\"ts\":" + s.timestamps()[t] + ",\"value\":" + value + "}\n");
                    csv.write(key + "," + iso + "," + value + "\n");
                    count++;
                }
                if (t > 0 && t % malformedEvery == 0 && nextMalformed < s.malformedLines().size()) {
                    jsonl.write(s.malformedLines().get(nextMalformed++) + "\n");
                }
            }
        }
        Map<String, List<List<String>>> labels = new LinkedHashMap<>();
        for (String key : s.keys()) {
            labels.put(key, new ArrayList<>());
        }
        for (InjectedAnomaly a : s.anomalies()) {
            labels.get(a.key()).add(List.of(Instant.ofEpochMilli(a.windowStartMillis()).toString(),
                    Instant.ofEpochMilli(a.windowEndMillis()).toString()));
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("labels.json").toFile(), labels);
        return count;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
