package io.streamcast.tools.bench;

import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.ForecastOptions;
import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What the pipeline scenarios share: the model, a work folder for checkpoints (deleted on {@link #close}), local
 * mini-cluster environments, the job's configuration, medians of repeated runs and the log.
 */
final class PipelineHarness implements AutoCloseable {

    /** One measured run: events per second. */
    interface Measured {
        double run() throws Exception;
    }

    final boolean quick;
    final PrintStream log;
    final ModelBundle model;
    final Path work;

    PipelineHarness(boolean quick, PrintStream log) throws IOException {
        this.quick = quick;
        this.log = log;
        this.model = ModelBundle.bundledDefault();
        this.work = Files.createTempDirectory("streamcast-bench");
    }

    Path checkpoints() {
        return work.resolve("checkpoints");
    }

    /** A local environment: heap or RocksDB state, filesystem checkpoints in the work folder, no restarts. */
    StreamExecutionEnvironment environment(int parallelism, String backend, Duration bufferTimeout) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints().toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
        if (bufferTimeout != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, bufferTimeout);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** The job's defaults with this checkpoint interval. */
    static ForecastJobConfig config(Duration checkpointInterval) {
        return ForecastJobConfig.fromConfiguration(Configuration.fromMap(
                Map.of(ForecastOptions.CHECKPOINT_INTERVAL.key(), checkpointInterval.toMillis() + " ms")));
    }

    /** The median of {@code repeats} runs. */
    static double median(int repeats, Measured m) throws Exception {
        double[] v = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            v[i] = m.run();
        }
        Arrays.sort(v);
        return v[repeats / 2];
    }

    /** CPU time of this process so far, all threads (the in-process broker included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Logs one run's throughput and the CPU time this process spent on it: events per CPU-second is steadier than
     * events per second when other work shares the machine.
     */
    void logRun(String what, double eventsPerSecond, long events, long cpuNanos) {
        log.printf(Locale.ROOT, "  %s run: %,.0f events/s, %.1f CPU-s = %,.0f events per CPU-second%n", what,
                eventsPerSecond, cpuNanos / 1e9, events / (cpuNanos / 1e9));
    }

    /**
     * Deletes the work folder. Flink may still be deleting the checkpoints of a job that has just finished or been
     * cancelled, so files can vanish and appear while this runs ({@link CheckpointFolders#delete}).
     */
    @Override
    public void close() throws IOException {
        CheckpointFolders.delete(work);
    }
}
