package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJob;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code latency}: event → forecast latency percentiles (wall clock at the generator to wall clock at the sink) at
 * half the best heap throughput at 100,000 keys measured so far, buffer timeout 5 ms; the first fifth of the run
 * (JIT warm-up) is dropped.
 */
record LatencyScenario(int keys, int seconds) implements PipelineScenario {

    static final int BUFFER_TIMEOUT_MS = 5;

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        double rate = Math.max(10_000, best100kHeap(known) / 2);
        CountingSink.reset(true);
        long perKey = Math.max(2, (long) (rate * seconds / keys));
        StreamExecutionEnvironment env = h.environment(2, "hashmap", Duration.ofMillis(BUFFER_TIMEOUT_MS));
        new ForecastJob(PipelineHarness.config(Duration.ofSeconds(10)), h.model,
                SyntheticEvents.source(keys, perKey, 2, true, rate),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        env.execute("bench-latency");
        int n = Math.min(CountingSink.SAMPLES.get(), CountingSink.MAX_SAMPLES);
        int skip = n / 5; // the first fifth includes JIT warm-up
        long[] lat = new long[n - skip];
        for (int i = skip; i < n; i++) {
            lat[i - skip] = CountingSink.LATENCIES.get(i);
        }
        Arrays.sort(lat);
        PipelineResults.Latency l = new PipelineResults.Latency(rate, keys, lat.length, pct(lat, 0.50), pct(lat, 0.99),
                pct(lat, 0.999), BUFFER_TIMEOUT_MS, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        h.log.printf(Locale.ROOT, "latency at %,.0f events/s: p50 %d ms, p99 %d ms, p99.9 %d ms%n", rate, l.p50Ms(),
                l.p99Ms(), l.p999Ms());
        return PipelineResults.EMPTY.withLatency(l);
    }

    /** The best heap throughput at 100,000 keys, measured now or before: the latency run offers half of it. */
    private static double best100kHeap(PipelineResults known) {
        return known.rows().stream()
                .filter(r -> r.scenario().equals(GeneratorScenario.TITLE) && r.backend().equals("hashmap") && r.keys() == 100_000)
                .mapToDouble(PipelineRow::eventsPerSecond).max()
                .orElseThrow(() -> new IllegalStateException("The latency run offers half the best heap throughput at "
                        + "100,000 keys, and none is measured: add --scenarios generator --keys 100000 --backends hashmap"));
    }

    private static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
