package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Format version 2 golden file (residual head): it must keep loading, and keep forecasting the same numbers. */
class GoldenResidualArtifactTest {

    private static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    /**
     * Forecasts after steps 0, 11 and 23 (scaled input values 0, −1.0583105 and −1.3131783), computed once with the
     * scalar kernel when the file was made and checked against the float64 reference then.
     */
    private static final float[][] EXPECTED = {
        {-2.024550885e-01f, 9.955736808e-03f, -4.880003631e-03f},
        {-1.386241436e+00f, -1.103503466e+00f, -8.725694418e-01f},
        {-1.701433182e+00f, -1.401428819e+00f, -1.203257442e+00f},
    };
    private static final int[] CHECKED_STEPS = {0, 11, 23};

    private static byte[] bytes() throws Exception {
        try (InputStream in = GoldenResidualArtifactTest.class.getResourceAsStream(GoldenModel.RESIDUAL_RESOURCE)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void loadsMetadataOfFormatVersion2WithAResidualHead() throws Exception {
        ModelArtifact art = ModelArtifactReader.fromBytes(bytes());
        assertThat(art.formatVersion()).isEqualTo(2);
        assertThat(art.model().headMode()).isEqualTo(HeadMode.RESIDUAL);
        assertThat(art.modelVersion()).isEqualTo("golden-lstm2-h8-residual-v2");
        assertThat(art.scaler()).isEqualTo(ScalerPolicy.DEFAULT);
        assertThat(art.model().features()).isEqualTo(FeatureSpec.VALUE_AND_CALENDAR);
        assertThat(art.model().horizon()).isEqualTo(3);
        assertThat(art.model().stateSize()).isEqualTo(32);
        assertThat(art.provenance().seed()).isEqualTo(GoldenModel.RESIDUAL_SEED);
        assertThat(art.model().layers()).isEqualTo(GoldenModel.residualArtifact().model().layers());
        assertThat(art.model().head()).isEqualTo(GoldenModel.residualArtifact().model().head());
    }

    @Test
    void writerStillProducesTheGoldenBytes() throws Exception {
        byte[] golden = bytes();
        assertThat(ModelArtifactWriter.toBytes(GoldenModel.residualArtifact())).isEqualTo(golden);
        assertThat(ModelArtifactReader.sha256(golden))
                .isEqualTo("a2e351db94911c0b68fcee4b32a863c2c12ddb8da922bd0daabb3777be54488c");
    }

    @ParameterizedTest
    @EnumSource(KernelKind.class)
    void forecastsTheRecordedNumbersAndAgreesWithFloat64Reference(KernelKind kind) throws Exception {
        ForecastModel model = ModelArtifactReader.fromBytes(bytes()).model();
        // the same weights read as a direct-head model: the residual forecast is the input value plus its output
        ForecastModel direct = new ForecastModel(model.layers(), model.head(), model.features(), model.horizon());
        Forecaster forecaster = model.newForecaster(kind);
        Forecaster directForecaster = direct.newForecaster(kind);
        FeatureEncoder encoder = new FeatureEncoder(model.features());
        float[] x = new float[5];
        double[] xd = new double[5];
        float[] state = model.newState();
        float[] directState = direct.newState();
        double[][] ref = TestModels.referenceState(model);
        float[] out = new float[3];
        float[] directOut = new float[3];
        int checked = 0;
        for (int t = 0; t < 24; t++) {
            encoder.encode(Math.sin(0.5 * t) * 1.5, START + t * HOUR, x);
            for (int k = 0; k < 5; k++) {
                xd[k] = x[k];
            }
            forecaster.step(x, state, out);
            directForecaster.step(x, directState, directOut);
            double[] reference = TestModels.referenceStep(model, xd, ref);
            for (int j = 0; j < 3; j++) {
                assertThat((double) out[j]).as("step %d horizon %d vs float64", t, j + 1)
                        .isCloseTo(reference[j], offset(1e-6));
                assertThat(out[j]).as("step %d horizon %d = value + direct output", t, j + 1)
                        .isEqualTo(directOut[j] + x[0]);
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
