package io.streamcast.model.training.week;

import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.WeekModel;
import io.streamcast.model.training.data.Series;
import io.streamcast.model.training.dataset.SequenceDataSets;
import io.streamcast.model.training.net.Gradients;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * Trains a {@link WeekModel} across every series whose events are a day's season of at most
 * {@value HorizonCombination#MAX_WEEKLY_PERIOD} apart (hourly, half-hourly, …: the keys that keep a week's ring in the
 * stream). Every window of a week followed by K values inside a series' training part is one example; the series'
 * validation part (the same split as the recurrent network's, {@link SequenceDataSets#splitIndex}) is forecast from
 * its start and every K steps after, and scored by MASE (scaled by the training part's in-sample seasonal-naive error)
 * and sMAPE, in value units, through the exported core model: what the stream would serve.
 *
 * <p>Training: SameDiff, Adam (lr {@value #LR}), minibatches of {@value #BATCH} windows, and a loss shaped like the
 * measures forecasts are judged by, which weigh relative and scaled errors alike (M4's OWA is half sMAPE, half MASE):
 * each window's mean absolute error on the transformed scale (the logarithm's, so a relative error, as sMAPE's) times
 * {@link #lossWeight}{@code (s, s̄) = (1 + s̄ / s) / 2}, s the series' in-sample seasonal-naive error on that scale
 * (MASE's scale: the error in units of it is the series' scaled error) and s̄ the mean of s over the series, which
 * makes the two halves commensurate. With the relative error alone, a series whose seasonal naive is already close
 * (small s) counts as little as any other, and that is where beating it is hardest. The linear
 * skip starts at the least-squares fit of the windows (ridge 1), the hidden layer at Xavier weights and a zero
 * output layer, so training starts from the best linear forecaster and the network learns what it misses. The epoch
 * with the best validation MASE is kept. Deterministic for a seed.
 */
public final class WeekModelTrainer {

    /** Adam's learning rate. */
    public static final double LR = 1e-3;
    /** Windows per minibatch. */
    public static final int BATCH = 512;
    /** Ridge of the linear skip's least-squares start. */
    static final double RIDGE = 1.0;
    /**
     * The least in-sample seasonal-naive error a series' loss weight is computed with, on the transformed scale (a
     * relative error of 0.1%): a series repeating its days exactly would otherwise have an infinite weight.
     */
    static final double MIN_SCALE = 1e-3;

    private WeekModelTrainer() {
    }

    /** What training gave: the model (null if no series has a daily season with a week's ring), and its numbers. */
    public record Result(WeekModel model, int bestEpoch, int epochsRun, int series, long windows, double valMase,
            double valSmape, double seasonalMase, double seasonalSmape) {
    }

    /**
     * The season of a series in events as the stream decides it for a key, from the gap between its first two points
     * ({@link HorizonCombination#detectPeriod}, {@link HorizonCombination#ringFor}, as
     * {@link io.streamcast.model.training.dataset.SeriesFeatures#season()} does): a day of
     * 2..{@value HorizonCombination#MAX_WEEKLY_PERIOD} events, for which the key keeps a week's ring; 0 otherwise.
     */
    public static int weeklyRingPeriod(Series s) {
        if (s.size() < 2) {
            return 0;
        }
        long gap = s.timestamp(1) - s.timestamp(0);
        int p = HorizonCombination.detectPeriod(gap);
        return p > 0 && HorizonCombination.ringFor(gap, p) == HorizonCombination.DAYS_PER_WEEK * p ? p : 0;
    }

    /**
     * Trains the week model on {@code series} for {@code horizon} steps.
     *
     * @param validationFraction the recurrent network's split: the last fraction of each series validates
     * @param validationPoints   if positive, the last this many points instead
     */
    public static Result train(List<Series> series, int horizon, int hidden, int epochs, long seed,
            double validationFraction, int validationPoints, PrintStream log) {
        Map<Integer, Integer> byPeriod = new HashMap<>();
        for (Series s : series) {
            int p = weeklyRingPeriod(s);
            if (p > 0) {
                byPeriod.merge(p, 1, Integer::sum);
            }
        }
        if (byPeriod.isEmpty()) {
            log.printf(Locale.ROOT, "week model: no series has a daily season of at most %d events (hourly, half-hourly, "
                    + "...): none trained%n", HorizonCombination.MAX_WEEKLY_PERIOD);
            return new Result(null, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int period = byPeriod.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
        if (horizon > WeekModel.maxHorizon(period)) {
            log.printf(Locale.ROOT, "week model: season %d allows at most %d steps (six days), the horizon is %d: none "
                    + "trained%n", period, WeekModel.maxHorizon(period), horizon);
            return new Result(null, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int l = HorizonCombination.DAYS_PER_WEEK * period;
        List<float[]> logs = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<Integer> splits = new ArrayList<>();
        List<int[]> examples = new ArrayList<>(); // {series, first target index}
        for (Series s : series) {
            if (weeklyRingPeriod(s) != period) {
                continue;
            }
            double[] v = s.values();
            int n = v.length;
            int split = SequenceDataSets.splitIndex(n, validationFraction, validationPoints, horizon);
            if (split - horizon < l || split >= n) {
                continue; // not a week and a horizon before its validation part, or nothing after it
            }
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) WeekModel.transform(v[i]);
            }
            int si = logs.size();
            logs.add(g);
            values.add(v);
            splits.add(split);
            for (int t = l; t + horizon <= split; t++) {
                examples.add(new int[] {si, t});
            }
        }
        if (examples.isEmpty()) {
            log.printf(Locale.ROOT, "week model: no series of season %d has a week and %d steps before its validation "
                    + "part: none trained%n", period, horizon);
            return new Result(null, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        log.printf(Locale.ROOT, "week model: season %d, window %d -> %d hidden -> %d, %d series, %d windows, batch %d, "
                + "up to %d epochs%n", period, l, hidden, horizon, logs.size(), examples.size(), BATCH, epochs);

        Nd4j.getRandom().setSeed(seed);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, l);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, horizon);
        INDArray[] start = leastSquares(logs, examples, l, horizon);
        SDVariable wl = sd.var("week.Wl", start[0]);
        SDVariable bl = sd.var("week.bl", start[1]);
        SDVariable w1 = sd.var("week.W1", new XavierInitScheme('c', l, hidden), DataType.FLOAT, l, hidden);
        SDVariable b1 = sd.var("week.b1", new ZeroInitScheme('c'), DataType.FLOAT, hidden);
        SDVariable w2 = sd.var("week.W2", new ZeroInitScheme('c'), DataType.FLOAT, hidden, horizon);
        SDVariable hiddenOut = sd.nn().relu(x.mmul(w1).add(b1), 0);
        SDVariable out = x.mmul(wl).add(bl).add(hiddenOut.mmul(w2)).rename("out");
        SDVariable wt = sd.placeHolder("w", DataType.FLOAT, -1, 1);
        SDVariable loss = sd.math().abs(out.sub(y)).mul(wt).mean().rename("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(LR))
                .dataSetFeatureMapping("x", "w").dataSetLabelMapping("y").build());
        Gradients.create(sd);
        String[] params = {"week.Wl", "week.bl", "week.W1", "week.b1", "week.W2"};

        Random shuffle = new Random(seed);
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] weightOfSeries = seriesWeights(logs, splits, period);
        double[] snaive = seasonalNaiveScores(values, splits, period, horizon);
        double best = Double.POSITIVE_INFINITY;
        double[] bestScores = null;
        WeekModel bestModel = null;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            for (int i = order.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < order.length; from += BATCH) {
                int b = Math.min(BATCH, order.length - from);
                INDArray[] xy = batch(logs, examples, order, from, b, l, horizon);
                float[] ws = new float[b];
                for (int r = 0; r < b; r++) {
                    ws[r] = weightOfSeries[examples.get(order[from + r])[0]];
                }
                INDArray wa = Nd4j.create(ws, new long[] {b, 1}, 'c');
                lossSum += sd.outputSingle(Map.of("x", xy[0], "y", xy[1], "w", wa), "loss").getDouble(0);
                sd.fit(new MultiDataSet(new INDArray[] {xy[0], wa}, new INDArray[] {xy[1]}));
                batches++;
            }
            WeekModel model = export(sd, period, hidden, horizon);
            double[] scores = scores(model, values, splits, period, horizon);
            // without a validation window (parts shorter than K) every epoch is "better": the last is kept
            boolean better = Double.isNaN(scores[0]) ? Double.isInfinite(best) : scores[0] < best;
            if (better) {
                if (!Double.isNaN(scores[0])) {
                    best = scores[0]; // a NaN epoch never bars a later finite one
                }
                bestScores = scores;
                bestModel = model;
                bestEpoch = epoch;
            }
            log.printf(Locale.ROOT, "week model epoch %d/%d  train loss %.5f  val MASE %.4f sMAPE %.3f (seasonal naive "
                    + "%.4f / %.3f)  %.1f s%s%n", epoch, epochs, lossSum / batches, scores[0], scores[1], snaive[0],
                    snaive[1], (System.nanoTime() - t0) / 1e9, better ? "  *" : "");
        }
        log.printf(Locale.ROOT, "week model: kept epoch %d (val MASE %.4f sMAPE %.3f; seasonal naive %.4f / %.3f)%n",
                bestEpoch, bestScores[0], bestScores[1], snaive[0], snaive[1]);
        return new Result(bestModel, bestEpoch, epochs, logs.size(), examples.size(), bestScores[0], bestScores[1],
                snaive[0], snaive[1]);
    }

    /**
     * The loss weight of each series' windows ({@link #lossWeight}), in the order of {@code logs}: s from the series'
     * transformed values before its split, s̄ the mean of s over the series.
     */
    static float[] seriesWeights(List<float[]> logs, List<Integer> splits, int period) {
        List<Double> scales = new ArrayList<>(); // s of each series: in-sample seasonal-naive error, transformed scale
        for (int s = 0; s < logs.size(); s++) {
            float[] g = logs.get(s);
            int split = splits.get(s);
            double sc = 0;
            for (int i = period; i < split; i++) {
                sc += Math.abs(g[i] - g[i - period]);
            }
            scales.add(Math.max(sc / (split - period), MIN_SCALE));
        }
        double meanScale = scales.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        float[] weights = new float[scales.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) lossWeight(scales.get(i), meanScale);
        }
        return weights;
    }

    /**
     * The loss weight of a series' windows: {@code (1 + s̄ / s) / 2}, half for the relative error (weight 1 for every
     * series) and half for the error in units of the series' own in-sample seasonal-naive error s, counted in units of
     * the mean s̄ of s over the series (both on the transformed scale; s at least {@value #MIN_SCALE}).
     */
    static double lossWeight(double scale, double meanScale) {
        return 0.5 * (1 + meanScale / scale);
    }

    /** The minibatch of windows {@code order[from, from + b)}: centred transformed windows and their targets. */
    private static INDArray[] batch(List<float[]> logs, List<int[]> examples, int[] order, int from, int b, int l,
            int k) {
        float[] xs = new float[b * l];
        float[] ys = new float[b * k];
        for (int r = 0; r < b; r++) {
            int[] e = examples.get(order[from + r]);
            window(logs.get(e[0]), e[1], l, k, xs, r * l, ys, r * k);
        }
        return new INDArray[] {Nd4j.create(xs, new long[] {b, l}, 'c'), Nd4j.create(ys, new long[] {b, k}, 'c')};
    }

    /** The window ending before target index t (centred by its mean) into xs, the K targets (centred alike) into ys. */
    private static void window(float[] g, int t, int l, int k, float[] xs, int xAt, float[] ys, int yAt) {
        double mean = 0;
        for (int i = 0; i < l; i++) {
            mean += g[t - l + i];
        }
        float mu = (float) (mean / l);
        for (int i = 0; i < l; i++) {
            xs[xAt + i] = g[t - l + i] - mu;
        }
        for (int j = 0; j < k; j++) {
            ys[yAt + j] = g[t + j] - mu;
        }
    }

    /** The ridge least-squares fit of the targets on [window, 1], in double: {Wl [L, K], bl [K]}. */
    private static INDArray[] leastSquares(List<float[]> logs, List<int[]> examples, int l, int k) {
        int d = l + 1;
        INDArray xtx = Nd4j.zeros(DataType.DOUBLE, d, d);
        INDArray xty = Nd4j.zeros(DataType.DOUBLE, d, k);
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int from = 0; from < order.length; from += 4096) {
            int b = Math.min(4096, order.length - from);
            float[] xs = new float[b * l];
            float[] ys = new float[b * k];
            for (int r = 0; r < b; r++) {
                int[] e = examples.get(from + r);
                window(logs.get(e[0]), e[1], l, k, xs, r * l, ys, r * k);
            }
            INDArray xb = Nd4j.hstack(Nd4j.create(xs, new long[] {b, l}, 'c'), Nd4j.ones(DataType.FLOAT, b, 1))
                    .castTo(DataType.DOUBLE);
            INDArray yb = Nd4j.create(ys, new long[] {b, k}, 'c').castTo(DataType.DOUBLE);
            xtx.addi(xb.transpose().mmul(xb));
            xty.addi(xb.transpose().mmul(yb));
        }
        for (int i = 0; i < l; i++) {
            xtx.putScalar(i, i, xtx.getDouble(i, i) + RIDGE); // the intercept is not shrunk
        }
        INDArray w = InvertMatrix.invert(xtx, false).mmul(xty).castTo(DataType.FLOAT);
        return new INDArray[] {w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, l),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'), w.getRow(l).dup()};
    }

    private static WeekModel export(SameDiff sd, int period, int hidden, int horizon) {
        for (String p : new String[] {"week.Wl", "week.bl", "week.W1", "week.b1", "week.W2"}) {
            for (float v : floats(sd, p)) {
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("week model training diverged: " + p + " has the value " + v
                            + " (try fewer epochs or a smaller --week-hidden)");
                }
            }
        }
        return new WeekModel(period, hidden, horizon, floats(sd, "week.Wl"), floats(sd, "week.bl"),
                floats(sd, "week.W1"), floats(sd, "week.b1"), floats(sd, "week.W2"));
    }

    private static float[] floats(SameDiff sd, String name) {
        return sd.getVariable(name).getArr().dup('c').data().asFloat();
    }

    /**
     * Mean over series of MASE and sMAPE of the model's forecasts from the start of each series' validation part and
     * every K steps after, as long as K values follow; MASE scaled by the training part's seasonal-naive error.
     */
    static double[] scores(WeekModel model, List<double[]> values, List<Integer> splits, int period, int horizon) {
        WeekModel.Scratch scratch = model.newScratch();
        float[] f = new float[horizon];
        return score(values, splits, period, horizon, (v, t, out) -> {
            for (int i = 0; i < model.window(); i++) {
                scratch.window()[i] = (float) v[t - model.window() + i];
            }
            if (!model.forecast(scratch, horizon, f)) {
                java.util.Arrays.fill(out, Double.NaN);
                return;
            }
            for (int j = 0; j < horizon; j++) {
                out[j] = f[j];
            }
        });
    }

    /** The same scores of seasonal naive, {@code y_{t + k − P·ceil(k/P)}}. */
    static double[] seasonalNaiveScores(List<double[]> values, List<Integer> splits, int period, int horizon) {
        return score(values, splits, period, horizon, (v, t, out) -> {
            for (int k = 1; k <= horizon; k++) {
                out[k - 1] = v[t - 1 + k - period * ((k + period - 1) / period)];
            }
        });
    }

    private interface Forecast {
        /** The forecasts of v[t], …, v[t + K − 1] made with v[0, t) known. */
        void of(double[] v, int t, double[] out);
    }

    private static double[] score(List<double[]> values, List<Integer> splits, int period, int horizon, Forecast fc) {
        double mase = 0;
        double smape = 0;
        int counted = 0;
        double[] out = new double[horizon];
        for (int s = 0; s < values.size(); s++) {
            double[] v = values.get(s);
            int split = splits.get(s);
            double scale = 0;
            for (int i = period; i < split; i++) {
                scale += Math.abs(v[i] - v[i - period]);
            }
            scale /= split - period;
            double ae = 0;
            double sp = 0;
            int m = 0;
            for (int t = split; t + horizon <= v.length; t += horizon) {
                fc.of(v, t, out);
                for (int j = 0; j < horizon; j++) {
                    double e = Math.abs(v[t + j] - out[j]);
                    double denom = Math.abs(v[t + j]) + Math.abs(out[j]);
                    ae += e;
                    sp += denom > 0 ? 200 * e / denom : 0;
                    m++;
                }
            }
            if (m == 0 || !(scale > 0)) {
                continue;
            }
            mase += ae / m / scale;
            smape += sp / m;
            counted++;
        }
        return counted == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {mase / counted, smape / counted};
    }
}
