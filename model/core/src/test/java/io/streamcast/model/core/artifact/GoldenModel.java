package io.streamcast.model.core.artifact;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model stored in {@code src/test/resources/golden/lstm2-h8-v1.strmcast}: a deterministic-random
 * 2-layer LSTM (H = 8), value and calendar features, horizon 3. {@link #main} regenerates the file; it
 * must only be run when a new format version gets its own golden file — version 1's file is frozen.
 */
public final class GoldenModel {

    static final String RESOURCE = "/golden/lstm2-h8-v1.strmcast";
    static final long SEED = 20261124L;

    private GoldenModel() {
    }

    static ModelArtifact artifact() {
        ForecastModel model = TestModels.random(SEED, FeatureSpec.VALUE_AND_CALENDAR, 3,
                new CellType[] {CellType.LSTM, CellType.LSTM}, new int[] {8, 8});
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_mae", 0.125);
        metrics.put("val_mae_persistence", 0.25);
        Provenance provenance = new Provenance("synthetic: deterministic random weights, seed " + SEED, 0, SEED, 0,
                0.0, 0, 0.0, Instant.parse("2026-11-24T00:00:00Z"), metrics);
        return ModelArtifact.of(model, ScalerPolicy.DEFAULT, provenance, "golden-lstm2-h8-v1");
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources" + RESOURCE);
        ModelArtifactWriter.write(artifact(), out);
        System.out.println(out + " " + ModelArtifactReader.sha256(out));
    }
}
