package io.streamcast.model.core.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayerWeightsTest {

    @Test
    void acceptsDl4jShapes() {
        LayerWeights lw = new LayerWeights(CellType.LSTM, 3, 5, new float[3 * 20], new float[5 * 20], new float[20]);
        assertThat(lw.columns()).isEqualTo(20);
        assertThat(lw.stateSize()).isEqualTo(10);
        assertThat(new LayerWeights(CellType.GRU, 2, 4, new float[24], new float[48], new float[12]).stateSize())
                .isEqualTo(4);
    }

    @Test
    void namesTheTensorWithTheWrongShape() {
        assertThatThrownBy(() -> new LayerWeights(CellType.LSTM, 1, 32, new float[96], new float[32 * 128],
                new float[128])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("W has 96 floats, expected 128 for LSTM D=1 H=32");
        assertThatThrownBy(() -> new LayerWeights(CellType.GRU, 2, 4, new float[24], new float[47], new float[12]))
                .hasMessage("RW has 47 floats, expected 48 for GRU D=2 H=4");
        assertThatThrownBy(() -> new LayerWeights(CellType.RNN, 2, 4, new float[8], new float[16], new float[5]))
                .hasMessage("b has 5 floats, expected 4 for RNN D=2 H=4");
        assertThatThrownBy(() -> new LayerWeights(CellType.RNN, 2, 4, null, new float[16], new float[4]))
                .hasMessage("W is null, expected 8 floats for RNN D=2 H=4");
        assertThatThrownBy(() -> new LayerWeights(CellType.RNN, 0, 4, new float[0], new float[16], new float[4]))
                .hasMessage("inputSize must be positive, got 0");
        assertThatThrownBy(() -> new LayerWeights(CellType.RNN, 1, -3, new float[0], new float[0], new float[0]))
                .hasMessage("hiddenSize must be positive, got -3");
    }

    @Test
    void equalityComparesContents() {
        LayerWeights a = new LayerWeights(CellType.RNN, 1, 1, new float[] {1}, new float[] {2}, new float[] {3});
        LayerWeights b = new LayerWeights(CellType.RNN, 1, 1, new float[] {1}, new float[] {2}, new float[] {3});
        LayerWeights c = new LayerWeights(CellType.RNN, 1, 1, new float[] {1}, new float[] {2}, new float[] {4});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    }
}
