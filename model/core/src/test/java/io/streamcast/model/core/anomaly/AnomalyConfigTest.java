package io.streamcast.model.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AnomalyConfigTest {

    private static void assertRejected(UnaryOperator<AnomalyConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(AnomalyConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void defaultsAreValidAndDocumented() {
        AnomalyConfig c = AnomalyConfig.defaults();
        assertThat(c.warmUpEvents()).isEqualTo(AnomalyConfig.DEFAULT_WARM_UP_EVENTS);
        assertThat(c.averagingWindow()).isEqualTo(AnomalyConfig.DEFAULT_AVERAGING_WINDOW);
        assertThat(c.threshold()).isEqualTo(0.5);
        assertThat(c.spatialCheck()).isTrue();
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    }

    @Test
    void validationMessagesNameTheSettingAndTheValue() {
        assertRejected(b -> b.warmUpEvents(-1), "warmUpEvents must be >= 0, got -1");
        assertRejected(b -> b.residualHalfLife(-1), "residualHalfLife must be a finite number > 0, got -1.0");
        assertRejected(b -> b.residualHalfLife(Double.NaN), "residualHalfLife must be a finite number > 0, got NaN");
        assertRejected(b -> b.residualClip(0.5), "residualClip must be a finite number >= 1, got 0.5");
        assertRejected(b -> b.minResidualScale(0), "minResidualScale must be a finite number > 0, got 0.0");
        assertRejected(b -> b.surpriseDecades(Double.POSITIVE_INFINITY),
                "surpriseDecades must be a finite number > 0, got Infinity");
        assertRejected(b -> b.averagingWindow(0), "averagingWindow must be >= 1, got 0");
        assertRejected(b -> b.learningPeriod(-5), "learningPeriod must be >= 0, got -5");
        assertRejected(b -> b.estimationSamples(0), "estimationSamples must be >= 1, got 0");
        assertRejected(b -> b.likelihoodHalfLife(0), "likelihoodHalfLife must be a finite number > 0, got 0.0");
        assertRejected(b -> b.minMean(1.0), "minMean must be in [0, 1), got 1.0");
        assertRejected(b -> b.minVariance(-1e-4), "minVariance must be a finite number > 0, got -1.0E-4");
        assertRejected(b -> b.redTail(0.5), "redTail must be in (0, 0.5), got 0.5");
        assertRejected(b -> b.yellowTail(1e-6), "yellowTail must be in [redTail, 0.5) = [1.0E-5, 0.5), got 1.0E-6");
        assertRejected(b -> b.episodeEndTail(1e-4), "episodeEndTail must be in (yellowTail, 0.5] = (0.001, 0.5], got 1.0E-4");
        assertRejected(b -> b.profileAdaptation(0), "profileAdaptation must be in (0, 1], got 0.0");
        assertRejected(b -> b.threshold(1.5), "threshold must be in (0, 1], got 1.5");
        assertRejected(b -> b.threshold(0), "threshold must be in (0, 1], got 0.0");
        assertRejected(b -> b.spatialTolerance(-0.05), "spatialTolerance must be a finite number >= 0, got -0.05");
        assertRejected(b -> b.learningPeriod(1 << 24),
                "warmUpEvents and learningPeriod + estimationSamples must be <= 16777216, got 150 and 16777316");
    }

    @Test
    void scorerRejectsNullConfig() {
        assertThatThrownBy(() -> new AnomalyScorer(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config must not be null");
    }
}
