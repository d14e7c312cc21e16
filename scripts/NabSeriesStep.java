import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * The per-key algorithm ({@code SeriesStep}, the code the job runs per key) over every CSV of the NAB data directory,
 * without Flink: writes {@code OUT/<category>/<file>.csv} with {@code timestamp,value,anomaly_score} (the record's
 * anomaly score, as `evaluate` writes it), which NAB's scoring rule reads. Seconds instead of a job run, so the
 * anomaly parameters can be studied category by category; `evaluate` through the job gives the same scores
 * (a row not newer than its key's last one is dead-lettered by the job and scored 0, as here).
 *
 * <pre>
 * mvn -B -o -q compile -pl model/core
 * mvn -B -o -q dependency:build-classpath -pl model/core -Dmdep.outputFile=/tmp/cp.txt
 * java [-Dstreamcast.anomaly.KEY=VALUE ...] -cp model/core/target/classes:$(cat /tmp/cp.txt) \
 *     scripts/NabSeriesStep.java NAB_DATA_DIR job/src/main/resources/models/default.scm OUT_DIR
 * </pre>
 * {@code -Dstreamcast.anomaly.averagingWindow=40} etc. override one {@code AnomalyConfig} setting (its builder's name).
 */
public class NabSeriesStep {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ServingModel m = new ServingModel(ModelArtifactReader.read(Path.of(args[1])), "-");
        Path out = Path.of(args[2]);
        AnomalyConfig.Builder b = AnomalyConfig.builder();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("streamcast.anomaly.")) {
                String key = name.substring("streamcast.anomaly.".length());
                String v = System.getProperty(name);
                for (var method : AnomalyConfig.Builder.class.getMethods()) {
                    if (method.getName().equals(key) && method.getParameterCount() == 1) {
                        Class<?> t = method.getParameterTypes()[0];
                        method.invoke(b, t == int.class ? (Object) Integer.parseInt(v)
                                : t == boolean.class ? (Object) Boolean.parseBoolean(v) : (Object) Double.parseDouble(v));
                    }
                }
            }
        }
        SeriesStep step = new SeriesStep(b.build(), true);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        for (Path f : files) {
            Path target = out.resolve(dir.relativize(f));
            Files.createDirectories(target.getParent());
            List<String> lines = Files.readAllLines(f);
            SeriesState s = step.newState(m);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(target))) {
                w.println("timestamp,value,anomaly_score");
                for (String line : lines.subList(1, lines.size())) {
                    String[] c = line.split(",");
                    long ts = LocalDateTime.parse(c[0].trim().replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
                    double v = Double.parseDouble(c[1]);
                    double score = 0.0;
                    if (SeriesStep.accepts(s, ts)) {
                        step.step(s, m, ts, v, SeriesStep.Lineage.NONE);
                        score = step.anomaly().anomalyScore();
                    }
                    w.println(c[0] + "," + c[1] + "," + score);
                }
            }
        }
    }
}
