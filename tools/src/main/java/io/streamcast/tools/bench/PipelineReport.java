package io.streamcast.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline part of {@code docs/benchmarks.md}, written from the {@link PipelineResults}: only the tables and
 * figures, each between its {@code <!-- NAME:start -->} and {@code <!-- NAME:end -->} markers ({@link BenchReport}).
 * What they mean (the scenarios, how each figure is measured, how to size a cluster from them) is the hand-written
 * text around the markers, which the command leaves as it is.
 */
final class PipelineReport {

    /** The sizing example: this many keys ... */
    static final long EXAMPLE_KEYS = 10_000_000L;
    /** ... at this many events/s ... */
    static final double EXAMPLE_RATE = 1_000_000;
    /** ... with this headroom for catching up after a restart. */
    static final double HEADROOM = 1.5;

    private PipelineReport() {}

    static void write(Path markdown, PipelineResults results) throws IOException {
        BenchReport.writeSections(markdown, sections(results));
    }

    /** The generated blocks by marker name, in the document's order. */
    static Map<String, String> sections(PipelineResults r) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pipeline-throughput", throughput(r));
        s.put("pipeline-latency", latency(r.latency()));
        s.put("pipeline-state", state(r.state()));
        s.put("pipeline-sizing", sizing(r));
        return s;
    }

    static String throughput(PipelineResults r) {
        StringBuilder sb = new StringBuilder("Last run ").append(second(r.written()));
        if (r.cores() > 0) {
            sb.append(": ").append(r.cores()).append(" cores, max heap ").append(r.maxHeapBytes() >> 20).append(" MiB");
        }
        sb.append(".\n\n");
        sb.append("| scenario | state | parallelism | keys | events | events/s | runs | measured | note |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|---|\n");
        double java1k = find(r, 1, 1_000);
        for (PipelineRow row : r.rows()) {
            String note = row.note();
            if (row.scenario().equals(Dl4jScenario.TITLE) && !Double.isNaN(java1k)) {
                note += String.format(Locale.ROOT, "; the Java-kernel job (same keys, p=1) is %.0f× faster",
                        java1k / row.eventsPerSecond());
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %,d | %,.0f | %d | %s | %s |%n", row.scenario(),
                    row.backend(), row.parallelism(), row.keys(), row.events(), row.eventsPerSecond(), row.runs(),
                    minute(row.measured()), note));
        }
        return sb.toString();
    }

    static String latency(PipelineResults.Latency l) {
        if (l == null) {
            return notMeasured("latency");
        }
        return "| keys | events/s offered | buffer timeout | p50 | p99 | p99.9 | samples | measured |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---|\n"
                + String.format(Locale.ROOT, "| %,d | %,.0f | %d ms | **%d ms** | **%d ms** | **%d ms** | %,d | %s |%n",
                l.keys(), l.rate(), l.bufferTimeoutMs(), l.p50Ms(), l.p99Ms(), l.p999Ms(), l.samples(),
                minute(l.measured()));
    }

    static String state(PipelineResults.StateSize s) {
        if (s == null) {
            return notMeasured("state");
        }
        return "| keys | checkpoint bytes | checkpoint bytes per key | heap growth per key (approximate) | measured |\n"
                + "|---:|---:|---:|---:|---|\n"
                + String.format(Locale.ROOT, "| %,d | %,d | **%.0f** | %.0f | %s |%n", s.keys(), s.checkpointBytes(),
                s.checkpointBytesPerKey(), s.heapBytesPerKey(), minute(s.measured()));
    }

    /**
     * Capacity arithmetic from the measured figures: keys × bytes per key for state, events/s ÷ events/s per slot
     * for slots, and the parallelism 1 vs 2 check.
     */
    static String sizing(PipelineResults r) {
        double p1 = find(r, 1, 100_000);
        double p2 = find(r, 2, 100_000);
        PipelineResults.StateSize st = r.state();
        if (Double.isNaN(p1) || st == null) {
            return "Needs the heap row at 100,000 keys and parallelism 1 and the state figures: "
                    + "`bench pipeline --scenarios generator,state --keys 100000 --backends hashmap --parallelism 1`.";
        }
        double bytesPerKey = st.checkpointBytesPerKey();
        double heapPerKey = st.heapBytesPerKey();
        StringBuilder sb = new StringBuilder("| figure | value |\n|---|---:|\n");
        sb.append(String.format(Locale.ROOT, "| events/s of one slot (heap state, 100,000 keys, parallelism 1) | **%,.0f** |%n", p1));
        sb.append(String.format(Locale.ROOT, "| checkpoint bytes per key | **%.0f** |%n", bytesPerKey));
        sb.append(String.format(Locale.ROOT, "| TaskManager heap bytes per key | **%.0f** |%n", heapPerKey));
        String example = String.format(Locale.ROOT, "%,d keys at %,.0f events/s", EXAMPLE_KEYS, EXAMPLE_RATE);
        sb.append(String.format(Locale.ROOT, "| %s: checkpoint | %.1f GB |%n", example, EXAMPLE_KEYS * bytesPerKey / 1e9));
        sb.append(String.format(Locale.ROOT, "| %s: heap across the TaskManagers | %.1f GB |%n", example,
                EXAMPLE_KEYS * heapPerKey / 1e9));
        sb.append(String.format(Locale.ROOT, "| %s: slots (×%.1f headroom) | %d (%d) |%n", example, HEADROOM,
                (long) Math.ceil(EXAMPLE_RATE / p1), (long) Math.ceil(HEADROOM * EXAMPLE_RATE / p1)));
        if (!Double.isNaN(p2)) {
            sb.append(String.format(Locale.ROOT, "| check: parallelism 1 vs 2 at 100,000 keys (heap), events/s "
                    + "| %,.0f vs %,.0f, ×%.2f |%n", p1, p2, p2 / p1));
        }
        return sb.toString();
    }

    private static String notMeasured(String scenario) {
        return "Not measured yet: `bench pipeline --scenarios " + scenario + "`.";
    }

    /** The generator row with heap state at this parallelism and key count: its events/s, NaN if none. */
    private static double find(PipelineResults r, int parallelism, int keys) {
        return r.rows().stream().filter(x -> x.scenario().equals(GeneratorScenario.TITLE) && x.backend().equals("hashmap")
                        && x.parallelism() == parallelism && x.keys() == keys)
                .mapToDouble(PipelineRow::eventsPerSecond).findFirst().orElse(Double.NaN);
    }

    /** An ISO instant to the second, e.g. {@code 2026-11-24T13:34:25Z}; the text as it is if it is not one. */
    private static String second(String instant) {
        try {
            return Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** The minute of an ISO instant, e.g. {@code 2026-11-24 09:10}; the text as it is if it is not one. */
    private static String minute(String instant) {
        if (instant == null) {
            return "";
        }
        return instant.length() >= 16 && instant.charAt(10) == 'T' ? instant.substring(0, 10) + " " + instant.substring(11, 16) : instant;
    }
}
