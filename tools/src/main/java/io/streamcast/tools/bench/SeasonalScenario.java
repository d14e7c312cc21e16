package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.cell.CellType;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code seasonal}: the job on hourly events, so that every key has a daily season and keeps the per-horizon
 * combination's block with a week's ring (the weekly candidate), heap state, parallelism 1, for the bundled model and
 * each model of {@code --model} (e.g. a K = 48 model): throughput, the median of {@code repeats} runs of two weeks of
 * events per key (the models alternating run by run), and the state bytes per key of a completed checkpoint taken
 * once every key has seen eight days (its ring full and its older days in codes), in the row's note.
 */
record SeasonalScenario(int keys, int perKey, List<Path> models, int repeats) implements PipelineScenario {

    static final String TITLE = "hourly events → job → discard";
    static final long HOUR = 3_600_000L;
    /** Events per key before the state is measured: eight days, so the week's ring is full and coded. */
    static final int STATE_EVENTS_PER_KEY = 8 * 24;

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        List<ModelBundle> bundles = new ArrayList<>();
        bundles.add(h.model);
        for (Path m : models) {
            bundles.add(ModelBundle.fromFile(m));
        }
        double[][] eps = new double[bundles.size()][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int b = 0; b < bundles.size(); b++) {
                eps[b][r] = run(h, bundles.get(b));
            }
        }
        List<PipelineRow> rows = new ArrayList<>();
        for (int b = 0; b < bundles.size(); b++) {
            double[] v = eps[b].clone();
            java.util.Arrays.sort(v);
            double median = v[repeats / 2];
            String shape = shape(bundles.get(b).load());
            double bytesPerKey = stateBytesPerKey(h, bundles.get(b));
            String note = String.format(Locale.ROOT, "%,.0f bytes/key in a checkpoint", bytesPerKey);
            rows.add(PipelineRow.measuredNow(TITLE + " (" + shape + ")", "hashmap", 1, keys, (long) keys * perKey,
                    median, note, repeats));
            h.log.printf(Locale.ROOT, "seasonal %s: %,.0f events/s, %s%n", shape, median, note);
        }
        return PipelineResults.ofRows(rows);
    }

    /** "K=48, GRU 32, week model 64": {@link #shape(ForecastModel)} and the artifact's week model's hidden units, if any. */
    static String shape(io.streamcast.model.core.artifact.ModelArtifact a) {
        return shape(a.model()) + (a.weekModel() == null ? "" : ", week model " + a.weekModel().hidden());
    }

    /** "K=48, GRU 32": the horizon and each layer's cell and units ({@code train --cell gru} trains the reset-after GRU). */
    static String shape(ForecastModel m) {
        String cells = m.layers().stream()
                .map(l -> (l.type() == CellType.GRU_RESET_AFTER ? "GRU" : l.type().name()) + " " + l.hiddenSize())
                .collect(Collectors.joining(" + "));
        return "K=" + m.horizon() + ", " + cells;
    }

    private double run(PipelineHarness h, ModelBundle model) throws Exception {
        CountingSink.reset(false);
        StreamExecutionEnvironment env = h.environment(1, "hashmap", null);
        new ForecastJob(PipelineHarness.config(Duration.ofMinutes(30)), model,
                SyntheticEvents.source(keys, perKey, 1, false, 0, HOUR),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        long cpu = PipelineHarness.processCpuNanos();
        JobExecutionResult r = env.execute("bench-seasonal");
        cpu = PipelineHarness.processCpuNanos() - cpu;
        long expected = (long) keys * perKey;
        if (CountingSink.COUNT.get() != expected) {
            throw new IllegalStateException("expected " + expected + " forecasts, got " + CountingSink.COUNT.get());
        }
        double eps = expected * 1000.0 / r.getNetRuntime(TimeUnit.MILLISECONDS);
        h.logRun("seasonal " + shape(model.load()), eps, expected, cpu);
        return eps;
    }

    /** The size of a completed checkpoint taken after every key has seen eight days of hourly events, ÷ keys. */
    private double stateBytesPerKey(PipelineHarness h, ModelBundle model) throws Exception {
        Path checkpoints = h.checkpoints();
        CheckpointFolders.delete(checkpoints);
        CountingSink.reset(false);
        StreamExecutionEnvironment env = h.environment(1, "hashmap", null);
        new ForecastJob(PipelineHarness.config(Duration.ofSeconds(2)), model,
                SyntheticEvents.source(keys, 100_000, 1, false, 0, HOUR),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        JobClient job = env.executeAsync("bench-seasonal-state");
        Path chk = StateScenario.checkpointAfter(job, checkpoints, (long) STATE_EVENTS_PER_KEY * keys,
                "eight days of every key", () -> { });
        return CheckpointFolders.size(chk) / (double) keys;
    }
}
