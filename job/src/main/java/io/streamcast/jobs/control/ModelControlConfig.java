package io.streamcast.jobs.control;

import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.util.Objects;

import static io.streamcast.jobs.control.ModelControlOptions.*;

/**
 * Model control settings (keys in {@link ModelControlOptions}), parsed and validated in one place.
 * Immutable and serializable, so operators may hold it.
 */
public record ModelControlConfig(boolean enabled, String modelsTopic, String modelErrorsTopic, ModelSwapPolicy onSwap,
                                 long maxArtifactBytes) implements Serializable {

    public ModelControlConfig {
        Objects.requireNonNull(onSwap, "onSwap");
        if (enabled && (modelsTopic == null || modelsTopic.isBlank())) {
            throw new IllegalArgumentException(MODELS_TOPIC.key() + " must not be blank with model control enabled");
        }
        if (enabled && (modelErrorsTopic == null || modelErrorsTopic.isBlank())) {
            throw new IllegalArgumentException(MODEL_ERRORS_TOPIC.key() + " must not be blank with model control enabled");
        }
        if (maxArtifactBytes <= 0 || maxArtifactBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(MAX_ARTIFACT_SIZE.key() + " must be in 1 byte .. 2 GiB, got "
                    + maxArtifactBytes + " bytes");
        }
    }

    public static ModelControlConfig fromConfiguration(Configuration c) {
        return new ModelControlConfig(c.get(ENABLED), c.get(MODELS_TOPIC), c.get(MODEL_ERRORS_TOPIC), c.get(ON_SWAP),
                c.get(MAX_ARTIFACT_SIZE).getBytes());
    }

    /** Defaults for everything. */
    public static ModelControlConfig defaults() {
        return fromConfiguration(new Configuration());
    }
}
