package io.streamcast.model.core.artifact;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.util.Objects;

/**
 * Everything the streaming job needs to serve a model, as stored in one artifact file: the network,
 * the scaling policy it was trained with, where it came from and its version label.
 *
 * @param formatVersion the binary format version the artifact was read from or will be written as (1 or 2;
 *        version 1 cannot hold a {@link io.streamcast.model.core.HeadMode#RESIDUAL} model)
 * @param model the network and its feature list and horizon
 * @param scaler the {@link io.streamcast.model.core.feature.OnlineScaler} policy used in training
 * @param provenance training provenance
 * @param modelVersion free text identifying the model, e.g. {@code "lstm-h32-20261124"}; carried in every
 *        forecast so outputs can be traced to a model
 */
public record ModelArtifact(int formatVersion, ForecastModel model, ScalerPolicy scaler, Provenance provenance,
        String modelVersion) {

    public ModelArtifact {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(scaler, "scaler");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(modelVersion, "modelVersion");
        if (modelVersion.isBlank()) {
            throw new IllegalArgumentException("modelVersion must not be blank");
        }
    }

    /** An artifact in the oldest format version that holds the model and its scaler ({@link ModelArtifactFormat#versionFor}). */
    public static ModelArtifact of(ForecastModel model, ScalerPolicy scaler, Provenance provenance,
            String modelVersion) {
        return new ModelArtifact(ModelArtifactFormat.versionFor(model, scaler), model, scaler, provenance, modelVersion);
    }
}
