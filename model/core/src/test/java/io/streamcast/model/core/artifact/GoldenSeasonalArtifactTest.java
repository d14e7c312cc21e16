package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Format version 3 golden file (seasonal head, SEASONAL_DIFF input): it must keep loading and forecasting; models
 * without either are still written as version 2, and the seasonal parts are refused in older versions.
 */
class GoldenSeasonalArtifactTest {

    private static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private static byte[] bytes() throws Exception {
        try (InputStream in = GoldenSeasonalArtifactTest.class.getResourceAsStream(GoldenModel.SEASONAL_RESOURCE)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void loadsFormatVersion3WithASeasonalHeadAndTheSeasonalInput() throws Exception {
        ModelArtifact art = ModelArtifactReader.fromBytes(bytes());
        assertThat(art.formatVersion()).isEqualTo(3);
        assertThat(art.model().headMode()).isEqualTo(HeadMode.SEASONAL);
        assertThat(art.model().features()).isEqualTo(GoldenModel.SEASONAL_FEATURES);
        assertThat(art.modelVersion()).isEqualTo("golden-lstm1-h4-seasonal-v3");
        assertThat(art.scaler()).isEqualTo(ScalerPolicy.DEFAULT);
        assertThat(art.model().layers()).isEqualTo(GoldenModel.seasonalArtifact().model().layers());
        assertThat(art.model().head()).isEqualTo(GoldenModel.seasonalArtifact().model().head());
    }

    @Test
    void writerStillProducesTheGoldenBytes() throws Exception {
        byte[] golden = bytes();
        assertThat(ModelArtifactWriter.toBytes(GoldenModel.seasonalArtifact())).isEqualTo(golden);
        assertThat(ModelArtifactReader.sha256(golden))
                .isEqualTo("bac1e7889d6361d0be25cbafd7016c38e41e328be58ef523f7cf830662ece13e");
    }

    @Test
    void modelsWithoutSeasonalPartsAreStillWrittenAsVersion2() {
        assertThat(ModelArtifact.of(GoldenModel.residualArtifact().model(), ScalerPolicy.DEFAULT,
                GoldenModel.residualArtifact().provenance(), "r").formatVersion()).isEqualTo(2);
    }

    @Test
    void aSeasonalModelCannotBeWrittenAsVersion2() throws Exception {
        ModelArtifact seasonal = GoldenModel.seasonalArtifact();
        ModelArtifact asV2 = new ModelArtifact(2, seasonal.model(), seasonal.scaler(), seasonal.provenance(), "x");
        assertThatThrownBy(() -> ModelArtifactWriter.toBytes(asV2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seasonal").hasMessageContaining("version 3");
    }

    @Test
    void forecastsAsTheFloat64ReferencePlusTheValue() throws Exception {
        ForecastModel model = ModelArtifactReader.fromBytes(bytes()).model();
        ForecastModel direct = new ForecastModel(model.layers(), model.head(), model.features(), model.horizon());
        Forecaster forecaster = model.newForecaster();
        FeatureEncoder encoder = new FeatureEncoder(model.features());
        float[] x = new float[4];
        double[] xd = new double[4];
        float[] state = model.newState();
        double[][] ref = TestModels.referenceState(direct);
        float[] out = new float[4];
        for (int t = 0; t < 24; t++) {
            encoder.encode(Math.sin(0.5 * t) * 1.5, 0.1 * Math.cos(t), START + t * HOUR, x, 0);
            for (int k = 0; k < 4; k++) {
                xd[k] = x[k];
            }
            assertThat(x[3]).isEqualTo((float) (0.1 * Math.cos(t)));
            forecaster.step(x, state, out);
            double[] reference = TestModels.referenceStep(direct, xd, ref);
            for (int j = 0; j < 4; j++) {
                // alone, the forecaster serves a seasonal head as a residual one: the caller rebases it
                assertThat((double) out[j]).as("step %d horizon %d", t, j + 1)
                        .isCloseTo(reference[j] + x[0], offset(1e-5));
            }
        }
    }
}
