import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The per-key algorithm ({@code SeriesStep}, the code the job runs per key) over the M4 Hourly CSVs of
 * scripts/m4_hourly_to_csv.py, without Flink: writes {@code id,f1..fK}, the forecast made at each series' last row,
 * for the M4 scorer ({@code m4_score.py FILE}). Seconds instead of minutes, so parameters can be tuned on the
 * validation split; its forecasts equal those of `evaluate --forecast-layout origin` through the job.
 *
 * <pre>
 * mvn -B -o -q compile -pl model/core
 * mvn -B -o -q dependency:build-classpath -pl model/core -Dmdep.outputFile=/tmp/cp.txt
 * java [-Dstreamcast.combination.sharpness=4 -Dstreamcast.combination.half-life-seasons=14] \
 *     -cp model/core/target/classes:$(cat /tmp/cp.txt) scripts/M4SeriesStep.java DIR MODEL.scm OUT.csv
 * </pre>
 */
public class M4SeriesStep {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ServingModel m = new ServingModel(ModelArtifactReader.read(Path.of(args[1])), "-");
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        try (PrintWriter out = new PrintWriter(args[2])) {
            boolean header = false;
            for (int id = 1; Files.exists(dir.resolve("H" + id + ".csv")); id++) {
                List<String> lines = Files.readAllLines(dir.resolve("H" + id + ".csv"));
                SeriesState s = step.newState(m);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",");
                    long ts = java.time.LocalDateTime.parse(f[0].replace(' ', 'T'))
                            .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
                    step.step(s, m, ts, Double.parseDouble(f[1]), SeriesStep.Lineage.NONE);
                }
                float[] fc = step.forecast();
                if (!header) {
                    StringBuilder h = new StringBuilder("id");
                    for (int k = 1; k <= fc.length; k++) {
                        h.append(",f").append(k);
                    }
                    out.println(h);
                    header = true;
                }
                StringBuilder sb = new StringBuilder("H" + id);
                for (float f : fc) {
                    sb.append(',').append(f);
                }
                out.println(sb);
            }
        }
    }
}
