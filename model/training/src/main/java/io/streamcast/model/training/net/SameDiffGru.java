package io.streamcast.model.training.net;

import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureSpec;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * A GRU forecasting network in SameDiff (Deeplearning4j 1.0.0-M2.1's MultiLayerNetwork has no GRU layer): {@code
 * layers} stacked {@code gru} ops (the reset-after GRU, exported as {@link CellType#GRU_RESET_AFTER}) and a dense head
 * with one output per forecast step, trained with Adam on the mean squared or absolute error over the labelled steps
 * (full backpropagation through each training sequence; no gradient clipping, which SameDiff's training config does
 * not offer). The {@code gru} op's weights {@code Wx [D, 3H]}, {@code Wh [H, 3H]}, {@code b [3H]} are the core cell's
 * W, RW and b as they are; {@code GruParityTest} holds the core cell to the op.
 *
 * <p>Batches come in DL4J's recurrent layout ({@code [batch, features, time]}, label mask {@code [batch, time]}) and
 * are transposed to the op's time-major layout here.
 */
public final class SameDiffGru {
    private final NetworkSpec spec;
    private final SameDiff sd;
    private final List<String> params = new ArrayList<>();

    /** One network of the given spec, its parameters initialised from {@code spec.seed()}. */
    public SameDiffGru(NetworkSpec spec) {
        if (spec.cell() != CellType.GRU_RESET_AFTER) {
            throw new IllegalArgumentException("SameDiffGru trains GRU_RESET_AFTER cells, got " + spec.cell());
        }
        this.spec = spec;
        Nd4j.getRandom().setSeed(spec.seed());
        sd = SameDiff.create();
        int d = spec.inputSize();
        int h = spec.hidden();
        int k = spec.horizon();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, -1, d);       // [T, B, D]
        SDVariable h0 = sd.placeHolder("h0", DataType.FLOAT, -1, h);         // [B, H], zeros
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, -1, k);       // [T, B, K]
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, -1, 1); // [T, B, 1]
        SDVariable in = x;
        int inSize = d;
        for (int l = 0; l < spec.layers(); l++) {
            SDVariable wx = sd.var("layer" + l + ".W", new XavierInitScheme('c', inSize, 3 * h), DataType.FLOAT,
                    inSize, 3 * h);
            SDVariable wh = sd.var("layer" + l + ".RW", new XavierInitScheme('c', h, 3 * h), DataType.FLOAT, h, 3 * h);
            SDVariable b = sd.var("layer" + l + ".b", new ZeroInitScheme('c'), DataType.FLOAT, 3 * h);
            params.add(wx.name());
            params.add(wh.name());
            params.add(b.name());
            in = sd.rnn().gru("gru" + l, in, h0, wx, wh, b);
            inSize = h;
        }
        SDVariable hw = sd.var("head.W", new XavierInitScheme('c', h, k), DataType.FLOAT, h, k);
        SDVariable hb = sd.var("head.b", new ZeroInitScheme('c'), DataType.FLOAT, k);
        params.add(hw.name());
        params.add(hb.name());
        SDVariable flat = in.reshape(-1, h);                                 // [T·B, H]
        SDVariable out = flat.mmul(hw).add(hb).reshape(sd.shape(y)).rename("out");
        SDVariable diff = out.sub(y);
        SDVariable err = spec.loss() == NetworkSpec.Loss.MAE ? sd.math().abs(diff) : diff.mul(diff);
        SDVariable loss = err.mul(mask).sum().div(mask.sum().mul(k).add(1e-6)).rename("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(spec.lr()))
                .dataSetFeatureMapping("x", "h0")
                .dataSetLabelMapping("y", "mask")
                .build());
        Gradients.create(sd);
    }

    /** Trainable parameters. */
    public long numParams() {
        long n = 0;
        for (String p : params) {
            n += sd.getVariable(p).getArr().length();
        }
        return n;
    }

    /** One update on a batch in DL4J's layout; returns the batch's loss before the update. */
    public double fit(DataSet batch) {
        INDArray f = batch.getFeatures();                   // [B, F, T]
        INDArray l = batch.getLabels();                     // [B, K, T]
        long b = f.size(0);
        long t = f.size(2);
        INDArray m = batch.getLabelsMaskArray();            // [B, T] or null
        INDArray mask = (m == null ? Nd4j.ones(DataType.FLOAT, b, t) : m).permute(1, 0).dup('c')
                .reshape(t, b, 1);
        INDArray x = f.permute(2, 0, 1).dup('c');
        INDArray y = l.permute(2, 0, 1).dup('c');
        MultiDataSet mds = new MultiDataSet(new INDArray[] {x, Nd4j.zeros(DataType.FLOAT, b, spec.hidden())},
                new INDArray[] {y, mask});
        INDArray h0 = mds.getFeatures(1);
        // the loss before the update, from a forward pass: SameDiff's fit reports no loss to a caller here
        double loss = sd.outputSingle(Map.of("x", x, "h0", h0, "y", y, "mask", mask), "loss").getDouble(0);
        sd.fit(mds);
        return loss;
    }

    /** A copy of every parameter (to keep the best epoch's). */
    public Map<String, INDArray> snapshot() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String p : params) {
            m.put(p, sd.getVariable(p).getArr().dup());
        }
        return m;
    }

    /** Puts back a {@link #snapshot()}. */
    public void restore(Map<String, INDArray> snapshot) {
        for (Map.Entry<String, INDArray> e : snapshot.entrySet()) {
            sd.getVariable(e.getKey()).getArr().assign(e.getValue());
        }
    }

    /** The network as a core model: each {@code gru} op's arrays become a {@link CellType#GRU_RESET_AFTER} layer. */
    public ForecastModel export(FeatureSpec features, HeadMode headMode) {
        List<LayerWeights> layers = new ArrayList<>();
        int in = spec.inputSize();
        for (int l = 0; l < spec.layers(); l++) {
            layers.add(new LayerWeights(CellType.GRU_RESET_AFTER, in, spec.hidden(), floats("layer" + l + ".W"),
                    floats("layer" + l + ".RW"), floats("layer" + l + ".b")));
            in = spec.hidden();
        }
        DenseHead head = new DenseHead(spec.hidden(), spec.horizon(), floats("head.W"), floats("head.b"));
        return new ForecastModel(layers, head, features, spec.horizon(), headMode);
    }

    private float[] floats(String name) {
        return sd.getVariable(name).getArr().dup('c').data().asFloat();
    }

    /** Writes the SameDiff graph with its parameters (and updater state). */
    public void save(File file) {
        sd.save(file, true);
    }
}
