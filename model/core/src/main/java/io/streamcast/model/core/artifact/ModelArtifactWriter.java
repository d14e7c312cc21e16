package io.streamcast.model.core.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.WeekModel;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.Feature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ModelArtifact} in its {@link ModelArtifact#formatVersion()}: version 2
 * ({@link ModelArtifactFormat#CURRENT_VERSION}, what {@link ModelArtifact#of} gives) or version 1, which only a
 * {@link HeadMode#DIRECT} model can be written as; see {@link ModelArtifactFormat} for the layout. The output is
 * deterministic: the same artifact always produces the same bytes (and so the same SHA-256).
 */
public final class ModelArtifactWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelArtifactWriter() {
    }

    /**
     * Writes the artifact to {@code path} atomically: the bytes go to a temporary sibling file first,
     * which is then moved into place, so a reader polling the path never sees a half-written model.
     */
    public static void write(ModelArtifact artifact, Path path) throws IOException {
        byte[] bytes = toBytes(artifact);
        Path absolute = path.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // a plain sibling name rather than createTempFile, which would make the model owner-readable only
        Path tmp = absolute.resolveSibling(absolute.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the artifact to a stream (not closed). */
    public static void write(ModelArtifact artifact, OutputStream out) throws IOException {
        out.write(toBytes(artifact));
    }

    /** The artifact's complete file content. */
    public static byte[] toBytes(ModelArtifact artifact) {
        int version = artifact.formatVersion();
        if (!ModelArtifactFormat.supports(version)) {
            throw new IllegalArgumentException("cannot write format version " + version
                    + ": this writer writes versions " + ModelArtifactFormat.supportedList());
        }
        ForecastModel model = artifact.model();
        boolean hasMode = version >= ModelArtifactFormat.FIRST_VERSION_WITH_HEAD_MODE;
        if (!hasMode && model.headMode() != HeadMode.DIRECT) {
            throw new IllegalArgumentException("cannot write a " + model.headMode().headerName()
                    + " head as format version " + version + ": it has no head mode (use version "
                    + ModelArtifactFormat.FIRST_VERSION_WITH_HEAD_MODE + ")");
        }
        if (version < ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL
                && (ModelArtifactFormat.usesSeasonal(model) || ModelArtifactFormat.usesResetAfterGru(model))) {
            throw new IllegalArgumentException("cannot write a model with a seasonal head or feature or a "
                    + "GRU_RESET_AFTER layer as format version "
                    + version + " (use version " + ModelArtifactFormat.FIRST_VERSION_WITH_SEASONAL + ")");
        }
        if (version < ModelArtifactFormat.FIRST_VERSION_WITH_TRANSFORM && !artifact.scaler().affine()) {
            throw new IllegalArgumentException("cannot write a scaler with transform "
                    + artifact.scaler().transform().headerName() + " as format version " + version + " (use version "
                    + ModelArtifactFormat.FIRST_VERSION_WITH_TRANSFORM + ")");
        }
        if (version < ModelArtifactFormat.FIRST_VERSION_WITH_WEEK_MODEL && artifact.weekModel() != null) {
            throw new IllegalArgumentException("cannot write a week model as format version " + version + " (use version "
                    + ModelArtifactFormat.FIRST_VERSION_WITH_WEEK_MODEL + ")");
        }
        List<Map.Entry<String, float[]>> tensors = new ArrayList<>();
        ObjectNode header = JSON.createObjectNode();
        header.put("modelVersion", artifact.modelVersion());
        header.put("architecture", ModelArtifactFormat.ARCHITECTURE);
        ArrayNode features = header.putArray("features");
        for (Feature f : model.features().features()) {
            features.add(f.name());
        }
        header.put("horizon", model.horizon());
        ArrayNode layers = header.putArray("layers");
        ArrayNode tensorList = JSON.createArrayNode();
        for (int l = 0; l < model.layers().size(); l++) {
            LayerWeights lw = model.layers().get(l);
            ObjectNode layer = layers.addObject();
            layer.put("cell", lw.type().name());
            layer.put("inputSize", lw.inputSize());
            layer.put("hiddenSize", lw.hiddenSize());
            addTensor(tensorList, tensors, "layer" + l + ".W", lw.w(), lw.inputSize(), lw.columns());
            addTensor(tensorList, tensors, "layer" + l + ".RW", lw.rw(), lw.hiddenSize(), lw.columns());
            addTensor(tensorList, tensors, "layer" + l + ".b", lw.b(), lw.columns());
        }
        DenseHead head = model.head();
        ObjectNode headNode = header.putObject("head");
        headNode.put("inputSize", head.inputSize());
        headNode.put("outputSize", head.outputSize());
        headNode.put("activation", ModelArtifactFormat.HEAD_ACTIVATION);
        if (hasMode) {
            headNode.put("mode", model.headMode().headerName());
        }
        addTensor(tensorList, tensors, "head.W", head.w(), head.inputSize(), head.outputSize());
        addTensor(tensorList, tensors, "head.b", head.b(), head.outputSize());
        WeekModel week = artifact.weekModel();
        if (week != null) {
            ObjectNode w = header.putObject("weekModel");
            w.put("period", week.period());
            w.put("window", week.window());
            w.put("hidden", week.hidden());
            w.put("transform", ModelArtifactFormat.WEEK_TRANSFORM);
            int l = week.window();
            int k = week.horizon();
            addTensor(tensorList, tensors, "week.Wl", week.wl(), l, k);
            addTensor(tensorList, tensors, "week.bl", week.bl(), k);
            addTensor(tensorList, tensors, "week.W1", week.w1(), l, week.hidden());
            addTensor(tensorList, tensors, "week.b1", week.b1(), week.hidden());
            addTensor(tensorList, tensors, "week.W2", week.w2(), week.hidden(), k);
        }
        ObjectNode scaler = header.putObject("scaler");
        scaler.put("method", ModelArtifactFormat.SCALER_METHOD);
        scaler.put("relativeStdFloor", artifact.scaler().relativeStdFloor());
        scaler.put("absoluteStdFloor", artifact.scaler().absoluteStdFloor());
        if (version >= ModelArtifactFormat.FIRST_VERSION_WITH_TRANSFORM) {
            scaler.put("transform", artifact.scaler().transform().headerName());
        }
        Provenance p = artifact.provenance();
        ObjectNode prov = header.putObject("provenance");
        prov.put("data", p.data());
        prov.put("rows", p.rows());
        prov.put("seed", p.seed());
        prov.put("epochs", p.epochs());
        prov.put("learningRate", p.learningRate());
        prov.put("tbpttLength", p.tbpttLength());
        prov.put("gradientClip", p.gradientClip());
        prov.put("created", p.created().toString());
        ObjectNode metrics = prov.putObject("validationMetrics");
        p.validationMetrics().forEach(metrics::put);
        header.set("tensors", tensorList);

        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the artifact header", e);
        }
        long floats = tensors.stream().mapToLong(t -> t.getValue().length).sum();
        long total = ModelArtifactFormat.PREAMBLE_BYTES + headerBytes.length + 4 * floats
                + ModelArtifactFormat.CHECKSUM_BYTES;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("model too large for format version " + version + ": " + total
                    + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(ModelArtifactFormat.MAGIC);
        buf.putInt(version);
        buf.putInt(headerBytes.length);
        buf.put(headerBytes);
        for (Map.Entry<String, float[]> t : tensors) {
            buf.asFloatBuffer().put(t.getValue());
            buf.position(buf.position() + 4 * t.getValue().length);
        }
        MessageDigest sha = ModelArtifactReader.newSha256();
        sha.update(buf.array(), 0, buf.position());
        buf.put(sha.digest());
        return buf.array();
    }

    private static void addTensor(ArrayNode list, List<Map.Entry<String, float[]>> tensors, String name,
            float[] data, int... shape) {
        ObjectNode t = list.addObject();
        t.put("name", name);
        ArrayNode dims = t.putArray("shape");
        for (int s : shape) {
            dims.add(s);
        }
        tensors.add(Map.entry(name, data));
    }
}
