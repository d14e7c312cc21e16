package io.streamcast.model.core.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.WeekModel;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.Feature;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads model artifacts written by {@link ModelArtifactWriter} (layout in {@link ModelArtifactFormat}), format
 * versions 1, 2 and 3. A version 1 file is a {@link HeadMode#DIRECT} model; a version 2 file states its head mode
 * ({@code head.mode}, required); version 3 adds the seasonal head and feature. {@link ModelArtifact#formatVersion()} is the version the file was read from.
 *
 * <p>Checks, in this order, each failing with a {@link ModelFormatException} that names the problem:
 * magic, format version, truncation (declared header and tensor sizes vs. file size) and trailing bytes,
 * SHA-256 checksum, header content (architecture, cells, features, scaler), then tensor names and shapes
 * against the declared layer sizes (e.g. {@code "layer 1: W has 96 floats, expected 128 for LSTM D=1 H=32"})
 * and the consistency of the stacked layers and head.
 */
public final class ModelArtifactReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private ModelArtifactReader() {
    }

    /** Reads and validates the artifact at {@code path}. */
    public static ModelArtifact read(Path path) throws IOException {
        try {
            return fromBytes(Files.readAllBytes(path));
        } catch (ModelFormatException e) {
            throw new ModelFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /** Reads and validates an artifact from a stream (read to its end, not closed). */
    public static ModelArtifact read(InputStream in) throws IOException {
        return fromBytes(in.readAllBytes());
    }

    /** Hex SHA-256 of the whole file, as published in model control messages. */
    public static String sha256(Path path) throws IOException {
        MessageDigest sha = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HEX.formatHex(sha.digest());
    }

    /** Hex SHA-256 of the given bytes. */
    public static String sha256(byte[] bytes) {
        return HEX.formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Parses and validates a complete artifact. */
    public static ModelArtifact fromBytes(byte[] bytes) throws ModelFormatException {
        byte[] magic = ModelArtifactFormat.MAGIC;
        if (bytes.length < magic.length) {
            throw new ModelFormatException("truncated: file has " + bytes.length + " bytes, fewer than the "
                    + magic.length + "-byte magic");
        }
        if (!Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new ModelFormatException("bad magic: expected \"STRMCAST\", got "
                    + describe(Arrays.copyOf(bytes, magic.length)) + " (not a Streamcast model artifact)");
        }
        if (bytes.length < ModelArtifactFormat.PREAMBLE_BYTES) {
            throw new ModelFormatException("truncated: file has " + bytes.length + " bytes, fewer than the "
                    + ModelArtifactFormat.PREAMBLE_BYTES + "-byte preamble");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(magic.length);
        int version = buf.getInt();
        if (!ModelArtifactFormat.supports(version)) {
            throw new ModelFormatException("unknown format version " + version + " (this reader supports "
                    + ModelArtifactFormat.supportedList() + ")");
        }
        int headerLength = buf.getInt();
        long headerEnd = (long) ModelArtifactFormat.PREAMBLE_BYTES + headerLength;
        if (headerLength <= 0 || headerEnd > bytes.length) {
            throw new ModelFormatException("truncated: header declares " + headerLength + " bytes but only "
                    + (bytes.length - ModelArtifactFormat.PREAMBLE_BYTES) + " follow the preamble");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, ModelArtifactFormat.PREAMBLE_BYTES, headerLength,
                    StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            verifyChecksum(bytes); // a damaged header is usually a damaged file: report that first
            throw new ModelFormatException("corrupt header: not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException("corrupt header: expected a JSON object");
        }
        List<TensorEntry> tensors = tensorList(header);
        long floats = 0;
        for (TensorEntry t : tensors) {
            floats += t.count;
        }
        long expectedLength = headerEnd + 4 * floats + ModelArtifactFormat.CHECKSUM_BYTES;
        if (bytes.length < expectedLength) {
            throw new ModelFormatException("truncated: header declares " + expectedLength + " bytes in all, file has "
                    + bytes.length);
        }
        if (bytes.length > expectedLength) {
            throw new ModelFormatException("unexpected trailing data: header declares " + expectedLength
                    + " bytes in all, file has " + bytes.length);
        }
        verifyChecksum(bytes);

        buf.position((int) headerEnd);
        List<Tensor> decoded = new ArrayList<>(tensors.size());
        for (TensorEntry t : tensors) {
            float[] values = new float[(int) t.count];
            buf.asFloatBuffer().get(values);
            buf.position(buf.position() + 4 * values.length);
            decoded.add(new Tensor(t.name, t.shape, values));
        }
        return build(version, header, decoded);
    }

    private static void verifyChecksum(byte[] bytes) throws ModelFormatException {
        int n = ModelArtifactFormat.CHECKSUM_BYTES;
        if (bytes.length < ModelArtifactFormat.PREAMBLE_BYTES + n) {
            throw new ModelFormatException("truncated: file has " + bytes.length + " bytes, too short for a checksum");
        }
        MessageDigest sha = newSha256();
        sha.update(bytes, 0, bytes.length - n);
        byte[] actual = sha.digest();
        byte[] stored = Arrays.copyOfRange(bytes, bytes.length - n, bytes.length);
        if (!MessageDigest.isEqual(actual, stored)) {
            throw new ModelFormatException("checksum mismatch: expected " + HEX.formatHex(stored) + " got "
                    + HEX.formatHex(actual) + " (the file is damaged or was modified)");
        }
    }

    /** A tensor as declared in the header. */
    private record TensorEntry(String name, int[] shape, long count) {
    }

    /** A declared tensor with its decoded values. */
    private record Tensor(String name, int[] shape, float[] data) {
        long count() {
            return data.length;
        }
    }

    private static List<TensorEntry> tensorList(JsonNode header) throws ModelFormatException {
        JsonNode list = header.get("tensors");
        if (list == null || !list.isArray()) {
            throw new ModelFormatException("corrupt header: missing array 'tensors'");
        }
        List<TensorEntry> out = new ArrayList<>();
        for (JsonNode t : list) {
            String name = text(t, "name", "tensor");
            JsonNode shapeNode = t.get("shape");
            if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty()) {
                throw new ModelFormatException("corrupt header: tensor " + name + " has no 'shape'");
            }
            int[] shape = new int[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode dim = shapeNode.get(i);
                if (!dim.canConvertToInt() || dim.asInt() < 0) {
                    throw new ModelFormatException("corrupt header: tensor " + name + " has invalid shape " + shapeNode);
                }
                shape[i] = dim.asInt();
                count *= shape[i];
            }
            if (count > Integer.MAX_VALUE / 4) {
                throw new ModelFormatException("corrupt header: tensor " + name + " is too large: " + count + " floats");
            }
            out.add(new TensorEntry(name, shape, count));
        }
        return out;
    }

    private static ModelArtifact build(int version, JsonNode header, List<Tensor> tensors)
            throws ModelFormatException {
        String architecture = text(header, "architecture", "header");
        if (!ModelArtifactFormat.ARCHITECTURE.equals(architecture)) {
            throw new ModelFormatException("unsupported architecture '" + architecture + "' (this reader supports '"
                    + ModelArtifactFormat.ARCHITECTURE + "')");
        }
        String modelVersion = text(header, "modelVersion", "header");
        int horizon = integer(header, "horizon", "header");
        FeatureSpec features = features(header);
        if (version < ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL && features.indexOf(Feature.SEASONAL_DIFF) >= 0) {
            throw new ModelFormatException("feature SEASONAL_DIFF is not a feature of format version " + version
                    + " (it was added in version " + ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL + ")");
        }

        JsonNode layersNode = header.get("layers");
        if (layersNode == null || !layersNode.isArray() || layersNode.isEmpty()) {
            throw new ModelFormatException("corrupt header: missing or empty array 'layers'");
        }
        JsonNode weekNode = header.get("weekModel");
        if (weekNode != null && version < ModelArtifactFormat.FIRST_VERSION_WITH_WEEK_MODEL) {
            throw new ModelFormatException("'weekModel' is not a field of format version " + version
                    + " (it was added in version " + ModelArtifactFormat.FIRST_VERSION_WITH_WEEK_MODEL + ")");
        }
        int expectedTensors = 3 * layersNode.size() + 2 + (weekNode == null ? 0 : 5);
        if (tensors.size() != expectedTensors) {
            throw new ModelFormatException("shape mismatch: header lists " + tensors.size() + " tensors, expected "
                    + expectedTensors + " for " + layersNode.size() + " layers and a head"
                    + (weekNode == null ? "" : " and a week model"));
        }
        Iterator<Tensor> it = tensors.iterator();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < layersNode.size(); l++) {
            JsonNode layer = layersNode.get(l);
            String where = "layer " + l;
            CellType type;
            String cell = text(layer, "cell", where);
            try {
                type = CellType.valueOf(cell);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(where + ": unknown cell type '" + cell + "' (known: "
                        + Arrays.toString(CellType.values()) + ")");
            }
            if (type == CellType.GRU_RESET_AFTER && version < ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL) {
                throw new ModelFormatException(where + ": cell GRU_RESET_AFTER is not a cell of format version "
                        + version + " (it was added in version " + ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL + ")");
            }
            int d = integer(layer, "inputSize", where);
            int h = integer(layer, "hiddenSize", where);
            if (d <= 0 || h <= 0) {
                throw new ModelFormatException(where + ": inputSize and hiddenSize must be positive, got D=" + d
                        + " H=" + h);
            }
            int cols = type.gates() * h;
            float[] w = tensor(it.next(), "layer" + l + ".W", "W", where, type, d, h, d, cols);
            float[] rw = tensor(it.next(), "layer" + l + ".RW", "RW", where, type, d, h, h, cols);
            float[] b = tensor(it.next(), "layer" + l + ".b", "b", where, type, d, h, cols);
            layers.add(new LayerWeights(type, d, h, w, rw, b));
        }
        JsonNode headNode = header.get("head");
        if (headNode == null || !headNode.isObject()) {
            throw new ModelFormatException("corrupt header: missing object 'head'");
        }
        int hi = integer(headNode, "inputSize", "head");
        int ho = integer(headNode, "outputSize", "head");
        String activation = text(headNode, "activation", "head");
        if (!ModelArtifactFormat.HEAD_ACTIVATION.equals(activation)) {
            throw new ModelFormatException("head: unsupported activation '" + activation + "' (only '"
                    + ModelArtifactFormat.HEAD_ACTIVATION + "')");
        }
        if (hi <= 0 || ho <= 0) {
            throw new ModelFormatException("head: inputSize and outputSize must be positive, got " + hi + " and " + ho);
        }
        HeadMode mode = headMode(version, headNode);
        float[] hw = headTensor(it.next(), "head.W", "W", hi, ho, hi, ho);
        float[] hb = headTensor(it.next(), "head.b", "b", hi, ho, ho);

        try {
            WeekModel week = weekNode == null ? null : weekModel(weekNode, horizon, it);
            ForecastModel model = new ForecastModel(layers, new DenseHead(hi, ho, hw, hb), features, horizon, mode);
            return new ModelArtifact(version, model, scaler(header, version), provenance(header), modelVersion, week);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("shape mismatch: " + e.getMessage(), e);
        }
    }

    /** The week model of format version 5: its header object, then its five tensors. */
    private static WeekModel weekModel(JsonNode node, int horizon, Iterator<Tensor> it) throws ModelFormatException {
        if (!node.isObject()) {
            throw new ModelFormatException("corrupt header: 'weekModel' is not an object");
        }
        int period = integer(node, "period", "weekModel");
        int window = integer(node, "window", "weekModel");
        int hidden = integer(node, "hidden", "weekModel");
        String transform = text(node, "transform", "weekModel");
        if (!ModelArtifactFormat.WEEK_TRANSFORM.equals(transform)) {
            throw new ModelFormatException("weekModel: unknown transform '" + transform + "' (known: "
                    + ModelArtifactFormat.WEEK_TRANSFORM + ")");
        }
        if (period < 2 || period > io.streamcast.model.core.HorizonCombination.MAX_WEEKLY_PERIOD
                || window != io.streamcast.model.core.HorizonCombination.DAYS_PER_WEEK * period || hidden <= 0) {
            throw new ModelFormatException("weekModel: period " + period + ", window " + window + ", hidden " + hidden
                    + " (expected a period of 2.." + io.streamcast.model.core.HorizonCombination.MAX_WEEKLY_PERIOD
                    + ", a window of 7 periods and hidden > 0)");
        }
        float[] wl = weekTensor(it.next(), "week.Wl", window, horizon);
        float[] bl = weekTensor(it.next(), "week.bl", horizon);
        float[] w1 = weekTensor(it.next(), "week.W1", window, hidden);
        float[] b1 = weekTensor(it.next(), "week.b1", hidden);
        float[] w2 = weekTensor(it.next(), "week.W2", hidden, horizon);
        return new WeekModel(period, hidden, horizon, wl, bl, w1, b1, w2);
    }

    private static float[] weekTensor(Tensor t, String expectedName, int... expectedShape) throws ModelFormatException {
        if (!t.name.equals(expectedName)) {
            throw new ModelFormatException("weekModel: found tensor '" + t.name + "' where '" + expectedName
                    + "' was expected");
        }
        if (!Arrays.equals(t.shape, expectedShape)) {
            throw new ModelFormatException("weekModel: " + expectedName + " has shape " + Arrays.toString(t.shape)
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return t.data;
    }

    /** Version 1: always direct (and no 'mode' field); version 2 on: 'mode' is required. */
    private static HeadMode headMode(int version, JsonNode headNode) throws ModelFormatException {
        JsonNode node = headNode.get("mode");
        if (version < ModelArtifactFormat.FIRST_VERSION_WITH_HEAD_MODE) {
            if (node != null) {
                throw new ModelFormatException("head: 'mode' is not a field of format version " + version
                        + " (it was added in version " + ModelArtifactFormat.FIRST_VERSION_WITH_HEAD_MODE + ")");
            }
            return HeadMode.DIRECT;
        }
        String name = text(headNode, "mode", "head");
        HeadMode mode = HeadMode.fromHeaderName(name);
        if (mode == null || (mode == HeadMode.SEASONAL && version < ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL)) {
            throw new ModelFormatException("head: unknown mode '" + name + "' for format version " + version
                    + " (known: direct, residual" + (version >= ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL
                            ? ", seasonal" : "; seasonal from version " + ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL)
                    + ")");
        }
        return mode;
    }

    private static float[] tensor(Tensor t, String expectedName, String tensor, String where, CellType type,
            int d, int h, int... expectedShape) throws ModelFormatException {
        if (!t.name.equals(expectedName)) {
            throw new ModelFormatException(where + ": found tensor '" + t.name + "' where '" + expectedName
                    + "' was expected");
        }
        long expected = product(expectedShape);
        if (t.count() != expected) {
            throw new ModelFormatException(where + ": " + LayerWeights.shapeMessage(tensor, t.count(), expected, type, d, h));
        }
        if (!Arrays.equals(t.shape, expectedShape)) {
            throw new ModelFormatException(where + ": " + tensor + " has shape " + Arrays.toString(t.shape)
                    + ", expected " + Arrays.toString(expectedShape) + " for " + type + " D=" + d + " H=" + h);
        }
        return t.data;
    }

    private static float[] headTensor(Tensor t, String expectedName, String tensor, int in, int out,
            int... expectedShape) throws ModelFormatException {
        if (!t.name.equals(expectedName)) {
            throw new ModelFormatException("head: found tensor '" + t.name + "' where '" + expectedName
                    + "' was expected");
        }
        long expected = product(expectedShape);
        if (t.count() != expected || !Arrays.equals(t.shape, expectedShape)) {
            throw new ModelFormatException("head: " + tensor + " has shape " + Arrays.toString(t.shape) + " ("
                    + t.count() + " floats), expected " + Arrays.toString(expectedShape) + " for inputSize=" + in
                    + " outputSize=" + out);
        }
        return t.data;
    }

    private static long product(int[] shape) {
        long p = 1;
        for (int s : shape) {
            p *= s;
        }
        return p;
    }

    private static FeatureSpec features(JsonNode header) throws ModelFormatException {
        JsonNode node = header.get("features");
        if (node == null || !node.isArray()) {
            throw new ModelFormatException("corrupt header: missing array 'features'");
        }
        List<Feature> list = new ArrayList<>();
        for (JsonNode f : node) {
            try {
                list.add(Feature.valueOf(f.asText()));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException("unknown feature '" + f.asText() + "' (known: "
                        + Arrays.toString(Feature.values()) + ")");
            }
        }
        try {
            return new FeatureSpec(list);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("invalid feature list: " + e.getMessage(), e);
        }
    }

    private static ScalerPolicy scaler(JsonNode header, int version) throws ModelFormatException {
        JsonNode node = header.get("scaler");
        if (node == null || !node.isObject()) {
            throw new ModelFormatException("corrupt header: missing object 'scaler'");
        }
        String method = text(node, "method", "scaler");
        if (!ModelArtifactFormat.SCALER_METHOD.equals(method)) {
            throw new ModelFormatException("scaler: unsupported method '" + method + "' (only '"
                    + ModelArtifactFormat.SCALER_METHOD + "')");
        }
        ScalerPolicy.Transform transform = ScalerPolicy.Transform.IDENTITY;
        JsonNode t = node.get("transform");
        if (t != null) {
            if (version < ModelArtifactFormat.FIRST_VERSION_WITH_TRANSFORM) {
                throw new ModelFormatException("scaler: 'transform' is not allowed in format version " + version
                        + " (it was added in version " + ModelArtifactFormat.FIRST_VERSION_WITH_TRANSFORM + ")");
            }
            try {
                transform = ScalerPolicy.Transform.ofHeaderName(t.asText());
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException("scaler: " + e.getMessage(), e);
            }
        }
        try {
            return new ScalerPolicy(number(node, "relativeStdFloor", "scaler"), number(node, "absoluteStdFloor",
                    "scaler"), transform);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("scaler: " + e.getMessage(), e);
        }
    }

    private static Provenance provenance(JsonNode header) throws ModelFormatException {
        JsonNode p = header.get("provenance");
        if (p == null || !p.isObject()) {
            throw new ModelFormatException("corrupt header: missing object 'provenance'");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonNode m = p.get("validationMetrics");
        if (m != null && m.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = m.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                metrics.put(e.getKey(), e.getValue().asDouble());
            }
        }
        Instant created;
        try {
            created = Instant.parse(text(p, "created", "provenance"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new ModelFormatException("provenance: 'created' is not an ISO-8601 instant: " + e.getParsedString(),
                    e);
        }
        return new Provenance(text(p, "data", "provenance"), p.path("rows").asLong(), p.path("seed").asLong(),
                p.path("epochs").asInt(), p.path("learningRate").asDouble(), p.path("tbpttLength").asInt(),
                p.path("gradientClip").asDouble(), created, metrics);
    }

    private static String text(JsonNode node, String field, String where) throws ModelFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new ModelFormatException("corrupt header: " + where + " has no text field '" + field + "'");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, String where) throws ModelFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ModelFormatException("corrupt header: " + where + " has no integer field '" + field + "'");
        }
        return v.asInt();
    }

    private static double number(JsonNode node, String field, String where) throws ModelFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new ModelFormatException("corrupt header: " + where + " has no number field '" + field + "'");
        }
        return v.asDouble();
    }

    private static String describe(byte[] b) {
        StringBuilder s = new StringBuilder("0x");
        s.append(HEX.formatHex(b));
        return s.toString();
    }
}
