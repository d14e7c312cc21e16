package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJob;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code state}: state bytes per key, heap backend: the size of the newest checkpoint completed after every key has
 * been seen twice (measured once the job is cancelled, which retains it), divided by the keys; and the growth of the
 * used heap after GC per key while the job runs (approximate).
 */
record StateScenario(int keys) implements PipelineScenario {

    @Override
    public PipelineResults measure(PipelineHarness h, PipelineResults known) throws Exception {
        Path checkpoints = h.checkpoints();
        CheckpointFolders.delete(checkpoints);
        long heapBefore = usedHeapAfterGc();
        CountingSink.reset(false);
        StreamExecutionEnvironment env = h.environment(2, "hashmap", null);
        new ForecastJob(PipelineHarness.config(Duration.ofSeconds(2)), h.model,
                SyntheticEvents.source(keys, 100_000, 2, false, 200_000),
                new CountingSink(), new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        JobClient job = env.executeAsync("bench-state");
        long[] heapDuring = new long[1];
        Path chk = checkpointAfter(job, checkpoints, 2L * keys, "every key seen twice",
                () -> heapDuring[0] = usedHeapAfterGc());
        long bytes = CheckpointFolders.size(chk);
        PipelineResults.StateSize s = new PipelineResults.StateSize(keys, bytes, bytes / (double) keys,
                (heapDuring[0] - heapBefore) / (double) keys, Runtime.getRuntime().maxMemory(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        h.log.printf(Locale.ROOT, "state: %,d keys, checkpoint %s, %,d bytes = %.0f bytes/key; heap %.0f bytes/key%n",
                keys, chk.getFileName(), bytes, s.checkpointBytesPerKey(), s.heapBytesPerKey());
        return PipelineResults.EMPTY.withState(s);
    }

    /** Something done while the job runs, once its checkpoint is complete. */
    interface WhileRunning {
        void run() throws Exception;
    }

    /**
     * The newest checkpoint of {@code job} completed after the counting sink has seen {@code forecasts} forecasts
     * ({@code what}, for the messages), retained by cancelling the job: a running job deletes each checkpoint once the
     * next one completes. {@code whileRunning} runs before the cancellation.
     */
    static Path checkpointAfter(JobClient job, Path checkpoints, long forecasts, String what, WhileRunning whileRunning)
            throws Exception {
        long seenAt;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (CountingSink.COUNT.get() < forecasts) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: " + what + " not within 300 s");
                }
                Thread.sleep(100);
            }
            seenAt = System.currentTimeMillis();
            while (CheckpointFolders.latestCompletedAfter(checkpoints, seenAt) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state run: no checkpoint completed after " + what);
                }
                Thread.sleep(200);
            }
            whileRunning.run();
        } finally {
            cancelAndWait(job);
        }
        // the job has ended: its newest completed checkpoint is retained on cancellation and no longer subsumed, so
        // its folder does not change while it is measured
        Path chk = CheckpointFolders.latestCompletedAfter(checkpoints, seenAt);
        if (chk == null) {
            throw new IllegalStateException("state run: the completed checkpoint was not retained when the job was cancelled");
        }
        return chk;
    }

    /**
     * Cancels the job and waits until it has ended: the acknowledged cancellation alone leaves the tasks and their
     * checkpoint writes running.
     */
    static void cancelAndWait(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // a cancelled job ends with a JobCancellationException
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
}
