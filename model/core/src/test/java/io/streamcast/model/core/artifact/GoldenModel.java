package io.streamcast.model.core.artifact;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.WeekModel;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models stored in the golden files:
 * <ul>
 *   <li>{@code src/test/resources/golden/lstm2-h8-v1.strmcast} ({@link #artifact()}): format version 1, a
 *       deterministic-random 2-layer LSTM (H = 8), value and calendar features, horizon 3, direct head;</li>
 *   <li>{@code src/test/resources/golden/lstm2-h8-residual-v2.strmcast} ({@link #residualArtifact()}): format
 *       version 2, another deterministic-random model of the same shape with a residual head.</li>
 * </ul>
 * {@link #main} writes the file(s) named on the command line ({@code v1} or {@code v2}); it must only be run
 * when a new format version gets its own golden file — existing golden files are frozen.
 */
public final class GoldenModel {

    static final String RESOURCE = "/golden/lstm2-h8-v1.strmcast";
    static final long SEED = 20261124L;
    static final String RESIDUAL_RESOURCE = "/golden/lstm2-h8-residual-v2.strmcast";
    static final long RESIDUAL_SEED = 20270115L;
    static final String SEASONAL_RESOURCE = "/golden/lstm1-h4-seasonal-v3.strmcast";
    static final long SEASONAL_SEED = 20261207L;
    static final FeatureSpec SEASONAL_FEATURES = new FeatureSpec(java.util.List.of(
            io.streamcast.model.core.feature.Feature.VALUE, io.streamcast.model.core.feature.Feature.HOUR_SIN,
            io.streamcast.model.core.feature.Feature.HOUR_COS, io.streamcast.model.core.feature.Feature.SEASONAL_DIFF));

    static final String TRANSFORM_RESOURCE = "/golden/gru1-h4-slog-v4.strmcast";
    /** Format version 5 (a week model): {@link #weekArtifact()}. */
    static final String WEEK_RESOURCE = "/golden/gru1-h4-week-v5.strmcast";
    static final long WEEK_SEED = 5L;
    static final long TRANSFORM_SEED = 20261208L;

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
        return new ModelArtifact(1, model, ScalerPolicy.DEFAULT, provenance, "golden-lstm2-h8-v1");
    }

    static ModelArtifact residualArtifact() {
        ForecastModel model = TestModels.random(RESIDUAL_SEED, FeatureSpec.VALUE_AND_CALENDAR, 3,
                new CellType[] {CellType.LSTM, CellType.LSTM}, new int[] {8, 8}, HeadMode.RESIDUAL);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_mae", 0.0625);
        metrics.put("val_mae_persistence", 0.25);
        Provenance provenance = new Provenance("synthetic: deterministic random weights, seed " + RESIDUAL_SEED, 0,
                RESIDUAL_SEED, 0, 0.0, 0, 0.0, Instant.parse("2027-01-15T00:00:00Z"), metrics);
        return new ModelArtifact(2, model, ScalerPolicy.DEFAULT, provenance, "golden-lstm2-h8-residual-v2");
    }

    /** Format version 3: a seasonal head and the SEASONAL_DIFF feature. */
    static ModelArtifact seasonalArtifact() {
        ForecastModel model = TestModels.random(SEASONAL_SEED, SEASONAL_FEATURES, 4, new CellType[] {CellType.LSTM},
                new int[] {8}, HeadMode.SEASONAL);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_mase", 0.5);
        Provenance provenance = new Provenance("synthetic: deterministic random weights, seed " + SEASONAL_SEED, 0,
                SEASONAL_SEED, 0, 0.0, 0, 0.0, Instant.parse("2026-12-07T00:00:00Z"), metrics);
        return ModelArtifact.of(model, ScalerPolicy.DEFAULT, provenance, "golden-lstm1-h4-seasonal-v3");
    }

    /** Format version 4: a reset-after GRU with a seasonal head whose scaler works on the signed logarithm. */
    static ModelArtifact transformArtifact() {
        ForecastModel model = TestModels.random(TRANSFORM_SEED, SEASONAL_FEATURES, 4,
                new CellType[] {CellType.GRU_RESET_AFTER}, new int[] {8}, HeadMode.SEASONAL);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_mase", 0.5);
        Provenance provenance = new Provenance("synthetic: deterministic random weights, seed " + TRANSFORM_SEED, 0,
                TRANSFORM_SEED, 0, 0.0, 0, 0.0, Instant.parse("2026-12-08T00:00:00Z"), metrics);
        return ModelArtifact.of(model, ScalerPolicy.SIGNED_LOG, provenance, "golden-gru1-h4-slog-v4");
    }

    /**
     * Format version 5: the version 4 model with a week model (P = 2, a window of 14 values, 3 hidden units, K = 4),
     * deterministic weights.
     */
    static ModelArtifact weekArtifact() {
        ModelArtifact t = transformArtifact();
        java.util.Random r = new java.util.Random(WEEK_SEED);
        int l = 14;
        int u = 3;
        int k = 4;
        WeekModel week = new WeekModel(2, u, k, floats(r, l * k), floats(r, k), floats(r, l * u), floats(r, u),
                floats(r, u * k));
        return new ModelArtifact(t.formatVersion(), t.model(), t.scaler(), t.provenance(), "golden-gru1-h4-week-v5")
                .withWeekModel(week);
    }

    private static float[] floats(java.util.Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * 0.1);
        }
        return a;
    }

    /** Arguments: {@code v1} … {@code v5}, the golden files to (re)write under src/test/resources. */
    public static void main(String[] args) throws Exception {
        for (String which : args) {
            ModelArtifact artifact = switch (which) {
                case "v1" -> artifact();
                case "v2" -> residualArtifact();
                case "v3" -> seasonalArtifact();
                case "v4" -> transformArtifact();
                case "v5" -> weekArtifact();
                default -> throw new IllegalArgumentException("unknown golden file " + which + " (v1 … v5)");
            };
            String resource = switch (which) {
                case "v1" -> RESOURCE;
                case "v2" -> RESIDUAL_RESOURCE;
                case "v3" -> SEASONAL_RESOURCE;
                case "v4" -> TRANSFORM_RESOURCE;
                default -> WEEK_RESOURCE;
            };
            Path out = Path.of("src/test/resources" + resource);
            ModelArtifactWriter.write(artifact, out);
            System.out.println(out + " " + ModelArtifactReader.sha256(out));
        }
    }
}
