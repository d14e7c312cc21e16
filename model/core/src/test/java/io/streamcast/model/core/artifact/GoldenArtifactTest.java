package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Format version 1 golden file: it must keep loading, and keep forecasting the same numbers. */
class GoldenArtifactTest {

    private static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    /** Forecasts after steps 0, 11 and 23, computed once with the scalar kernel when the file was made. */
    private static final float[][] EXPECTED = {
        {-1.287641227e-01f, 2.735283971e-02f, -7.504495233e-02f},
        {-1.587109119e-01f, -5.371906608e-02f, 4.563845322e-02f},
        {-1.338839978e-01f, -5.513272807e-02f, 9.463880956e-02f},
    };
    private static final int[] CHECKED_STEPS = {0, 11, 23};

    private static ModelArtifact load() throws Exception {
        try (InputStream in = GoldenArtifactTest.class.getResourceAsStream(GoldenModel.RESOURCE)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            return ModelArtifactReader.read(in);
        }
    }

    @Test
    void loadsMetadataOfFormatVersion1() throws Exception {
        ModelArtifact art = load();
        assertThat(art.formatVersion()).isEqualTo(1);
        assertThat(art.modelVersion()).isEqualTo("golden-lstm2-h8-v1");
        assertThat(art.scaler()).isEqualTo(ScalerPolicy.DEFAULT);
        assertThat(art.model().features()).isEqualTo(FeatureSpec.VALUE_AND_CALENDAR);
        assertThat(art.model().horizon()).isEqualTo(3);
        assertThat(art.model().stateSize()).isEqualTo(32);
        assertThat(art.provenance().seed()).isEqualTo(GoldenModel.SEED);
        assertThat(art.provenance().validationMetrics()).containsEntry("val_mae_persistence", 0.25);
        // the file holds exactly the weights the generator produces
        assertThat(art.model().layers()).isEqualTo(GoldenModel.artifact().model().layers());
        assertThat(art.model().head()).isEqualTo(GoldenModel.artifact().model().head());
    }

    @Test
    void writerStillProducesTheGoldenBytes() throws Exception {
        byte[] golden;
        try (InputStream in = GoldenArtifactTest.class.getResourceAsStream(GoldenModel.RESOURCE)) {
            golden = in.readAllBytes();
        }
        assertThat(ModelArtifactWriter.toBytes(GoldenModel.artifact())).isEqualTo(golden);
        assertThat(ModelArtifactReader.sha256(golden))
                .isEqualTo("7093eaa6bc3fe33b3cdf26f523a40eec7d37f0d640b61741023e5f6ecde4d5dd");
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void forecastsTheRecordedNumbersAndAgreesWithFloat64Reference(KernelKind kind) throws Exception {
        ForecastModel model = load().model();
        Forecaster forecaster = model.newForecaster(kind);
        FeatureEncoder encoder = new FeatureEncoder(model.features());
        float[] x = new float[5];
        double[] xd = new double[5];
        float[] state = model.newState();
        double[][] ref = TestModels.referenceState(model);
        float[] out = new float[3];
        int checked = 0;
        for (int t = 0; t < 24; t++) {
            encoder.encode(Math.sin(0.5 * t) * 1.5, START + t * HOUR, x);
            for (int k = 0; k < 5; k++) {
                xd[k] = x[k];
            }
            forecaster.step(x, state, out);
            double[] reference = TestModels.referenceStep(model, xd, ref);
            for (int j = 0; j < 3; j++) {
                // independent float64 evaluation of the documented equations
                assertThat((double) out[j]).as("step %d horizon %d vs float64", t, j + 1)
                        .isCloseTo(reference[j], offset(1e-6));
            }
            if (checked < CHECKED_STEPS.length && t == CHECKED_STEPS[checked]) {
                for (int j = 0; j < 3; j++) {
                    assertThat(out[j]).as("step %d horizon %d vs recorded", t, j + 1)
                            .isCloseTo(EXPECTED[checked][j], org.assertj.core.data.Offset.offset(2e-7f));
                    assertThat(reference[j]).as("recorded value vs float64")
                            .isCloseTo(EXPECTED[checked][j], offset(1e-6));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(3);
    }
}
