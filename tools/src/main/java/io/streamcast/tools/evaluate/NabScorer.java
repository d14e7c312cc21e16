package io.streamcast.tools.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The NAB scoring rule over a corpus of files (see {@link NabSeries} for the per-row values): raw score at a
 * threshold, the threshold that maximises it, and the score normalised between the null detector and a perfect one.
 *
 * <ul>
 *   <li>A row is a detection iff its score is at least the threshold; {@link #NO_DETECTIONS} (+∞) detects nothing.
 *   <li>Threshold choice: one threshold per profile for the whole corpus, the one maximising the raw score among
 *       "no detections" and every distinct score of a non-probationary row; exact ties go to the higher threshold.
 *   <li>Normalised score {@code 100 (raw − null) / (perfect − null)}: {@code null} is the optimised raw score of a
 *       detector that outputs 0.5 everywhere, {@code perfect = tp ·} number of windows (all of them, as NAB).
 * </ul>
 */
public final class NabScorer {

    /** The threshold that detects nothing. */
    public static final double NO_DETECTIONS = Double.POSITIVE_INFINITY;
    /** What the null detector outputs on every row. */
    public static final double NULL_SCORE = 0.5;

    /** Counts and raw score of one file at one threshold. */
    public record FileScore(String file, int rows, int probationRows, int windows, int detectedWindows,
                            int missedWindows, int falsePositiveDetections, double rawScore,
                            int tpRows, int fpRows, int fnRows, int tnRows) {}

    /** The outcome for one profile. */
    public record ProfileScore(NabProfile profile, double threshold, boolean thresholdOptimised, double rawScore,
                               double nullRawScore, double perfectRawScore, double normalisedScore,
                               int detectedWindows, int missedWindows, int falsePositiveDetections,
                               int detectionsInWindows, List<FileScore> files) {

        /** Detected windows over scored windows; NaN when there is none. */
        public double windowRecall() {
            int scored = detectedWindows + missedWindows;
            return scored == 0 ? Double.NaN : (double) detectedWindows / scored;
        }

        /** Detections (non-probationary rows) inside windows over all detections; NaN with no detections. */
        public double windowPrecision() {
            int all = detectionsInWindows + falsePositiveDetections;
            return all == 0 ? Double.NaN : (double) detectionsInWindows / all;
        }
    }

    private final List<NabSeries> series;
    private final List<double[]> scores;
    private final int windows;
    private final int scoredWindows;

    /**
     * @param series ground truth per file
     * @param scores detection scores per file, aligned with {@code series} row by row; finite
     */
    public NabScorer(List<NabSeries> series, List<double[]> scores) {
        if (series.size() != scores.size()) {
            throw new IllegalArgumentException(series.size() + " files but " + scores.size() + " score arrays");
        }
        int w = 0;
        int sw = 0;
        for (int f = 0; f < series.size(); f++) {
            NabSeries s = series.get(f);
            double[] sc = Objects.requireNonNull(scores.get(f), "scores");
            if (sc.length != s.rows()) {
                throw new IllegalArgumentException(s.file() + ": " + sc.length + " scores but the data has " + s.rows() + " rows");
            }
            for (int i = 0; i < sc.length; i++) {
                if (!Double.isFinite(sc[i])) {
                    throw new IllegalArgumentException(s.file() + ": score at row " + i + " is not finite: " + sc[i]);
                }
            }
            w += s.windows().size();
            sw += s.scoredWindows().size();
        }
        this.series = List.copyOf(series);
        this.scores = List.copyOf(scores);
        this.windows = w;
        this.scoredWindows = sw;
    }

    /** The same files scored by the null detector (0.5 everywhere). */
    public NabScorer nullDetector() {
        List<double[]> nulls = new ArrayList<>();
        for (NabSeries s : series) {
            double[] a = new double[s.rows()];
            Arrays.fill(a, NULL_SCORE);
            nulls.add(a);
        }
        return new NabScorer(series, nulls);
    }

    public int windows() {
        return windows;
    }

    public int scoredWindows() {
        return scoredWindows;
    }

    /** A threshold and the raw score it gives. */
    public record Choice(double threshold, double rawScore) {}

    /** The threshold maximising the raw score (exact ties: the higher threshold), and that score. */
    public Choice optimise(NabProfile profile) {
        double fn = profile.fnWeight();
        int total = 0;
        for (NabSeries s : series) {
            total += s.rows() - s.probation();
        }
        double[] score = new double[total];
        int[] window = new int[total];
        double[] value = new double[total];
        int n = 0;
        int windowOffset = 0;
        for (int f = 0; f < series.size(); f++) {
            NabSeries s = series.get(f);
            double[] sc = scores.get(f);
            for (int i = s.probation(); i < s.rows(); i++) {
                score[n] = sc[i] + 0.0;  // -0.0 becomes 0.0, so equal scores sort together
                int k = s.windowOf(i);
                window[n] = k >= 0 ? windowOffset + k : -1;
                value[n] = s.rowValue(i, profile);
                n++;
            }
            windowOffset += s.windows().size();
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -score[i]));  // stable: ties keep row order
        double[] best = new double[windowOffset];
        Arrays.fill(best, -fn);
        double cumulative = -fn * scoredWindows;
        double bestThreshold = NO_DETECTIONS;
        double bestScore = cumulative;
        for (int j = 0; j < n; j++) {
            int i = order[j];
            int k = window[i];
            if (k < 0) {
                cumulative += value[i];
            } else if (value[i] > best[k]) {
                cumulative += value[i] - best[k];
                best[k] = value[i];
            }
            boolean lastOfGroup = j == n - 1 || score[order[j + 1]] != score[i];
            if (lastOfGroup && cumulative > bestScore) {
                bestScore = cumulative;
                bestThreshold = score[i];
            }
        }
        return new Choice(bestThreshold, bestScore);
    }

    /** Raw score and per-file counts at a fixed threshold ({@link #NO_DETECTIONS} for none). */
    public List<FileScore> scoreAt(NabProfile profile, double threshold) {
        List<FileScore> out = new ArrayList<>();
        for (int f = 0; f < series.size(); f++) {
            NabSeries s = series.get(f);
            double[] sc = scores.get(f);
            double fpPart = 0;
            int fpRows = 0;
            int tpRows = 0;
            int fnRows = 0;
            int tnRows = 0;
            double[] bestInWindow = new double[s.windows().size()];
            boolean[] hit = new boolean[s.windows().size()];
            for (int i = s.probation(); i < s.rows(); i++) {
                boolean detected = sc[i] >= threshold;
                int k = s.windowOf(i);
                if (k >= 0) {
                    if (detected) {
                        tpRows++;
                        double v = s.rowValue(i, profile);
                        if (!hit[k] || v > bestInWindow[k]) {
                            bestInWindow[k] = v;
                            hit[k] = true;
                        }
                    } else {
                        fnRows++;
                    }
                } else if (detected) {
                    fpRows++;
                    fpPart += s.rowValue(i, profile);
                } else {
                    tnRows++;
                }
            }
            double tpPart = 0;
            int detected = 0;
            int missed = 0;
            for (int k : s.scoredWindows()) {
                if (hit[k]) {
                    tpPart += bestInWindow[k];
                    detected++;
                } else {
                    tpPart -= profile.fnWeight();
                    missed++;
                }
            }
            out.add(new FileScore(s.file(), s.rows(), s.probation(), s.windows().size(), detected, missed, fpRows,
                    tpPart + fpPart, tpRows, fpRows, fnRows, tnRows));
        }
        return out;
    }

    /**
     * Scores one profile: at {@code fixedThreshold} when given (not null), else at the optimised threshold; with
     * the null detector's optimised raw score and the normalised score.
     */
    public ProfileScore score(NabProfile profile, Double fixedThreshold) {
        double threshold = fixedThreshold != null ? fixedThreshold : optimise(profile).threshold();
        List<FileScore> files = scoreAt(profile, threshold);
        double raw = 0;
        int detected = 0;
        int missed = 0;
        int fp = 0;
        int inWindows = 0;
        for (FileScore f : files) {
            raw += f.rawScore();
            detected += f.detectedWindows();
            missed += f.missedWindows();
            fp += f.falsePositiveDetections();
            inWindows += f.tpRows();
        }
        double nullRaw = nullDetector().optimise(profile).rawScore();
        double perfect = profile.tpWeight() * windows;
        double normalised = 100.0 * (raw - nullRaw) / (perfect - nullRaw);
        return new ProfileScore(profile, threshold, fixedThreshold == null, raw, nullRaw, perfect, normalised,
                detected, missed, fp, inWindows, files);
    }
}
