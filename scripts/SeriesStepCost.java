import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * CPU time per event of the per-key algorithm ({@code SeriesStep}: scoring, stepping the cells, forecasts, intervals)
 * without Flink: KEYS keys of a daily sine, stepped round-robin for ROUNDS events each, five-minute spacing; prints the
 * thread CPU time per event of the last five rounds (past every warm-up and learning period when ROUNDS &gt; 250).
 * Thread CPU time, not wall time, so that a busy machine disturbs it less; compare two builds by running each in turn.
 *
 * <pre>
 * mvn -B -o -q compile -pl model/core
 * mvn -B -o -q dependency:build-classpath -pl model/core -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx6g --add-modules jdk.incubator.vector -cp model/core/target/classes:$(cat /tmp/cp.txt) \
 *     scripts/SeriesStepCost.java job/src/main/resources/models/default.scm 100000 300
 * </pre>
 */
public class SeriesStepCost {
    public static void main(String[] a) throws Exception {
        ServingModel m = new ServingModel(ModelArtifactReader.read(Path.of(a[0])), "-");
        int keys = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        SeriesState[] s = new SeriesState[keys];
        for (int k = 0; k < keys; k++) s[k] = step.newState(m);
        var bean = ManagementFactory.getThreadMXBean();
        long t0 = 1767571200000L;
        double sink = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu = bean.getCurrentThreadCpuTime();
            for (int k = 0; k < keys; k++) {
                double v = 50 + 10 * Math.sin(r * 0.0218 + k) + (k % 7) * 0.1 * Math.cos(r * 1.3);
                step.step(s[k], m, t0 + r * 300_000L, v, SeriesStep.Lineage.NONE);
                sink += step.anomaly().anomalyScore();
            }
            long ns = bean.getCurrentThreadCpuTime() - cpu;
            if (r >= rounds - 5) System.out.printf("round %d: %.1f ns CPU per event%n", r, ns / (double) keys);
        }
        System.out.println("sink " + sink);
    }
}
