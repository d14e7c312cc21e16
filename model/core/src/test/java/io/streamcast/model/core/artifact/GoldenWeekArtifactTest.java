package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Format version 5 golden file (a week model beside the network): it must keep loading with the same weights; an
 * artifact without a week model is written as before, a week model is refused in the older versions, both ways.
 */
class GoldenWeekArtifactTest {

    private static byte[] bytes() throws Exception {
        try (InputStream in = GoldenWeekArtifactTest.class.getResourceAsStream(GoldenModel.WEEK_RESOURCE)) {
            assertThat(in).as("golden file on the test classpath").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void loadsFormatVersion5WithItsWeekModel() throws Exception {
        ModelArtifact art = ModelArtifactReader.fromBytes(bytes());
        assertThat(art.formatVersion()).isEqualTo(5);
        assertThat(art.modelVersion()).isEqualTo("golden-gru1-h4-week-v5");
        assertThat(art.weekModel()).isNotNull();
        assertThat(art.weekModel().period()).isEqualTo(2);
        assertThat(art.weekModel().window()).isEqualTo(14);
        assertThat(art.weekModel().hidden()).isEqualTo(3);
        assertThat(art.weekModel()).isEqualTo(GoldenModel.weekArtifact().weekModel());
        assertThat(art.model().layers()).isEqualTo(GoldenModel.transformArtifact().model().layers());
    }

    @Test
    void writerStillProducesTheGoldenBytes() throws Exception {
        byte[] golden = bytes();
        assertThat(ModelArtifactWriter.toBytes(GoldenModel.weekArtifact())).isEqualTo(golden);
        assertThat(new String(golden, StandardCharsets.UTF_8)).contains("\"transform\":\"signed-log1p-centred\"");
    }

    @Test
    void onlyAWeekModelNeedsVersion5() {
        ModelArtifact t = GoldenModel.transformArtifact();
        assertThat(t.withWeekModel(null).formatVersion()).isEqualTo(4);
        assertThat(GoldenModel.weekArtifact().formatVersion()).isEqualTo(5);
        ModelArtifact w = GoldenModel.weekArtifact();
        ModelArtifact asV4 = new ModelArtifact(4, w.model(), w.scaler(), w.provenance(), "x", w.weekModel());
        assertThatThrownBy(() -> ModelArtifactWriter.toBytes(asV4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write a week model as format version 4 (use version 5)");
    }

    @Test
    void readerRefusesAWeekModelInVersion4AndAWrongShape() throws Exception {
        byte[] golden = bytes();
        byte[] v4 = golden.clone();
        ByteBuffer.wrap(v4).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 4);
        rehash(v4);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(v4)).isInstanceOf(ModelFormatException.class)
                .hasMessage("'weekModel' is not a field of format version 4 (it was added in version 5)");
        byte[] window = replaceInHeader(golden, "\"window\":14", "\"window\":16");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(window)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("weekModel: period 2, window 16, hidden 3");
    }

    /** The header's JSON with {@code from} replaced by {@code to} (same length), re-checksummed. */
    private static byte[] replaceInHeader(byte[] file, String from, String to) {
        assertThat(to).hasSameSizeAs(from);
        int len = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        String header = new String(file, 16, len, StandardCharsets.UTF_8);
        assertThat(header).contains(from);
        byte[] h = header.replace(from, to).getBytes(StandardCharsets.UTF_8);
        byte[] out = file.clone();
        System.arraycopy(h, 0, out, 16, len);
        rehash(out);
        return out;
    }

    private static void rehash(byte[] file) {
        java.security.MessageDigest sha = ModelArtifactReader.newSha256();
        sha.update(file, 0, file.length - 32);
        System.arraycopy(sha.digest(), 0, file, file.length - 32, 32);
    }
}
