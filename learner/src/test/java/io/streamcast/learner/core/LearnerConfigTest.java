package io.streamcast.learner.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LearnerConfigTest {

    @Test
    void theTrainingCpuShareIsAShareOfOneCoreAndSurvivesToBuilder() {
        assertThat(LearnerConfig.builder().build().trainingCpuShare()).as("no pause by default").isEqualTo(1.0);
        LearnerConfig c = LearnerConfig.builder().trainingCpuShare(0.25).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThatThrownBy(() -> LearnerConfig.builder().trainingCpuShare(0).build())
                .hasMessageContaining("trainingCpuShare must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> LearnerConfig.builder().trainingCpuShare(1.5).build())
                .hasMessageContaining("trainingCpuShare must be in (0, 1], got 1.5");
    }
}
