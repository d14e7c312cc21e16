package io.streamcast.jobs;

import io.streamcast.jobs.forecast.ModelBundle;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.CheckpointRetentionPolicy;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: the job as {@link ForecastJobMain} builds it keeps its checkpoints when cancelled or when the cluster stops,
 * and carries its effective options (secrets masked) as global job parameters.
 */
class OperationsDefaultsTest {

    static JobGraph jobGraph(Configuration envConf) {
        envConf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        Configuration options = Configuration.fromMap(Map.of("streamcast.kafka.bootstrap-servers", "127.0.0.1:1"));
        ForecastJobMain.job(options, ModelBundle.bundledDefault(), false).build(env);
        return env.getStreamGraph().getJobGraph();
    }

    static CheckpointRetentionPolicy retention(JobGraph g) {
        return g.getCheckpointingSettings().getCheckpointCoordinatorConfiguration().getCheckpointRetentionPolicy();
    }

    @Test
    void checkpointsAreRetainedOnCancellationAndSuspensionUnlessConfiguredOtherwise() {
        assertThat(retention(jobGraph(new Configuration()))).isEqualTo(CheckpointRetentionPolicy.RETAIN_ON_CANCELLATION);
        Configuration explicit = new Configuration();
        explicit.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
        assertThat(retention(jobGraph(explicit))).isEqualTo(CheckpointRetentionPolicy.RETAIN_ON_FAILURE);
    }

    @Test
    void theEffectiveOptionsAreJobParametersWithSecretsMasked() {
        Map<String, String> shown = EffectiveOptions.of(Map.of(
                "streamcast.kafka.bootstrap-servers", "broker:9092",
                "streamcast.state.ttl", "2 d",
                "streamcast.kafka.sasl.password", "hunter2",
                "streamcast.kafka.sasl.jaas.config", "org.apache.kafka...PlainLoginModule required password=\"x\";"));
        assertThat(shown).containsEntry("streamcast.kafka.bootstrap-servers", "broker:9092")
                .containsEntry("streamcast.state.ttl", "2 d")
                .containsEntry("streamcast.watermark.idleness", "30 s")
                .containsEntry("streamcast.event-time.max-ahead", "1 d")
                .containsEntry("streamcast.topics.models", "models")
                .containsEntry("streamcast.kafka.sasl.password", EffectiveOptions.MASK)
                .containsEntry("streamcast.kafka.sasl.jaas.config", EffectiveOptions.MASK);
        assertThat(shown.values()).noneMatch(v -> v.contains("hunter2") || v.contains("password="));
        assertThat(EffectiveOptions.asJobParameters(Map.of()).toMap()).containsKey("streamcast.state.ttl");
    }
}
