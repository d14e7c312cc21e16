package io.streamcast.tools.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results store of {@code bench pipeline}: the throughput rows, the latency and the state figures, and the
 * machine of the last run, as kept in {@code docs/benchmarks-pipeline.json}.
 * <p>
 * {@link #with} is how a focused re-measurement leaves the rest alone: its rows replace the rows with the same
 * scenario, state backend, parallelism and key count, the others stay, and latency or state figures are replaced
 * only when measured again.
 *
 * @param written      when the file was last written (an ISO instant), or "" when not known
 * @param quick        whether the last run was a quick one
 * @param cores        processors of the last run's machine, 0 when not known
 * @param maxHeapBytes max heap of the last run's JVM, 0 when not known
 * @param rows         the throughput rows, in the table's order
 * @param latency      the latency figures, or null when never measured
 * @param state        the state size figures, or null when never measured
 */
public record PipelineResults(String written, boolean quick, int cores, long maxHeapBytes, List<PipelineRow> rows,
                             Latency latency, StateSize state) {

    /**
     * Event → forecast latency percentiles.
     *
     * @param rate            events/s offered
     * @param samples         latencies sampled after the first fifth of the run
     * @param bufferTimeoutMs the network buffer timeout of the run
     */
    public record Latency(double rate, int keys, int samples, long p50Ms, long p99Ms, long p999Ms, int bufferTimeoutMs,
                          String measured) {}

    /**
     * State per key: a completed checkpoint's size and the heap growth, each divided by the keys.
     *
     * @param maxHeapBytes the max heap of the JVM that measured it
     */
    public record StateSize(int keys, long checkpointBytes, double checkpointBytesPerKey, double heapBytesPerKey,
                            long maxHeapBytes, String measured) {}

    /** Nothing measured. */
    public static final PipelineResults EMPTY = new PipelineResults("", false, 0, 0, List.of(), null, null);

    /** The Kafka row's name before it carried its checkpoint interval (it was 2 s). */
    private static final String KAFKA_BEFORE_INTERVAL = KafkaScenario.TITLE;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public PipelineResults {
        rows = List.copyOf(rows);
    }

    /** Only rows (a scenario's measurement). */
    static PipelineResults ofRows(List<PipelineRow> rows) {
        return EMPTY.withRows(rows);
    }

    PipelineResults withRows(List<PipelineRow> fresh) {
        return new PipelineResults(written, quick, cores, maxHeapBytes, merge(rows, fresh), latency, state);
    }

    PipelineResults withLatency(Latency l) {
        return new PipelineResults(written, quick, cores, maxHeapBytes, rows, l, state);
    }

    PipelineResults withState(StateSize s) {
        return new PipelineResults(written, quick, cores, maxHeapBytes, rows, latency, s);
    }

    /** These results with everything {@code fresh} measured again replaced (its rows, latency, state). */
    PipelineResults with(PipelineResults fresh) {
        return new PipelineResults(written, quick, cores, maxHeapBytes, merge(rows, fresh.rows()),
                fresh.latency() != null ? fresh.latency() : latency, fresh.state() != null ? fresh.state() : state);
    }

    /** These results as written by a run now, on this machine. */
    PipelineResults writtenNow(boolean quickRun) {
        Runtime rt = Runtime.getRuntime();
        return new PipelineResults(Instant.now().toString(), quickRun, rt.availableProcessors(), rt.maxMemory(), rows,
                latency, state);
    }

    /** {@code previous} with every row that {@code fresh} measured again replaced, in the table's order. */
    static List<PipelineRow> merge(List<PipelineRow> previous, List<PipelineRow> fresh) {
        Map<String, PipelineRow> byId = new LinkedHashMap<>();
        for (PipelineRow r : previous) {
            byId.put(r.id(), r);
        }
        for (PipelineRow r : fresh) {
            byId.put(r.id(), r);
        }
        List<PipelineRow> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingInt(PipelineResults::scenarioOrder)
                .thenComparing(PipelineRow::scenario, PipelineResults::naturalOrder)
                .thenComparing(r -> r.backend().equals("hashmap") ? 0 : 1)
                .thenComparingInt(PipelineRow::parallelism)
                .thenComparingInt(PipelineRow::keys));
        return out;
    }

    private static int scenarioOrder(PipelineRow r) {
        String s = r.scenario();
        return s.equals(GeneratorScenario.TITLE) ? 0 : s.startsWith(KafkaScenario.TITLE) ? 1 : s.equals(Dl4jScenario.TITLE) ? 2 : 3;
    }

    /** Text order with runs of digits compared as numbers: "every 2 s" before "every 10 s". */
    static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int i2 = digitsEnd(a, i);
                int j2 = digitsEnd(b, j);
                int c = new BigInteger(a.substring(i, i2)).compareTo(new BigInteger(b.substring(j, j2)));
                if (c != 0) {
                    return c;
                }
                i = i2;
                j = j2;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int digitsEnd(String s, int from) {
        int end = from;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    /** The results of an earlier run's JSON, {@link #EMPTY} when there is none. */
    static PipelineResults read(Path json) throws IOException {
        if (!Files.exists(json)) {
            return EMPTY;
        }
        JsonNode root = JSON.readTree(json.toFile());
        JsonNode extra = root.path("extra");
        return new PipelineResults(root.path("written").asText(""), root.path("quick").asBoolean(false),
                root.path("cores").asInt(0), root.path("maxHeapBytes").asLong(0), rows(root),
                extra.hasNonNull("latency") ? JSON.treeToValue(extra.get("latency"), Latency.class) : null,
                extra.hasNonNull("state") ? JSON.treeToValue(extra.get("state"), StateSize.class) : null);
    }

    /** The rows of an earlier run's JSON; rows written before rows had dates get the file's date. */
    static List<PipelineRow> readRows(Path json) throws IOException {
        return Files.exists(json) ? rows(JSON.readTree(json.toFile())) : List.of();
    }

    private static List<PipelineRow> rows(JsonNode root) {
        String written = root.path("written").asText("");
        int defaultRuns = root.path("quick").asBoolean(false) ? 1 : 3;
        List<PipelineRow> out = new ArrayList<>();
        for (JsonNode r : root.path("rows")) {
            String scenario = r.path("scenario").asText();
            if (scenario.equals(KAFKA_BEFORE_INTERVAL)) {
                scenario = KafkaScenario.title(Duration.ofSeconds(2), null);
            }
            out.add(new PipelineRow(scenario, r.path("backend").asText(), r.path("parallelism").asInt(),
                    r.path("keys").asInt(), r.path("events").asLong(), r.path("eventsPerSecond").asDouble(),
                    r.path("note").asText(""), r.path("runs").asInt(defaultRuns), r.path("measured").asText(written)));
        }
        return out;
    }

    /** Writes these results as JSON: the run, the rows, and the latency and state figures under {@code extra}. */
    void write(Path json) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("written", written);
        root.put("quick", quick);
        root.put("cores", cores);
        root.put("maxHeapBytes", maxHeapBytes);
        ArrayNode arr = root.putArray("rows");
        for (PipelineRow r : rows) {
            arr.add(JSON.valueToTree(r));
        }
        ObjectNode extra = root.putObject("extra");
        if (latency != null) {
            extra.set("latency", JSON.valueToTree(latency));
        }
        if (state != null) {
            extra.set("state", JSON.valueToTree(state));
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
