package io.streamcast.model.core.series;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.anomaly.IntervalConfig;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.ProfileCandidate;
import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.ScalerPolicy;

/**
 * One model ready to serve, by {@link SeriesStep}, inside one operator instance: the artifact's stepping classes, the
 * per-model scratch buffers and the tags written into each key's state. Built completely before it replaces
 * the previous one, so a swap is one reference assignment. Not thread-safe (one per operator instance).
 */
public final class ServingModel {

    /** The architecture tag of state known to belong to no model that can serve it (never a model's own tag). */
    public static final int OTHER_ARCHITECTURE = Integer.MIN_VALUE;

    public final String version;
    public final String sha256;
    public final int modelTag;
    public final int archTag;
    public final String architecture;
    final Forecaster forecaster;
    final FeatureEncoder encoder;
    /** The model's head predicts corrections to seasonal naive ({@code HeadMode.SEASONAL}). */
    final boolean seasonalHead;
    final ScalerPolicy scalerPolicy;
    final PredictionIntervals intervals;
    final PersistenceBlend blend;
    /** The per-horizon combination with the baselines, for keys with a season (a block at {@link #blockAt}). */
    final HorizonCombination combination;
    final int horizon;
    /** Where the blend's floats start in a key's stats: after the scorer's and the intervals'. */
    final int blendOffset;
    /**
     * Where the combination's block of a key with a season starts in its stats: after the scorer's, the intervals' and
     * the blend's floats (what a key's stats were without a season up to series state layout 9).
     */
    final int blockAt;
    /** Floats of a key's stats without a season: up to {@link #blockAt}, then the {@link ProfileCandidate}'s. */
    final int statsSize;
    /** The daily-profile candidate of keys without a season (its floats at {@link #blockAt}). */
    final ProfileCandidate profile;
    final float[] features;
    final float[] modelOut;
    /** The model's forecasts in value units, before any combination. */
    final float[] modelForecast;
    final float[] forecast;
    final float[] lower;
    final float[] upper;

    public ServingModel(ModelArtifact artifact, String sha256) {
        ForecastModel model = artifact.model();
        this.version = artifact.modelVersion();
        this.sha256 = sha256;
        this.modelTag = version.hashCode();
        this.architecture = architectureOf(model) + weekOf(artifact.weekModel());
        int h = architecture.hashCode();
        // 0 means "unknown" in state, OTHER_ARCHITECTURE "not any serving model's"
        this.archTag = h == 0 || h == OTHER_ARCHITECTURE ? 1 : h;
        this.forecaster = model.newForecaster();
        this.encoder = new FeatureEncoder(model.features());
        this.seasonalHead = model.headMode() == io.streamcast.model.core.HeadMode.SEASONAL;
        this.scalerPolicy = artifact.scaler();
        this.horizon = model.horizon();
        this.intervals = new PredictionIntervals(IntervalConfig.builder().horizon(horizon).build());
        this.blend = new PersistenceBlend();
        this.blendOffset = AnomalyScorer.STATE_SIZE + intervals.stateSize();
        this.blockAt = blendOffset + PersistenceBlend.STATE_SIZE;
        this.statsSize = blockAt + ProfileCandidate.STATE_SIZE;
        this.profile = new ProfileCandidate();
        this.combination = new HorizonCombination(horizon, artifact.weekModel());
        this.features = new float[model.inputSize()];
        this.modelOut = new float[horizon];
        this.modelForecast = new float[horizon];
        this.forecast = new float[horizon];
        this.lower = new float[horizon];
        this.upper = new float[horizon];
    }

    /**
     * What a key's recurrent state depends on: every layer's cell type and sizes (in order), the features and the
     * horizon. Two models with equal architectures can continue each other's recurrent state.
     */
    public static String architectureOf(ForecastModel model) {
        StringBuilder sb = new StringBuilder("layers=");
        for (LayerWeights l : model.layers()) {
            sb.append(l.type()).append(':').append(l.inputSize()).append('x').append(l.hiddenSize()).append(';');
        }
        return sb.append(" features=").append(model.features().features())
                .append(" horizon=").append(model.horizon()).toString();
    }

    /**
     * The week model's part of the architecture: a key's candidate slot 1 holds the week model's errors and pending
     * forecasts where a model has one and persistence's where it has none, so a swap between the two must not keep
     * them (a swap between week models of the same shape keeps them, as it keeps the network's); empty without one,
     * so the architecture of a model without a week model is what it was.
     */
    static String weekOf(io.streamcast.model.core.WeekModel week) {
        return week == null ? "" : " week=" + week.period() + "x" + week.hidden();
    }

    @Override
    public String toString() {
        return "model " + version + " (sha256 " + sha256 + ", " + architecture + ")";
    }
}
