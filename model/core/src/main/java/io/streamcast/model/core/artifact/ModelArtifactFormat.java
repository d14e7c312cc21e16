package io.streamcast.model.core.artifact;

import java.nio.charset.StandardCharsets;

/**
 * The binary layout of a model artifact, format version 1. All integers and floats little-endian.
 *
 * <pre>
 * offset        size  content
 * 0             8     magic "STRMCAST" (ASCII)
 * 8             4     int32 format version (1)
 * 12            4     int32 header length N in bytes
 * 16            N     header: UTF-8 JSON object (see below)
 * 16+N          4·T   tensors: float32, in the order of header "tensors", each row-major
 * 16+N+4T       32    SHA-256 of every byte before it
 * </pre>
 *
 * Header fields: {@code modelVersion}, {@code architecture} ("stacked-recurrent-dense"), {@code features}
 * (names of {@link io.streamcast.model.core.feature.Feature}), {@code horizon}, {@code layers} (list of
 * {@code {cell, inputSize, hiddenSize}}), {@code head} ({@code {inputSize, outputSize, activation}}),
 * {@code scaler} ({@code {method, relativeStdFloor, absoluteStdFloor}}), {@code provenance}, and
 * {@code tensors} (list of {@code {name, shape}}): for each layer l {@code layerL.W [D, G·H]},
 * {@code layerL.RW [H, G·H]}, {@code layerL.b [G·H]}; then {@code head.W [H, K]}, {@code head.b [K]}.
 *
 * <p>A reader must refuse any version it does not know: a new layout gets a new version number and
 * a golden file of its own under {@code src/test/resources/golden/}.
 */
public final class ModelArtifactFormat {

    /** The format version this code writes and the only one it reads. */
    public static final int CURRENT_VERSION = 1;

    static final byte[] MAGIC = "STRMCAST".getBytes(StandardCharsets.US_ASCII);
    static final int PREAMBLE_BYTES = MAGIC.length + 4 + 4;
    static final int CHECKSUM_BYTES = 32;
    static final String ARCHITECTURE = "stacked-recurrent-dense";
    static final String SCALER_METHOD = "welford-zscore";
    static final String HEAD_ACTIVATION = "identity";

    private ModelArtifactFormat() {
    }
}
