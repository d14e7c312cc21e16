package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJob;
import io.streamcast.tools.local.LocalRun;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code state}: state bytes per key, heap backend: the size of the first checkpoint completed after every key has
 * been seen twice, divided by the keys; and the growth of the used heap after GC per key (approximate).
 */
record StateScenario(int keys) implements PipelineScenario {

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        Path checkpoints = h.checkpoints();
        LocalRun.deleteRecursively(checkpoints);
        long heapBefore = usedHeapAfterGc();
        CountingSink.reset(false);
        StreamExecutionEnvironment env = h.environment(2, "hashmap", null);
        new ForecastJob(PipelineHarness.config(Duration.ofSeconds(2)), h.model,
                SyntheticEvents.source(keys, 100_000, 2, false, 200_000),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        JobClient job = env.executeAsync("bench-state");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (CountingSink.COUNT.get() < 2L * keys) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: keys not all seen within 120 s");
                }
                Thread.sleep(100);
            }
            long seenAt = System.currentTimeMillis();
            Path chk = null;
            while (chk == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: no checkpoint completed after all keys were seen");
                }
                Thread.sleep(200);
                chk = latestCompletedCheckpointAfter(checkpoints, seenAt);
            }
            long bytes = directorySize(chk);
            long heapDuring = usedHeapAfterGc();
            PipelineResults.StateSize s = new PipelineResults.StateSize(keys, bytes, bytes / (double) keys,
                    (heapDuring - heapBefore) / (double) keys, Runtime.getRuntime().maxMemory(),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            h.log.printf(Locale.ROOT, "state: %,d keys, checkpoint %,d bytes = %.0f bytes/key; heap %.0f bytes/key%n", keys,
                    bytes, s.checkpointBytesPerKey(), s.heapBytesPerKey());
            return PipelineResults.EMPTY.withState(s);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static Path latestCompletedCheckpointAfter(Path root, long millis) throws IOException {
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.walk(root, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .filter(p -> p.toFile().lastModified() > millis)
                    .map(Path::getParent)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElse(null);
        }
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
