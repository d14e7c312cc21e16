package io.streamcast.model.core.artifact;

import java.nio.charset.StandardCharsets;

/**
 * The binary layout of a model artifact, format versions 1 to 5. All integers and floats little-endian.
 *
 * <pre>
 * offset        size  content
 * 0             8     magic "STRMCAST" (ASCII)
 * 8             4     int32 format version (1 to 5)
 * 12            4     int32 header length N in bytes
 * 16            N     header: UTF-8 JSON object (see below)
 * 16+N          4·T   tensors: float32, in the order of header "tensors", each row-major
 * 16+N+4T       32    SHA-256 of every byte before it
 * </pre>
 *
 * Header fields: {@code modelVersion}, {@code architecture} ("stacked-recurrent-dense"), {@code features}
 * (names of {@link io.streamcast.model.core.feature.Feature}), {@code horizon}, {@code layers} (list of
 * {@code {cell, inputSize, hiddenSize}}), {@code head} ({@code {inputSize, outputSize, activation}}, and from
 * version 2 on {@code mode}),
 * {@code scaler} ({@code {method, relativeStdFloor, absoluteStdFloor}}), {@code provenance}, and
 * {@code tensors} (list of {@code {name, shape}}): for each layer l {@code layerL.W [D, G·H]},
 * {@code layerL.RW [H, G·H]}, {@code layerL.b [G·H]}; then {@code head.W [H, K]}, {@code head.b [K]}.
 *
 * <p>Versions:
 * <ul>
 *   <li>1: as above, without {@code head.mode}; the head predicts the scaled values
 *       ({@link io.streamcast.model.core.HeadMode#DIRECT}). Golden file {@code golden/lstm2-h8-v1.strmcast}.</li>
 *   <li>2: {@code head.mode} is required: {@code "direct"} or {@code "residual"}
 *       ({@link io.streamcast.model.core.HeadMode}; residual: forecast = current scaled value + head output).
 *       Everything else as version 1. Golden file {@code golden/lstm2-h8-residual-v2.strmcast}.</li>
 *   <li>3: as version 2, and {@code head.mode} may also be {@code "seasonal"} (forecast = scaled seasonal naive +
 *       head output), {@code features} may hold {@code SEASONAL_DIFF}, and a layer's {@code cell} may be
 *       {@code GRU_RESET_AFTER}. Written only for a model that uses one of
 *       them ({@link #versionFor}); every other model is still written as version 2, which earlier releases read.
 *       Golden file {@code golden/lstm1-h4-seasonal-v3.strmcast}.</li>
 *   <li>4: as version 3, and {@code scaler} has {@code transform}: {@code "none"} or {@code "signed-log1p"}
 *       ({@link io.streamcast.model.core.feature.ScalerPolicy.Transform}; without it, as in versions 1–3, none).
 *       Written only for a model whose scaler transforms the values ({@link #versionFor}), so that a release
 *       that cannot scale like it refuses it by its version. Golden file {@code golden/gru1-h4-slog-v4.strmcast}.</li>
 *   <li>5: as version 4, and an optional {@code weekModel} object ({@code {period, window, hidden, transform}},
 *       transform {@code "signed-log1p-centred"}; {@link io.streamcast.model.core.WeekModel}) whose tensors follow the
 *       head's: {@code week.Wl [L, K]}, {@code week.bl [K]}, {@code week.W1 [L, U]}, {@code week.b1 [U]},
 *       {@code week.W2 [U, K]} (L = 7·period, U = hidden). Written only for an artifact with a week model. Golden
 *       file {@code golden/gru1-h4-week-v5.strmcast}.</li>
 * </ul>
 * The reader reads all five; the writer writes {@link #versionFor} the model and, for a
 * {@link io.streamcast.model.core.HeadMode#DIRECT} model, still version 1 when asked to.
 *
 * <p>A reader must refuse any version it does not know: a new layout gets a new version number and
 * a golden file of its own under {@code src/test/resources/golden/}.
 */
public final class ModelArtifactFormat {

    /** The format version {@link ModelArtifact#of} uses for a model that {@link #versionFor} does not need 3 for. */
    public static final int CURRENT_VERSION = 2;

    /** The first version with a seasonal head and the {@code SEASONAL_DIFF} feature. */
    public static final int FIRST_VERSION_WITH_SEASONAL = 3;

    /**
     * The oldest version that can hold {@code model}: 3 for a seasonal head or feature or a
     * {@code GRU_RESET_AFTER} layer, else {@link #CURRENT_VERSION}.
     */
    public static int versionFor(io.streamcast.model.core.ForecastModel model) {
        return usesSeasonal(model) || usesResetAfterGru(model) ? FIRST_VERSION_WITH_SEASONAL : CURRENT_VERSION;
    }

    /** The first version with the scaler's {@code transform}. */
    public static final int FIRST_VERSION_WITH_TRANSFORM = 4;

    /** The oldest version that can hold {@code model} scaled with {@code scaler}: 4 for a transform, else as {@link #versionFor(io.streamcast.model.core.ForecastModel)}. */
    public static int versionFor(io.streamcast.model.core.ForecastModel model,
            io.streamcast.model.core.feature.ScalerPolicy scaler) {
        return scaler.affine() ? versionFor(model) : FIRST_VERSION_WITH_TRANSFORM;
    }

    /** True if a layer is a {@code GRU_RESET_AFTER} cell (format 3 on). */
    public static boolean usesResetAfterGru(io.streamcast.model.core.ForecastModel model) {
        return model.layers().stream()
                .anyMatch(l -> l.type() == io.streamcast.model.core.cell.CellType.GRU_RESET_AFTER);
    }

    /** True if the model has a seasonal head or the {@code SEASONAL_DIFF} feature. */
    public static boolean usesSeasonal(io.streamcast.model.core.ForecastModel model) {
        return model.headMode() == io.streamcast.model.core.HeadMode.SEASONAL
                || model.features().indexOf(io.streamcast.model.core.feature.Feature.SEASONAL_DIFF) >= 0;
    }

    /** The first version with the optional {@code weekModel}. */
    public static final int FIRST_VERSION_WITH_WEEK_MODEL = 5;

    /** The week model's only transform: g(v) = sign(v)·ln(1 + |v|), the window centred by its mean. */
    static final String WEEK_TRANSFORM = "signed-log1p-centred";

    /** The first version with {@code head.mode}; earlier versions are read as direct-head models. */
    public static final int FIRST_VERSION_WITH_HEAD_MODE = 2;

    /** Every version this code reads and writes, oldest first. */
    public static final java.util.List<Integer> SUPPORTED_VERSIONS = java.util.List.of(1, 2, 3, 4, 5);

    /** True if this code can read and write format {@code version}. */
    public static boolean supports(int version) {
        return SUPPORTED_VERSIONS.contains(version);
    }

    /** "1, 2": the supported versions as refusal messages list them. */
    static String supportedList() {
        return SUPPORTED_VERSIONS.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    static final byte[] MAGIC = "STRMCAST".getBytes(StandardCharsets.US_ASCII);
    static final int PREAMBLE_BYTES = MAGIC.length + 4 + 4;
    static final int CHECKSUM_BYTES = 32;
    static final String ARCHITECTURE = "stacked-recurrent-dense";
    static final String SCALER_METHOD = "welford-zscore";
    static final String HEAD_ACTIVATION = "identity";

    private ModelArtifactFormat() {
    }
}
