package io.streamcast.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench kernel}: runs the kernel benchmarks (Java scalar and Vector API kernels, DL4J per-key and
 * batched {@code rnnTimeStep}, the FMA peak probe) with JMH, one after another on one thread, and writes
 * the medians, GFLOP/s, fraction of the measured peak and the speed-ups to a markdown table and JSON.
 */
public final class KernelBench {

    public record Row(String what, String kernel, int hidden, int inputs, double medianStepsPerSecond,
                      double gflops, double peakFraction, double bytesAllocatedPerStep) {}

    private final boolean quick;
    private final PrintStream log;

    public KernelBench(boolean quick, PrintStream log) {
        this.quick = quick;
        this.log = log;
    }

    public List<Row> run(Path markdown, Path json) throws RunnerException, IOException {
        double peakGflops = medianOf(run(FmaPeakBenchmark.class.getSimpleName(), false)) * FmaPeakBenchmark.flopsPerOp() / 1e9;
        log.printf(Locale.ROOT, "FMA peak (one core, %d-lane float vectors): %.1f GFLOP/s%n",
                FmaPeakBenchmark.SPECIES.length(), peakGflops);

        List<Row> rows = new ArrayList<>();
        for (RunResult r : run(KernelBenchmark.class.getSimpleName() + ".step", true)) {
            int h = Integer.parseInt(r.getParams().getParam("hidden"));
            int d = Integer.parseInt(r.getParams().getParam("inputs"));
            double sps = median(r);
            double gflops = sps * KernelBenchmark.lstmFlops(d, h) / 1e9;
            rows.add(new Row("java kernel", r.getParams().getParam("kernel").toLowerCase(Locale.ROOT), h, d, sps, gflops,
                    gflops / peakGflops, allocatedPerOp(r)));
        }
        for (RunResult r : run(Dl4jStepBenchmark.class.getSimpleName(), true)) {
            int h = Integer.parseInt(r.getParams().getParam("hidden"));
            int d = Integer.parseInt(r.getParams().getParam("inputs"));
            String label = r.getParams().getBenchmark().endsWith("perKeySwap") ? "dl4j per-key swap" : "dl4j batched 256";
            double sps = median(r);
            double gflops = sps * KernelBenchmark.lstmFlops(d, h) / 1e9;
            rows.add(new Row(label, "rnnTimeStep", h, d, sps, gflops, gflops / peakGflops, allocatedPerOp(r)));
        }
        BenchReport.writeSection(markdown, "kernel", toMarkdown(rows, peakGflops));
        writeJson(json, rows, peakGflops);
        return rows;
    }

    private Collection<RunResult> run(String include, boolean gcProfile) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder().include(include).shouldFailOnError(true);
        if (gcProfile) {
            o.addProfiler(GCProfiler.class);
        }
        if (quick) {
            o.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        return new Runner(o.build()).run();
    }

    private static double medianOf(Collection<RunResult> results) {
        return median(results.iterator().next());
    }

    /** Bytes allocated per operation, from JMH's GC profiler (NaN when it did not report). */
    static double allocatedPerOp(RunResult r) {
        var secondary = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return secondary == null ? Double.NaN : secondary.getScore();
    }

    static double median(RunResult r) {
        return r.getPrimaryResult().getStatistics().getPercentile(50);
    }

    /**
     * The generated block of the kernel section: the run's machine, the measured FMA peak and the table. What the
     * columns mean is the hand-written text above the block in {@code docs/benchmarks.md}.
     */
    static String toMarkdown(List<Row> rows, double peakGflops) {
        StringBuilder sb = new StringBuilder();
        sb.append("Last run ").append(Instant.now()).append(" (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(String.format(Locale.ROOT, "); %,d keys stepped round-robin.%n", KernelBenchmark.KEYS));
        sb.append(String.format(Locale.ROOT, "Measured FP32 FMA peak of one core: **%.1f GFLOP/s** (FmaPeakBenchmark).%n%n", peakGflops));
        sb.append("| way of stepping | kernel | H | D | steps/s (median) | GFLOP/s | % of FMA peak | B allocated/step | × DL4J per-key | × DL4J batched 256 |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Row perKey = find(rows, "dl4j per-key swap", r.hidden(), r.inputs());
            Row batched = find(rows, "dl4j batched 256", r.hidden(), r.inputs());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %,.0f | %.2f | %.1f%% | %.1f | %s | %s |%n",
                    r.what(), r.kernel(), r.hidden(), r.inputs(), r.medianStepsPerSecond(), r.gflops(),
                    100 * r.peakFraction(), r.bytesAllocatedPerStep(), ratio(r, perKey), ratio(r, batched)));
        }
        return sb.toString();
    }

    private static String ratio(Row r, Row base) {
        return base == null ? "–" : String.format(Locale.ROOT, "%.1f×", r.medianStepsPerSecond() / base.medianStepsPerSecond());
    }

    private static Row find(List<Row> rows, String what, int h, int d) {
        return rows.stream().filter(x -> x.what().equals(what) && x.hidden() == h && x.inputs() == d).findFirst().orElse(null);
    }

    private static void writeJson(Path json, List<Row> rows, double peak) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("written", Instant.now().toString());
        root.put("fmaPeakGflops", peak);
        ArrayNode arr = root.putArray("rows");
        for (Row r : rows) {
            arr.add(m.valueToTree(r));
        }
        m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
