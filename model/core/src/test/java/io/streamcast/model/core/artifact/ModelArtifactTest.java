package io.streamcast.model.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ModelArtifact mixedArtifact() {
        ForecastModel model = TestModels.random(9, FeatureSpec.of(io.streamcast.model.core.feature.Feature.VALUE,
                io.streamcast.model.core.feature.Feature.HOUR_SIN), 4,
                new CellType[] {CellType.GRU, CellType.LSTM, CellType.RNN}, new int[] {5, 7, 3});
        Provenance p = new Provenance("data/sample.csv", 18_000, 42, 17, 0.003, 50, 1.0,
                Instant.parse("2026-11-24T10:15:30Z"), Map.of("val_mae", 0.31));
        return ModelArtifact.of(model, new ScalerPolicy(2e-3, 1e-5), p, "mixed-v1");
    }

    @Test
    void roundTripsEverythingThroughAFile() throws Exception {
        ModelArtifact art = mixedArtifact();
        Path file = dir.resolve("models/m.strmcast");
        ModelArtifactWriter.write(art, file);
        ModelArtifact back = ModelArtifactReader.read(file);
        assertThat(back.formatVersion()).isEqualTo(2);
        assertThat(back.model().headMode()).isEqualTo(io.streamcast.model.core.HeadMode.DIRECT);
        assertThat(back.modelVersion()).isEqualTo("mixed-v1");
        assertThat(back.scaler()).isEqualTo(new ScalerPolicy(2e-3, 1e-5));
        assertThat(back.provenance()).isEqualTo(art.provenance());
        assertThat(back.model().layers()).isEqualTo(art.model().layers());
        assertThat(back.model().head()).isEqualTo(art.model().head());
        assertThat(back.model().features()).isEqualTo(art.model().features());
        assertThat(back.model().horizon()).isEqualTo(4);
        Forecaster a = art.model().newForecaster();
        Forecaster b = back.model().newForecaster();
        float[] sa = art.model().newState();
        float[] sb = back.model().newState();
        float[] oa = new float[4];
        float[] ob = new float[4];
        for (int t = 0; t < 50; t++) {
            float[] x = {(float) Math.sin(t), (float) Math.cos(t)};
            a.step(x, sa, oa);
            b.step(x, sb, ob);
        }
        assertThat(ob).containsExactly(oa);
        assertThat(Files.list(file.getParent())).as("no temporary files left").hasSize(1);
    }

    @Test
    void streamRoundTripAndSha256OfTheWholeFile() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelArtifactWriter.write(mixedArtifact(), out);
        byte[] bytes = out.toByteArray();
        assertThat(ModelArtifactReader.read(new ByteArrayInputStream(bytes)).modelVersion()).isEqualTo("mixed-v1");
        assertThat(bytes).as("deterministic").isEqualTo(ModelArtifactWriter.toBytes(mixedArtifact()));
        Path file = dir.resolve("m.strmcast");
        Files.write(file, bytes);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(ModelArtifactReader.sha256(file)).isEqualTo(expected).hasSize(64);
        // the trailer is the SHA-256 of everything before it
        byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
        assertThat(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("STRMCAST");
    }

    @Test
    void refusesBadMagic() {
        byte[] bytes = ModelArtifactWriter.toBytes(mixedArtifact());
        bytes[0] = 'P';
        bytes[1] = 'K';
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(bytes)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("bad magic: expected \"STRMCAST\", got 0x504b")
                .hasMessageEndingWith("(not a Streamcast model artifact)");
    }

    @Test
    void refusesUnknownVersion() {
        byte[] bytes = ModelArtifactWriter.toBytes(mixedArtifact());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 7);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(bytes))
                .hasMessage("unknown format version 7 (this reader supports 1, 2, 3, 4, 5)");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(bytes))
                .hasMessage("unknown format version 0 (this reader supports 1, 2, 3, 4, 5)");
    }

    @Test
    void roundTripsTheHeadModeInVersion2AndDirectModelsInVersion1() throws Exception {
        ModelArtifact direct = mixedArtifact();
        ForecastModel m = direct.model();
        ModelArtifact residual = ModelArtifact.of(new ForecastModel(m.layers(), m.head(), m.features(), m.horizon(),
                io.streamcast.model.core.HeadMode.RESIDUAL), direct.scaler(), direct.provenance(), "res");
        ModelArtifact back = ModelArtifactReader.fromBytes(ModelArtifactWriter.toBytes(residual));
        assertThat(back.formatVersion()).isEqualTo(2);
        assertThat(back.model().headMode()).isEqualTo(io.streamcast.model.core.HeadMode.RESIDUAL);
        assertThat(Forged.parse(ModelArtifactWriter.toBytes(residual)).header.get("head").get("mode").asText())
                .isEqualTo("residual");
        assertThat(Forged.parse(ModelArtifactWriter.toBytes(direct)).header.get("head").get("mode").asText())
                .isEqualTo("direct");

        ModelArtifact v1 = new ModelArtifact(1, m, direct.scaler(), direct.provenance(), "old");
        byte[] v1Bytes = ModelArtifactWriter.toBytes(v1);
        assertThat(ByteBuffer.wrap(v1Bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8)).isEqualTo(1);
        assertThat(Forged.parse(v1Bytes).header.get("head").has("mode")).isFalse();
        ModelArtifact v1Back = ModelArtifactReader.fromBytes(v1Bytes);
        assertThat(v1Back.formatVersion()).isEqualTo(1);
        assertThat(v1Back.model().headMode()).isEqualTo(io.streamcast.model.core.HeadMode.DIRECT);
    }

    @Test
    void refusesAMissingOrUnknownHeadModeInVersion2AndAModeInVersion1() throws Exception {
        byte[] good = ModelArtifactWriter.toBytes(mixedArtifact());
        Forged missing = Forged.parse(good);
        ((ObjectNode) missing.header.get("head")).remove("mode");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(missing.bytes(2)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("corrupt header: head has no text field 'mode'");
        Forged unknown = Forged.parse(good);
        ((ObjectNode) unknown.header.get("head")).put("mode", "multiplicative");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(unknown.bytes(2)))
                .hasMessage("head: unknown mode 'multiplicative' for format version 2 (known: direct, residual; seasonal from version 3)");
        Forged v1WithMode = Forged.parse(good);
        ((ObjectNode) v1WithMode.header.get("head")).put("mode", "residual");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(v1WithMode.bytes(1)))
                .hasMessage("head: 'mode' is not a field of format version 1 (it was added in version 2)");
    }

    @Test
    void refusesTruncatedFilesWhereverTheyAreCut() {
        byte[] bytes = ModelArtifactWriter.toBytes(mixedArtifact());
        int headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(Arrays.copyOf(bytes, 5)))
                .hasMessage("truncated: file has 5 bytes, fewer than the 8-byte magic");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(Arrays.copyOf(bytes, 14)))
                .hasMessage("truncated: file has 14 bytes, fewer than the 16-byte preamble");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(Arrays.copyOf(bytes, 100)))
                .hasMessage("truncated: header declares " + headerLength + " bytes but only 84 follow the preamble");
        for (int cut : new int[] {bytes.length - 1, bytes.length - 33, bytes.length - 500}) {
            assertThatThrownBy(() -> ModelArtifactReader.fromBytes(Arrays.copyOf(bytes, cut)))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessage("truncated: header declares " + bytes.length + " bytes in all, file has " + cut);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(longer))
                .hasMessage("unexpected trailing data: header declares " + bytes.length + " bytes in all, file has "
                        + longer.length);
    }

    @Test
    void refusesChecksumMismatch() throws Exception {
        byte[] bytes = ModelArtifactWriter.toBytes(mixedArtifact());
        String stored = HexFormat.of().formatHex(bytes, bytes.length - 32, bytes.length);
        bytes[bytes.length - 100] ^= 0x10; // one bit of one weight
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Arrays.copyOf(bytes, bytes.length - 32)));
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(bytes))
                .hasMessage("checksum mismatch: expected " + stored + " got " + actual
                        + " (the file is damaged or was modified)");
    }

    @Test
    void readFromPathNamesTheFile() throws Exception {
        Path file = dir.resolve("bad.strmcast");
        Files.write(file, "not a model at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ModelArtifactReader.read(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(file + ": bad magic");
    }

    @Test
    void refusesTensorWhoseSizeDoesNotMatchTheLayer() throws Exception {
        // layer 0: LSTM D=1 H=1; layer 1: LSTM D=1 H=32 whose W is stored with 96 floats instead of 128
        ForecastModel model = TestModels.random(4, FeatureSpec.VALUE_ONLY, 2,
                new CellType[] {CellType.LSTM, CellType.LSTM}, new int[] {1, 32});
        byte[] good = ModelArtifactWriter.toBytes(ModelArtifact.of(model, ScalerPolicy.DEFAULT,
                Provenance.none(Instant.EPOCH), "m"));
        Forged forged = Forged.parse(good);
        ObjectNode w1 = (ObjectNode) forged.header.get("tensors").get(3);
        assertThat(w1.get("name").asText()).isEqualTo("layer1.W");
        ArrayNode shape = w1.putArray("shape");
        shape.add(1).add(96);
        forged.tensors[3] = Arrays.copyOf(forged.tensors[3], 96);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(forged.bytes()))
                .hasMessage("layer 1: W has 96 floats, expected 128 for LSTM D=1 H=32");

        Forged transposed = Forged.parse(good);
        ObjectNode rw0 = (ObjectNode) transposed.header.get("tensors").get(1);
        rw0.putArray("shape").add(4).add(1);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(transposed.bytes()))
                .hasMessage("layer 0: RW has shape [4, 1], expected [1, 4] for LSTM D=1 H=1");

        Forged chain = Forged.parse(good);
        ((ObjectNode) chain.header.get("layers").get(1)).put("inputSize", 2);
        ((ObjectNode) chain.header.get("tensors").get(3)).putArray("shape").add(2).add(128);
        chain.tensors[3] = new float[256];
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(chain.bytes()))
                .hasMessage("shape mismatch: layer 1 has inputSize 2, expected 1 (hiddenSize of layer 0)");

        Forged cell = Forged.parse(good);
        ((ObjectNode) cell.header.get("layers").get(0)).put("cell", "TRANSFORMER");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(cell.bytes()))
                .hasMessage("layer 0: unknown cell type 'TRANSFORMER' (known: [RNN, LSTM, GRU, GRU_RESET_AFTER])");

        Forged horizon = Forged.parse(good);
        horizon.header.put("horizon", 5);
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(horizon.bytes()))
                .hasMessage("shape mismatch: head outputSize 2 does not match horizon 5");

        assertThat(ModelArtifactReader.fromBytes(Forged.parse(good).bytes()).model().layers())
                .as("re-assembling an untouched file gives a valid artifact").isEqualTo(model.layers());
    }

    @Test
    void writerRefusesOtherFormatVersionsAndResidualHeadsInVersion1() {
        ModelArtifact a = mixedArtifact();
        ModelArtifact v6 = new ModelArtifact(6, a.model(), a.scaler(), a.provenance(), a.modelVersion());
        assertThatThrownBy(() -> ModelArtifactWriter.toBytes(v6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write format version 6: this writer writes versions 1, 2, 3, 4, 5");
        ForecastModel m = a.model();
        ModelArtifact residualV1 = new ModelArtifact(1, new ForecastModel(m.layers(), m.head(), m.features(),
                m.horizon(), io.streamcast.model.core.HeadMode.RESIDUAL), a.scaler(), a.provenance(), "r");
        assertThatThrownBy(() -> ModelArtifactWriter.toBytes(residualV1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write a residual head as format version 1: it has no head mode (use version 2)");
    }

    @Test
    void refusesATransformBeforeVersion4AndAnUnknownTransform() throws Exception {
        ModelArtifact t = GoldenModel.transformArtifact();
        Forged v3 = Forged.parse(ModelArtifactWriter.toBytes(
                new ModelArtifact(3, t.model(), io.streamcast.model.core.feature.ScalerPolicy.DEFAULT, t.provenance(), "x")));
        ((ObjectNode) v3.header.get("scaler")).put("transform", "none");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(v3.bytes(3)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("scaler: 'transform' is not allowed in format version 3 (it was added in version 4)");
        Forged unknown = Forged.parse(ModelArtifactWriter.toBytes(t));
        ((ObjectNode) unknown.header.get("scaler")).put("transform", "box-cox");
        assertThatThrownBy(() -> ModelArtifactReader.fromBytes(unknown.bytes(4)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("scaler: unknown transform 'box-cox' (known: none, signed-log1p)");
        Forged none = Forged.parse(ModelArtifactWriter.toBytes(t));
        ((ObjectNode) none.header.get("scaler")).put("transform", "none");
        assertThat(ModelArtifactReader.fromBytes(none.bytes(4)).scaler())
                .isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.DEFAULT);
    }

    /** A valid file taken apart so a test can change its header or tensors and re-assemble it with a valid checksum. */
    private static final class Forged {
        final ObjectNode header;
        final float[][] tensors;

        private Forged(ObjectNode header, float[][] tensors) {
            this.header = header;
            this.tensors = tensors;
        }

        static Forged parse(byte[] bytes) throws Exception {
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int n = buf.getInt(12);
            ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 16, n, StandardCharsets.UTF_8));
            ArrayNode list = (ArrayNode) header.get("tensors");
            float[][] tensors = new float[list.size()][];
            buf.position(16 + n);
            for (int i = 0; i < list.size(); i++) {
                int count = 1;
                for (var d : list.get(i).get("shape")) {
                    count *= d.asInt();
                }
                tensors[i] = new float[count];
                buf.asFloatBuffer().get(tensors[i]);
                buf.position(buf.position() + 4 * count);
            }
            return new Forged(header, tensors);
        }

        byte[] bytes() throws Exception {
            return bytes(2);
        }

        byte[] bytes(int version) throws Exception {
            byte[] h = JSON.writeValueAsBytes(header);
            int floats = Arrays.stream(tensors).mapToInt(t -> t.length).sum();
            ByteBuffer buf = ByteBuffer.allocate(16 + h.length + 4 * floats + 32).order(ByteOrder.LITTLE_ENDIAN);
            buf.put("STRMCAST".getBytes(StandardCharsets.US_ASCII)).putInt(version).putInt(h.length).put(h);
            for (float[] t : tensors) {
                for (float v : t) {
                    buf.putFloat(v);
                }
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(buf.array(), 0, buf.position());
            buf.put(sha.digest());
            return buf.array();
        }
    }
}
