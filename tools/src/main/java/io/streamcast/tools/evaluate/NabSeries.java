package io.streamcast.tools.evaluate;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ground truth of one data file for NAB scoring: its row count, probation length, labelled windows as row
 * ranges, and what each row would be worth if it were a detection (before profile weights).
 *
 * <h2>The rule</h2>
 * <ul>
 *   <li>Probation: the first {@code min(floor(0.15 N), 750)} rows are neither rewarded nor penalised. A window
 *       ending inside probation is not scored (it still counts for the perfect score, as in NAB).
 *   <li>Scaled sigmoid {@code sig(y) = 2/(1+exp(5y)) − 1}, and {@code sig(y) = −1} for {@code y > 3}.
 *   <li>A detection at row {@code i} in a window {@code [s, e]} of width {@code W = e − s + 1} is worth
 *       {@code tp · sig(−(e − i + 1)/W) / sig(−1)}: {@code tp} at the window's first row, about 0 at its last.
 *       Only the window's best (earliest) detection counts; a window without one costs {@code fn}.
 *   <li>A detection outside every window costs {@code fp} before the file's first window; after a window (the most
 *       recent one, end {@code e}, width {@code W}) it is worth {@code fp · sig((i − e)/(W − 1))}, which is
 *       negative and tends to {@code −fp} (a one-row window gives {@code −fp} straight away).
 * </ul>
 */
public final class NabSeries {

    /** sig(−1): the unweighted value of a window's first row, about 0.98661. */
    public static final double SIG_AT_MINUS_ONE = scaledSigmoid(-1.0);
    public static final double PROBATION_FRACTION = 0.15;
    public static final int PROBATION_CAP = 750;

    /** A window as an inclusive row range. */
    public record RowWindow(int start, int end) {
        public int width() {
            return end - start + 1;
        }
    }

    private final String file;
    private final int rows;
    private final int probation;
    private final List<RowWindow> windows;
    private final int[] windowOfRow;
    private final double[] unweightedTp;
    private final double[] unweightedFp;
    private final List<Integer> scoredWindows;

    /**
     * @param file    the data file's relative path (for messages and reports)
     * @param rows    number of data rows
     * @param windows windows as row ranges: sorted, not overlapping, inside {@code [0, rows)}
     */
    public NabSeries(String file, int rows, List<RowWindow> windows) {
        this.file = file;
        this.rows = rows;
        this.probation = probationLength(rows);
        List<RowWindow> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparingInt(RowWindow::start));
        for (int k = 0; k < sorted.size(); k++) {
            RowWindow w = sorted.get(k);
            if (w.start() < 0 || w.end() >= rows || w.end() < w.start()) {
                throw new IllegalArgumentException(file + ": window rows " + w.start() + ".." + w.end()
                        + " are not inside 0.." + (rows - 1));
            }
            if (k > 0 && w.start() <= sorted.get(k - 1).end()) {
                throw new IllegalArgumentException(file + ": overlapping windows " + sorted.get(k - 1) + " and " + w);
            }
        }
        this.windows = List.copyOf(sorted);
        this.windowOfRow = new int[rows];
        this.unweightedTp = new double[rows];
        this.unweightedFp = new double[rows];
        Arrays.fill(windowOfRow, -1);
        Arrays.fill(unweightedFp, -1.0);
        int cursor = 0;
        RowWindow previous = null;
        for (int k = 0; k < this.windows.size(); k++) {
            RowWindow w = this.windows.get(k);
            if (previous != null) {
                fillAfter(previous, cursor, w.start());
            }
            int width = w.width();
            for (int i = w.start(); i <= w.end(); i++) {
                windowOfRow[i] = k;
                unweightedTp[i] = scaledSigmoid(-(double) (w.end() - i + 1) / width);
            }
            previous = w;
            cursor = w.end() + 1;
        }
        if (previous != null) {
            fillAfter(previous, cursor, rows);
        }
        List<Integer> scored = new ArrayList<>();
        for (int k = 0; k < this.windows.size(); k++) {
            if (this.windows.get(k).end() >= probation) {
                scored.add(k);
            }
        }
        this.scoredWindows = List.copyOf(scored);
    }

    /**
     * Maps labelled windows onto a file's rows: a window covers the rows from the one whose timestamp equals its
     * start to the one whose timestamp equals its end.
     *
     * @throws IllegalArgumentException when a boundary does not occur exactly once, or windows are reversed or overlap
     */
    public static NabSeries fromTimestamps(String file, List<String> timestamps, List<LabelledWindows.Window> labelled) {
        Map<LocalDateTime, Integer> firstRow = new HashMap<>();
        Set<LocalDateTime> duplicated = new HashSet<>();
        for (int i = 0; i < timestamps.size(); i++) {
            LocalDateTime t = NabTimestamps.parse(timestamps.get(i));
            if (firstRow.putIfAbsent(t, i) != null) {
                duplicated.add(t);
            }
        }
        List<RowWindow> rows = new ArrayList<>();
        for (LabelledWindows.Window w : labelled) {
            int s = rowOf(file, w.start(), firstRow, duplicated);
            int e = rowOf(file, w.end(), firstRow, duplicated);
            if (e < s) {
                throw new IllegalArgumentException(file + ": window " + w.start() + " .. " + w.end() + " is reversed");
            }
            rows.add(new RowWindow(s, e));
        }
        return new NabSeries(file, timestamps.size(), rows);
    }

    private static int rowOf(String file, String stamp, Map<LocalDateTime, Integer> firstRow, Set<LocalDateTime> dup) {
        LocalDateTime t = NabTimestamps.parse(stamp);
        Integer row = firstRow.get(t);
        if (row == null || dup.contains(t)) {
            throw new IllegalArgumentException(file + ": window boundary " + stamp + " does not occur exactly once in the data");
        }
        return row;
    }

    /** Rows after window {@code w} up to (excluding) {@code until}. */
    private void fillAfter(RowWindow w, int from, int until) {
        for (int i = from; i < until; i++) {
            unweightedFp[i] = w.width() <= 1 ? -1.0 : scaledSigmoid((double) (i - w.end()) / (w.width() - 1));
        }
    }

    /** {@code 2/(1+exp(5y)) − 1}, and −1 for {@code y > 3}. */
    public static double scaledSigmoid(double y) {
        if (y > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /** {@code min(floor(0.15 n), 750)}. */
    public static int probationLength(int rows) {
        return (int) Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_CAP);
    }

    /** What a detection at {@code row} is worth under {@code profile} (window rows: before keeping only the best). */
    public double rowValue(int row, NabProfile profile) {
        return windowOfRow[row] >= 0
                ? unweightedTp[row] * profile.tpWeight() / SIG_AT_MINUS_ONE
                : unweightedFp[row] * profile.fpWeight();
    }

    public String file() {
        return file;
    }

    public int rows() {
        return rows;
    }

    public int probation() {
        return probation;
    }

    public List<RowWindow> windows() {
        return windows;
    }

    /** Index into {@link #windows()} of the window holding {@code row}, or −1. */
    public int windowOf(int row) {
        return windowOfRow[row];
    }

    /** Indices of the windows that are scored (end after probation). */
    public List<Integer> scoredWindows() {
        return scoredWindows;
    }
}
