package io.streamcast.tools.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One row of the pipeline table: a throughput measured for a scenario, state backend, parallelism and key count
 * (together the row's identity), the median of {@code runs} runs, measured at {@code measured} (an ISO instant).
 */
public record PipelineRow(String scenario, String backend, int parallelism, int keys, long events,
                          double eventsPerSecond, String note, int runs, String measured) {

    /** A row measured now. */
    static PipelineRow measuredNow(String scenario, String backend, int parallelism, int keys, long events,
                                   double eventsPerSecond, String note, int runs) {
        return new PipelineRow(scenario, backend, parallelism, keys, events, eventsPerSecond, note, runs,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** What a re-measurement replaces: the same scenario, state backend, parallelism and key count. */
    String id() {
        return scenario + "|" + backend + "|" + parallelism + "|" + keys;
    }
}
