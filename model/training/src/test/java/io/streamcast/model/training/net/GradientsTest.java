package io.streamcast.model.training.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.model.core.cell.CellType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class GradientsTest {

    /** Runs {@code action} with {@code System.out} captured; returns what it printed. */
    private static String printedBy(Runnable action) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGruIsBuiltAndTrainedWithoutSameDiffsLinePerDifferentiatedOperation() {
        double[] losses = new double[2];
        String printed = printedBy(() -> {
            SameDiffGru gru = new SameDiffGru(new NetworkSpec(CellType.GRU_RESET_AFTER, 3, 1, 4, 2, 10, 1e-2, 1, 7));
            Nd4j.getRandom().setSeed(3);
            INDArray features = Nd4j.rand(DataType.FLOAT, 2, 3, 5);
            INDArray labels = Nd4j.rand(DataType.FLOAT, 2, 2, 5);
            losses[0] = gru.fit(new DataSet(features, labels));
            losses[1] = gru.fit(new DataSet(features, labels));
        });
        assertThat(printed).doesNotContain("differentiated");
        // and it trained: the second step starts from a smaller loss on the same batch
        assertThat(losses[0]).isFinite().isPositive();
        assertThat(losses[1]).isLessThan(losses[0]);
    }
}
