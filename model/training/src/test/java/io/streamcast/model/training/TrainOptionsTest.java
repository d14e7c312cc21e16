package io.streamcast.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {
    private static final Path IN = Path.of("data");
    private static final Path OUT = Path.of("models/m.scm");

    @Test
    void defaults() {
        TrainOptions o = TrainOptions.builder(IN, OUT).build();
        assertThat(o.cell()).isEqualTo(CellType.LSTM);
        assertThat(o.hidden()).isEqualTo(32);
        assertThat(o.horizon()).isEqualTo(8);
        assertThat(o.tbptt()).isEqualTo(50);
        assertThat(o.epochs()).isEqualTo(30);
        assertThat(o.patience()).isEqualTo(5);
        assertThat(o.lr()).isEqualTo(5e-3);
        assertThat(o.clip()).isEqualTo(1.0);
        assertThat(o.features()).isEqualTo(FeatureSpec.VALUE_AND_CALENDAR);
        assertThat(o.dl4jModelPath()).isEqualTo(Path.of("models/m.dl4j.zip"));
        assertThat(o.residual()).isFalse();
        assertThat(o.headMode()).isEqualTo(io.streamcast.model.core.HeadMode.DIRECT);
    }

    @Test
    void residualCanBeTurnedOnAndOffAndSurvivesToBuilder() {
        TrainOptions residual = TrainOptions.builder(IN, OUT).residual(true).build();
        assertThat(residual.residual()).isTrue();
        assertThat(residual.headMode()).isEqualTo(io.streamcast.model.core.HeadMode.RESIDUAL);
        TrainOptions direct = residual.toBuilder().residual(false).build();
        assertThat(direct.residual()).isFalse();
        assertThat(direct.headMode()).isEqualTo(io.streamcast.model.core.HeadMode.DIRECT);
        assertThat(direct.toBuilder().build().residual()).isFalse();
        assertThat(direct.toBuilder().residual(true).build().residual()).isTrue();
    }

    @Test
    void reportsEveryBadValueByNameInOneMessage() {
        assertThatThrownBy(() -> TrainOptions.builder(IN, OUT).hidden(0).lr(-1).tbptt(500).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid training options: hidden must be in [1, 1024], got 0; "
                        + "tbptt 500 is longer than sequenceLength 100; lr must be in (0, 1], got -1.0");
    }

    @Test
    void gruMeansTheResetAfterGruAndTheOtherGruIsRefusedWithTheReason() {
        assertThat(TrainOptions.builder(IN, OUT).cell("gru").build().cell()).isEqualTo(CellType.GRU_RESET_AFTER);
        assertThatThrownBy(() -> TrainOptions.builder(IN, OUT).cell(CellType.GRU).build())
                .hasMessageContaining("cell GRU (reset before the recurrent product) cannot be trained; --cell gru "
                        + "trains GRU_RESET_AFTER");
        assertThatThrownBy(() -> TrainOptions.parseCell("transformer"))
                .hasMessage("cell 'transformer' is not one of lstm, gru, rnn");
        assertThat(TrainOptions.builder(IN, OUT).cell("RNN").build().cell()).isEqualTo(CellType.RNN);
    }

    @Test
    void automaticBatchSizeAimsAtSixteenBatchesWithinBounds() {
        TrainOptions auto = TrainOptions.builder(IN, OUT).build();
        assertThat(auto.effectiveBatchSize(10)).isEqualTo(8);
        assertThat(auto.effectiveBatchSize(640)).isEqualTo(40);
        assertThat(auto.effectiveBatchSize(100_000)).isEqualTo(128);
        assertThat(auto.toBuilder().batchSize(5).build().effectiveBatchSize(640)).isEqualTo(5);
    }

    @Test
    void theTransformDefaultsToNoneIsParsedByNameAndGoesIntoTheScalerPolicy() {
        TrainOptions plain = TrainOptions.builder(IN, OUT).build();
        assertThat(plain.transform()).isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.Transform.IDENTITY);
        assertThat(plain.scalerPolicy()).isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.DEFAULT);
        TrainOptions log = TrainOptions.builder(IN, OUT).transform("signed-log1p").build();
        assertThat(log.scalerPolicy()).isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.SIGNED_LOG);
        assertThat(log.toBuilder().build().transform()).isEqualTo(log.transform());
        assertThatThrownBy(() -> TrainOptions.builder(IN, OUT).transform("log"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transform").hasMessageContaining("'log'");
    }
}
