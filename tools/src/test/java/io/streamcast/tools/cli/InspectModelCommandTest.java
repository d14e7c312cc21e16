package io.streamcast.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code inspect-model}'s validation metrics: counts as whole numbers, measurements with six significant digits. */
class InspectModelCommandTest {

    @Test
    void countsPrintAsIntegersAndMeasurementsKeepTheirDigits(@TempDir Path dir) throws Exception {
        java.nio.file.Path model = StreamcastCliTest.bundledModel(dir);
        StreamcastCliTest.Result r = StreamcastCliTest.execute("inspect-model", model.toString());
        assertThat(r.exit()).isZero();
        // the bundled model's validation MAE, read from the artifact and rounded here to six significant digits
        double valMae = io.streamcast.model.core.artifact.ModelArtifactReader.read(model).provenance()
                .validationMetrics().get("val_mae");
        String sixDigits = new java.math.BigDecimal(valMae).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
        assertThat(sixDigits).as("a measurement with a fractional part").contains(".");
        assertThat(r.out()).containsPattern("(?m)^  val_points:\\s+\\d+$")
                .containsPattern("(?m)^  best_epoch:\\s+\\d+$")
                .containsPattern("(?m)^  val_mae:\\s+" + java.util.regex.Pattern.quote(sixDigits) + "$")
                .doesNotContainPattern("(?m)^  (val_points|best_epoch|epochs_run):.*\\.");
    }

    @Test
    void metricFormat() {
        assertThat(InspectModelCommand.metric(1764.0)).isEqualTo("1764");
        assertThat(InspectModelCommand.metric(5.0)).isEqualTo("5");
        assertThat(InspectModelCommand.metric(0.123456789)).isEqualTo("0.123457");
        assertThat(InspectModelCommand.metric(Double.NaN)).isEqualTo("NaN");
    }
}
