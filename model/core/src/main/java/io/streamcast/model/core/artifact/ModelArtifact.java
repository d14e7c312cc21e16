package io.streamcast.model.core.artifact;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.WeekModel;
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
 * @param weekModel the global week model served beside the network to keys with a daily season, null if none
 *        (format version 5 on)
 */
public record ModelArtifact(int formatVersion, ForecastModel model, ScalerPolicy scaler, Provenance provenance,
        String modelVersion, WeekModel weekModel) {

    /** An artifact without a week model. */
    public ModelArtifact(int formatVersion, ForecastModel model, ScalerPolicy scaler, Provenance provenance,
            String modelVersion) {
        this(formatVersion, model, scaler, provenance, modelVersion, null);
    }

    public ModelArtifact {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(scaler, "scaler");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(modelVersion, "modelVersion");
        if (modelVersion.isBlank()) {
            throw new IllegalArgumentException("modelVersion must not be blank");
        }
        if (weekModel != null && weekModel.horizon() != model.horizon()) {
            throw new IllegalArgumentException("the week model forecasts " + weekModel.horizon()
                    + " steps and the network " + model.horizon() + ": both must have the same horizon");
        }
    }

    /** This artifact with {@code week} as its week model, in the format version that holds it. */
    public ModelArtifact withWeekModel(WeekModel week) {
        int version = week == null ? formatVersion : Math.max(formatVersion, ModelArtifactFormat.FIRST_VERSION_WITH_WEEK_MODEL);
        return new ModelArtifact(version, model, scaler, provenance, modelVersion, week);
    }

    /** An artifact in the oldest format version that holds the model and its scaler ({@link ModelArtifactFormat#versionFor}). */
    public static ModelArtifact of(ForecastModel model, ScalerPolicy scaler, Provenance provenance,
            String modelVersion) {
        return new ModelArtifact(ModelArtifactFormat.versionFor(model, scaler), model, scaler, provenance, modelVersion);
    }
}
