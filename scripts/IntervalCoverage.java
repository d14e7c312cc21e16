import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Coverage of the served prediction intervals at horizons 1, K/2 and K, pooled over every row of every
 * {@code timestamp,value} CSV under DIR (each file one key), through the per-key algorithm ({@code SeriesStep}, the
 * code the job runs per key) without Flink. A row's interval for horizon k counts when the value k rows later is
 * known and the interval is defined. Run like scripts/M4SeriesStep.java:
 * {@code java -cp model/core/target/classes:$(cat /tmp/cp.txt) scripts/IntervalCoverage.java DIR MODEL.scm}
 */
public class IntervalCoverage {
    public static void main(String[] args) throws Exception {
        ServingModel m = new ServingModel(ModelArtifactReader.read(Path.of(args[1])), "-");
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        List<Path> files;
        try (Stream<Path> w = Files.walk(Path.of(args[0]))) {
            files = w.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        int k = -1;
        long[] in = null;
        long[] all = null;
        int[] hs = null;
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            int n = lines.size() - 1;
            double[] y = new double[n];
            float[][] lo = null;
            float[][] hi = null;
            SeriesState s = step.newState(m);
            long lastTs = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                String[] c = lines.get(i + 1).split(",");
                long ts = java.time.LocalDateTime.parse(c[0].strip().replace(' ', 'T'))
                        .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
                y[i] = Double.parseDouble(c[1]);
                if (ts <= lastTs) {
                    y[i] = Double.NaN; // the job dead-letters it
                    continue;
                }
                lastTs = ts;
                step.step(s, m, ts, y[i], SeriesStep.Lineage.NONE);
                if (lo == null) {
                    k = step.forecast().length;
                    hs = new int[] {1, Math.max(1, k / 2), k};
                    lo = new float[n][];
                    hi = new float[n][];
                    if (in == null) {
                        in = new long[3];
                        all = new long[3];
                    }
                }
                lo[i] = step.lower().clone();
                hi[i] = step.upper().clone();
            }
            for (int i = 0; i < n; i++) {
                if (lo == null || lo[i] == null) {
                    continue;
                }
                for (int j = 0; j < 3; j++) {
                    int h = hs[j];
                    if (i + h >= n || Double.isNaN(y[i + h]) || Float.isNaN(lo[i][h - 1])) {
                        continue;
                    }
                    all[j]++;
                    if (y[i + h] >= lo[i][h - 1] && y[i + h] <= hi[i][h - 1]) {
                        in[j]++;
                    }
                }
            }
        }
        for (int j = 0; j < 3; j++) {
            System.out.printf("h=%d: coverage %.3f over %d intervals%n", hs[j], in[j] / (double) all[j], all[j]);
        }
    }
}
