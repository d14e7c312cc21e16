package io.streamcast.model.training.dataset;

import io.streamcast.model.core.HeadMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training and validation tensors for truncated BPTT, in DL4J's recurrent layout {@code [batch, features, time]}.
 *
 * <p>Each series is split in time: the first {@code 1 - validationFraction} of its steps train, the rest validate.
 * The training part is cut into sequences of at most {@code sequenceLength} steps (each starts from a zero
 * recurrent state, as a new key does in the stream); shorter sequences are padded at the end and masked. A
 * training label at step t is used only when all K targets lie inside the training part ({@code t + K < split}), so
 * no validation value leaks into training. Labels at t = 0 (the scaler has seen one value) and labels with a
 * target beyond {@link #TARGET_LIMIT} are masked as well.
 *
 * <p>Residual mode ({@link #residual()}): the training labels are {@code y_t[j] − x_t[VALUE]}, the change from the
 * current scaled value, for a network whose output a {@link io.streamcast.model.core.HeadMode#RESIDUAL} model adds to
 * {@code x_t[VALUE]}. Masking still looks at the scaled targets {@code y_t[j]} themselves, so both modes train on the
 * same steps. Validation always scores forecasts of {@code y} (see {@link ValidationMetrics}).
 *
 * <p>Validation runs every series from its first step (so the recurrent state is warm, as in the stream) and
 * scores forecasts of validation steps only; see {@link ValidationMetrics}. The split is a fraction of each series
 * or a fixed number of points at its end (the M4 task: the last 48).
 *
 * <p>Context: with {@code context > 0} every training sequence after a series' first starts {@code context} steps
 * before its first label, unlabelled, so the recurrent state has seen at least that much of the series before it
 * is trained to forecast, as a key in the stream has (a sequence that started cold and was labelled from its first
 * step would train the network to forecast from a zero state in the middle of a series, which serving never asks).
 */
public final class SequenceDataSets {
    private final List<SeriesFeatures> series;
    private final int[] splits;
    private final int featureCount;
    private final int horizon;
    private final int sequenceLength;
    private final int context;
    private final List<Segment> segments;
    private final long trainLabelSteps;
    private final boolean residual;
    private final boolean seasonal;

    /**
     * Training labels with a scaled target beyond this many standard deviations are masked. Such targets come
     * from a scaler that has seen almost nothing (the first steps of a series, a long flat stretch held up only by
     * the std floor) or from isolated spikes; squared error on them would swamp every ordinary step.
     */
    public static final float TARGET_LIMIT = 50f;

    /** Position of the scaled value in the inputs: {@code FeatureSpec} puts VALUE first. */
    private static final int VALUE_INDEX = 0;

    /** A training sequence: steps {@code [start, start + length)}, labelled from {@code labelStart} on. */
    private record Segment(int series, int start, int labelStart, int length) { }

    /** Direct-head labels ({@code y_t[j]}); see {@link #SequenceDataSets(List, double, int, boolean)}. */
    public SequenceDataSets(List<SeriesFeatures> series, double validationFraction, int sequenceLength) {
        this(series, validationFraction, sequenceLength, false);
    }

    /**
     * Validation by fraction, no context steps before a training sequence (each starts from a zero state).
     *
     * @param series             feature/target tables, all with the same feature count and horizon
     * @param validationFraction fraction of each series, at its end, held out for validation (0 &lt; f &lt; 1)
     * @param sequenceLength     training sequence length (a multiple of the tBPTT length works best)
     * @param residual           labels {@code y_t[j] − x_t[VALUE]} instead of {@code y_t[j]}
     */
    public SequenceDataSets(List<SeriesFeatures> series, double validationFraction, int sequenceLength,
            boolean residual) {
        this(series, validationFraction, 0, sequenceLength, 0, residual);
    }

    /**
     * @param series             feature/target tables, all with the same feature count and horizon
     * @param validationFraction fraction of each series, at its end, held out for validation (0 &lt; f &lt; 1);
     *                           used when {@code validationPoints} is 0
     * @param validationPoints   if positive, exactly this many points at the end of every series validate (the M4
     *                           task: the last 48); a series too short for it validates by fraction
     * @param sequenceLength     labelled steps per training sequence (a multiple of the tBPTT length works best)
     * @param context            unlabelled steps before each training sequence (where the series has them): the
     *                           recurrent state is warmed on them, so every label after the first
     *                           {@code sequenceLength} steps of a series has at least this much history, as it has in
     *                           the stream; 0 = each sequence starts cold
     * @param residual           labels {@code y_t[j] − x_t[VALUE]} instead of {@code y_t[j]}
     */
    public SequenceDataSets(List<SeriesFeatures> series, double validationFraction, int validationPoints,
            int sequenceLength, int context, boolean residual) {
        this(series, validationFraction, validationPoints, sequenceLength, context,
                residual ? HeadMode.RESIDUAL : HeadMode.DIRECT);
    }

    /**
     * As {@link #SequenceDataSets(List, double, int, int, int, boolean)} with the labels of head mode {@code head}:
     * {@code y_t[j]} (direct), {@code y_t[j] − x_t[VALUE]} (residual), or {@code y_t[j] −} the scaled seasonal naive
     * forecast ({@link SeriesFeatures#seasonalBase}; {@code x_t[VALUE]} where the stream has no whole season yet).
     */
    public SequenceDataSets(List<SeriesFeatures> series, double validationFraction, int validationPoints,
            int sequenceLength, int context, HeadMode head) {
        this.residual = head != HeadMode.DIRECT;
        this.seasonal = head == HeadMode.SEASONAL;
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to build datasets from");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), got " + validationFraction);
        }
        if (validationPoints < 0) {
            throw new IllegalArgumentException("validationPoints must be >= 0 (0 = by fraction), got "
                    + validationPoints);
        }
        if (sequenceLength <= 0) {
            throw new IllegalArgumentException("sequenceLength must be positive, got " + sequenceLength);
        }
        if (context < 0) {
            throw new IllegalArgumentException("context must be >= 0, got " + context);
        }
        this.series = List.copyOf(series);
        this.featureCount = series.get(0).featureCount();
        this.horizon = series.get(0).horizon();
        this.sequenceLength = sequenceLength;
        this.context = context;
        this.splits = new int[series.size()];
        List<Segment> segs = new ArrayList<>();
        long labels = 0;
        for (int s = 0; s < series.size(); s++) {
            SeriesFeatures sf = series.get(s);
            if (sf.featureCount() != featureCount || sf.horizon() != horizon) {
                throw new IllegalArgumentException("series '" + sf.series().key() + "' has F=" + sf.featureCount()
                        + " K=" + sf.horizon() + ", expected F=" + featureCount + " K=" + horizon);
            }
            int split = splitIndex(sf.length(), validationFraction, validationPoints, horizon);
            splits[s] = split;
            int lastLabel = split - 1 - horizon; // last t whose K targets are all before the split
            if (lastLabel < 0) {
                continue;
            }
            labels += lastLabel + 1;
            for (int start = 0; start <= lastLabel; start += sequenceLength) {
                int from = Math.max(0, start - context);
                segs.add(new Segment(s, from, start, Math.min(start + sequenceLength, split) - from));
            }
        }
        if (segs.isEmpty()) {
            throw new IllegalArgumentException("no series is long enough to train on: each needs more than "
                    + horizon + " steps before its validation part");
        }
        this.segments = List.copyOf(segs);
        this.trainLabelSteps = labels;
    }

    /**
     * First validation step of a series of length n: the last {@code points} steps when positive and the series
     * keeps more than {@code horizon + 1} steps to train on, else the last {@code fraction} of its steps.
     */
    public static int splitIndex(int n, double fraction, int points, int horizon) {
        if (points > 0 && n - points > horizon + 1) {
            return n - points;
        }
        return splitIndex(n, fraction);
    }

    /** First validation step of a series of length n: the last {@code fraction} of its steps validate. */
    public static int splitIndex(int n, double fraction) {
        return n - (int) Math.round(n * fraction);
    }

    public List<SeriesFeatures> series() {
        return series;
    }

    /** First validation step of series {@code s}. */
    public int split(int s) {
        return splits[s];
    }

    public int featureCount() {
        return featureCount;
    }

    /** True if the training labels are residuals {@code y_t[j] − x_t[VALUE]}. */
    public boolean residual() {
        return residual;
    }

    /**
     * The training label of series {@code s} at step t, horizon step j (1..K): {@code y_t[j]}, minus
     * {@code x_t[VALUE]} in residual mode.
     */
    public float label(int s, int t, int j) {
        return series.get(s).target(t, j) - outputOffset(s, t, j);
    }

    /**
     * Offset the network's output at step t, horizon step j, needs to become a forecast of {@code y_t[j]}: 0 (direct),
     * {@code x_t[VALUE]} (residual), the scaled seasonal naive forecast (seasonal; {@code x_t[VALUE]} before a whole
     * season).
     */
    public float outputOffset(int s, int t, int j) {
        if (!residual) {
            return 0f;
        }
        SeriesFeatures sf = series.get(s);
        if (seasonal) {
            float base = sf.seasonalBase(t, j);
            if (!Float.isNaN(base)) {
                return base;
            }
        }
        return sf.feature(t, VALUE_INDEX);
    }

    /** The head mode whose labels these are. */
    public HeadMode headMode() {
        return seasonal ? HeadMode.SEASONAL : residual ? HeadMode.RESIDUAL : HeadMode.DIRECT;
    }

    public int horizon() {
        return horizon;
    }

    public int sequenceCount() {
        return segments.size();
    }

    /**
     * Time steps whose K targets all lie in the training part, over all series: an upper bound on the labelled
     * steps (a few more are masked, see the class comment).
     */
    public long trainLabelSteps() {
        return trainLabelSteps;
    }

    /** Number of minibatches per epoch for a batch size. */
    public int batchCount(int batchSize) {
        return (segments.size() + batchSize - 1) / batchSize;
    }

    /**
     * The training minibatches of one epoch, sequences shuffled with {@code random} (seeded by the caller, so
     * the order is reproducible).
     */
    public List<DataSet> trainBatches(int batchSize, Random random) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        List<Segment> order = new ArrayList<>(segments);
        Collections.shuffle(order, random);
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            out.add(batch(order.subList(from, Math.min(order.size(), from + batchSize))));
        }
        return out;
    }

    private DataSet batch(List<Segment> segs) {
        int b = segs.size();
        int len = 0;
        for (Segment sg : segs) {
            len = Math.max(len, sg.length());
        }
        float[] f = new float[b * featureCount * len];
        float[] l = new float[b * horizon * len];
        float[] fm = new float[b * len];
        float[] lm = new float[b * len];
        boolean needMask = false;
        for (int i = 0; i < b; i++) {
            Segment sg = segs.get(i);
            SeriesFeatures sf = series.get(sg.series());
            int lastLabel = splits[sg.series()] - 1 - horizon;
            for (int k = 0; k < sg.length(); k++) {
                int t = sg.start() + k;
                for (int c = 0; c < featureCount; c++) {
                    f[(i * featureCount + c) * len + k] = sf.feature(t, c);
                }
                fm[i * len + k] = 1f;
                if (t >= sg.labelStart() && t <= lastLabel && trainable(sf, t)) {
                    lm[i * len + k] = 1f;
                    for (int j = 1; j <= horizon; j++) {
                        l[(i * horizon + j - 1) * len + k] = sf.target(t, j) - outputOffset(sg.series(), t, j);
                    }
                } else {
                    needMask = true;
                }
            }
            if (sg.length() < len) {
                needMask = true;
            }
        }
        INDArray features = Nd4j.create(f, new long[] {b, featureCount, len}, 'c');
        INDArray labels = Nd4j.create(l, new long[] {b, horizon, len}, 'c');
        if (!needMask) {
            return new DataSet(features, labels);
        }
        return new DataSet(features, labels, Nd4j.create(fm, new long[] {b, len}, 'c'),
                Nd4j.create(lm, new long[] {b, len}, 'c'));
    }

    private boolean trainable(SeriesFeatures sf, int t) {
        if (t == 0) {
            return false;
        }
        for (int j = 1; j <= horizon; j++) {
            float y = sf.target(t, j);
            if (!(Math.abs(y) <= TARGET_LIMIT)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every series from its first step, padded at the end to the longest one: {@code [S, F, Tmax]}. The network is
     * causal, so padding after a series' end does not change its outputs; metrics ignore padded steps. Exact but
     * slow in DL4J (its recurrent layers loop over time step by step); {@link #validationWindows()} is the fast
     * approximation used between epochs.
     */
    public INDArray validationFeatures() {
        int s = series.size();
        int len = 0;
        for (SeriesFeatures sf : series) {
            len = Math.max(len, sf.length());
        }
        float[] f = new float[s * featureCount * len];
        for (int i = 0; i < s; i++) {
            SeriesFeatures sf = series.get(i);
            for (int t = 0; t < sf.length(); t++) {
                for (int c = 0; c < featureCount; c++) {
                    f[(i * featureCount + c) * len + t] = sf.feature(t, c);
                }
            }
        }
        return Nd4j.create(f, new long[] {s, featureCount, len}, 'c');
    }

    /**
     * The validation part of every series cut into windows of {@code sequenceLength} scored steps, each preceded
     * by up to {@code sequenceLength} unscored burn-in steps that warm the recurrent state from zero. All windows
     * form one batch, so a forward pass costs {@code 2 * sequenceLength} sequential steps instead of the longest
     * series' length. The scores differ slightly from a pass over the full history (the state has seen only the
     * burn-in); the final metrics are computed over the full history with the core forecaster.
     */
    public ValidationWindows validationWindows() {
        int burnIn = sequenceLength;
        List<int[]> windows = new ArrayList<>(); // {series, inputStart, scoredStart, end}
        int[] firstWindow = new int[series.size()];
        for (int s = 0; s < series.size(); s++) {
            firstWindow[s] = windows.size();
            int n = series.get(s).length();
            // from the last training step: the forecast made there (the M4 task's origin) is scored too
            for (int start = splits[s] - 1; start < n; start += sequenceLength) {
                windows.add(new int[] {s, Math.max(0, start - burnIn), start, Math.min(n, start + sequenceLength)});
            }
        }
        int len = 0;
        for (int[] w : windows) {
            len = Math.max(len, w[3] - w[1]);
        }
        int count = windows.size();
        float[] f = new float[count * featureCount * len];
        int[] inputStart = new int[count];
        for (int i = 0; i < count; i++) {
            int[] w = windows.get(i);
            SeriesFeatures sf = series.get(w[0]);
            inputStart[i] = w[1];
            for (int t = w[1]; t < w[3]; t++) {
                for (int c = 0; c < featureCount; c++) {
                    f[(i * featureCount + c) * len + (t - w[1])] = sf.feature(t, c);
                }
            }
        }
        int[] scoredStart = new int[splits.length];
        for (int s = 0; s < splits.length; s++) {
            scoredStart[s] = splits[s] - 1;
        }
        return new ValidationWindows(Nd4j.create(f, new long[] {count, featureCount, len}, 'c'), firstWindow,
                inputStart, scoredStart, sequenceLength);
    }

    /**
     * Validation windows as one batch {@code [W, F, L]} and where each scored step of each series sits in it.
     */
    public static final class ValidationWindows {
        private final INDArray features;
        private final int[] firstWindow;
        private final int[] inputStart;
        private final int[] splits;
        private final int scoredLength;

        ValidationWindows(INDArray features, int[] firstWindow, int[] inputStart, int[] splits, int scoredLength) {
            this.features = features;
            this.firstWindow = firstWindow;
            this.inputStart = inputStart;
            this.splits = splits;
            this.scoredLength = scoredLength;
        }

        public INDArray features() {
            return features;
        }

        /** Window of series {@code s} that scores step t (t at or after the series' last training step). */
        public int window(int s, int t) {
            return firstWindow[s] + (t - splits[s]) / scoredLength;
        }

        /** Position of step t of series {@code s} inside its window. */
        public int offset(int s, int t) {
            return t - inputStart[window(s, t)];
        }
    }

    /** How many labelled steps a training sequence has. */
    public int sequenceLength() {
        return sequenceLength;
    }

    /** Unlabelled steps before each training sequence (fewer near a series' start). */
    public int context() {
        return context;
    }

    /** The longest training sequence, context included. */
    public int maxSequenceSteps() {
        int m = 0;
        for (Segment sg : segments) {
            m = Math.max(m, sg.length());
        }
        return m;
    }
}
