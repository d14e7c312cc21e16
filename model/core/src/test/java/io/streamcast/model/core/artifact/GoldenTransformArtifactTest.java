package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Format version 4 golden file (a scaler on the signed logarithm): it must keep loading; models whose scaler does not
 * transform are written as before (version 2 or 3), and a transform is refused in the older versions, both ways.
 */
class GoldenTransformArtifactTest {

    private static byte[] bytes() throws Exception {
        try (InputStream in = GoldenTransformArtifactTest.class.getResourceAsStream(GoldenModel.TRANSFORM_RESOURCE)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void loadsFormatVersion4WithTheSignedLogScaler() throws Exception {
        ModelArtifact art = ModelArtifactReader.fromBytes(bytes());
        assertThat(art.formatVersion()).isEqualTo(4);
        assertThat(art.scaler()).isEqualTo(ScalerPolicy.SIGNED_LOG);
        assertThat(art.scaler().transform()).isEqualTo(ScalerPolicy.Transform.SIGNED_LOG1P);
        assertThat(art.model().headMode()).isEqualTo(HeadMode.SEASONAL);
        assertThat(art.model().layers().get(0).type()).isEqualTo(CellType.GRU_RESET_AFTER);
        assertThat(art.modelVersion()).isEqualTo("golden-gru1-h4-slog-v4");
        assertThat(art.model().layers()).isEqualTo(GoldenModel.transformArtifact().model().layers());
    }

    @Test
    void writerStillProducesTheGoldenBytes() throws Exception {
        byte[] golden = bytes();
        assertThat(ModelArtifactWriter.toBytes(GoldenModel.transformArtifact())).isEqualTo(golden);
        assertThat(new String(golden, StandardCharsets.UTF_8)).contains("\"transform\":\"signed-log1p\"");
        assertThat(ModelArtifactReader.sha256(golden))
                .isEqualTo("ad3e90712279c13ffa1c66a7817aef20508bb9a59fa0b5a3b34874ca2f0c52a0");
    }

    @Test
    void onlyATransformingScalerNeedsVersion4() {
        ModelArtifact seasonal = GoldenModel.seasonalArtifact();
        assertThat(ModelArtifact.of(seasonal.model(), ScalerPolicy.DEFAULT, seasonal.provenance(), "s")
                .formatVersion()).isEqualTo(3);
        assertThat(ModelArtifact.of(seasonal.model(), ScalerPolicy.SIGNED_LOG, seasonal.provenance(), "s")
                .formatVersion()).isEqualTo(4);
        ModelArtifact residual = GoldenModel.residualArtifact();
        assertThat(ModelArtifact.of(residual.model(), ScalerPolicy.SIGNED_LOG, residual.provenance(), "r")
                .formatVersion()).isEqualTo(4);
    }

    @Test
    void aTransformCannotBeWrittenAsVersion3() {
        ModelArtifact t = GoldenModel.transformArtifact();
        ModelArtifact asV3 = new ModelArtifact(3, t.model(), t.scaler(), t.provenance(), "x");
        assertThatThrownBy(() -> ModelArtifactWriter.toBytes(asV3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signed-log1p").hasMessageContaining("version 4");
    }
}
