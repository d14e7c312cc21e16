package io.streamcast.tools.evaluate;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The NAB rule on hand-worked cases. The base case: one file of 20 rows, probation floor(0.15 * 20) = 3 rows,
 * one window on rows 10..13 (W = 4).
 *
 * <pre>
 * sig(y) = 2 / (1 + e^(5y)) − 1
 * sig(−1)    = 2 / (1 + e^−5)    − 1 = 2 / 1.0067379 − 1 =  0.9866143
 * sig(−0.75) = 2 / (1 + e^−3.75) − 1 = 2 / 1.0235177 − 1 =  0.9540450
 * sig(−0.25) = 2 / (1 + e^−1.25) − 1 = 2 / 1.2865048 − 1 =  0.5545997
 * sig(1/3)   = 2 / (1 + e^1.6667) − 1 = 2 / 6.2944901 − 1 = −0.6822618
 * sig(2/3)   = 2 / (1 + e^3.3333) − 1 = 2 / 29.031625 − 1 = −0.9311096
 * sig(1)     = 2 / (1 + e^5)      − 1 = 2 / 149.41316 − 1 = −0.9866143
 * sig(4/3)   = 2 / (1 + e^6.6667) − 1 = 2 / 786.77199 − 1 = −0.9974580
 * sig(5/3)   = 2 / (1 + e^8.3333) − 1 = 2 / 4161.2620 − 1 = −0.9995194
 * sig(2)     = 2 / (1 + e^10)     − 1 = 2 / 22027.466 − 1 = −0.9999092
 * </pre>
 */
class NabScorerTest {

    private static final NabProfile STANDARD = NabProfile.STANDARD;

    private static NabSeries baseFile() {
        return new NabSeries("a.csv", 20, List.of(new NabSeries.RowWindow(10, 13)));
    }

    private static double[] detectionsAt(int rows, int... at) {
        double[] s = new double[rows];
        for (int i : at) {
            s[i] = 1.0;
        }
        return s;
    }

    private static double raw(NabScorer scorer, NabProfile p, double threshold) {
        return scorer.scoreAt(p, threshold).stream().mapToDouble(NabScorer.FileScore::rawScore).sum();
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows() {
        assertThat(NabSeries.probationLength(20)).isEqualTo(3);       // floor(3.0)
        assertThat(NabSeries.probationLength(4032)).isEqualTo(604);   // floor(604.8)
        assertThat(NabSeries.probationLength(5000)).isEqualTo(750);
        assertThat(NabSeries.probationLength(15831)).isEqualTo(750);  // capped
    }

    @Test
    void scaledSigmoidMatchesHandValues() {
        assertThat(NabSeries.scaledSigmoid(-1.0)).isCloseTo(0.9866143, within(1e-7));
        assertThat(NabSeries.scaledSigmoid(-0.25)).isCloseTo(0.5545997, within(1e-7));
        assertThat(NabSeries.scaledSigmoid(2.0 / 3)).isCloseTo(-0.9311096, within(1e-7));
        assertThat(NabSeries.scaledSigmoid(3.0)).isCloseTo(2 / (1 + Math.exp(15)) - 1, within(1e-12));
        assertThat(NabSeries.scaledSigmoid(3.0001)).isEqualTo(-1.0);
    }

    @Test
    void firstRowOfAWindowEarnsTheFullTpWeightAndTheLastRowLess() {
        NabScorer first = new NabScorer(List.of(baseFile()), List.of(detectionsAt(20, 10)));
        // row 10: y = −(13 − 10 + 1)/4 = −1 → sig(−1)/sig(−1) = 1
        assertThat(raw(first, STANDARD, 0.5)).isCloseTo(1.0, within(1e-12));

        NabScorer last = new NabScorer(List.of(baseFile()), List.of(detectionsAt(20, 13)));
        // row 13: y = −1/4 → 0.5545997 / 0.9866143 = 0.5621241
        assertThat(raw(last, STANDARD, 0.5)).isCloseTo(0.5621241, within(1e-6));
    }

    @Test
    void onlyTheEarliestDetectionOfAWindowCountsAndFalsePositivesCostBeforeAndAfter() {
        // detections: row 1 (probation: ignored), row 5 (before the first window: −0.11),
        // rows 11 and 12 (same window: only row 11 counts, y = −3/4 → 0.9540450 / 0.9866143 = 0.9669891),
        // row 15 (after the window: y = (15 − 13)/(4 − 1) = 2/3 → 0.11 · (−0.9311096) = −0.1024221)
        // raw = 0.9669891 − 0.11 − 0.1024221 = 0.7545670
        NabScorer scorer = new NabScorer(List.of(baseFile()), List.of(detectionsAt(20, 1, 5, 11, 12, 15)));
        List<NabScorer.FileScore> files = scorer.scoreAt(STANDARD, 0.5);
        assertThat(files.get(0).rawScore()).isCloseTo(0.7545670, within(1e-6));
        assertThat(files.get(0).detectedWindows()).isEqualTo(1);
        assertThat(files.get(0).missedWindows()).isZero();
        assertThat(files.get(0).falsePositiveDetections()).isEqualTo(2);
        assertThat(files.get(0).tpRows()).isEqualTo(2);
    }

    @Test
    void aMissedWindowCostsTheFnWeightOfTheProfile() {
        NabScorer scorer = new NabScorer(List.of(baseFile()), List.of(new double[20]));
        assertThat(raw(scorer, STANDARD, 0.5)).isEqualTo(-1.0);
        assertThat(raw(scorer, NabProfile.REWARD_LOW_FN, 0.5)).isEqualTo(-2.0);
        // low-FP profile doubles the false-positive cost: a lone FP before the window → −0.22, plus the miss → −1.22
        NabScorer fp = new NabScorer(List.of(baseFile()), List.of(detectionsAt(20, 5)));
        assertThat(raw(fp, NabProfile.REWARD_LOW_FP, 0.5)).isCloseTo(-1.22, within(1e-12));
    }

    @Test
    void aOneRowWindowMakesEveryLaterFalsePositiveCostTheFullWeight() {
        // W = 1: y would divide by W − 1 = 0; the rule gives −fp straight away
        NabSeries s = new NabSeries("b.csv", 20, List.of(new NabSeries.RowWindow(10, 10)));
        NabScorer scorer = new NabScorer(List.of(s), List.of(detectionsAt(20, 10, 11)));
        assertThat(raw(scorer, STANDARD, 0.5)).isCloseTo(1.0 - 0.11, within(1e-12));
    }

    @Test
    void theNullDetectorAndTheNormalisedScore() {
        // null detector (0.5 everywhere), threshold 0.5 → rows 3..19 detected:
        //   window: best is row 10 → +1
        //   rows 3..9 before the window: 7 · −0.11 = −0.77
        //   rows 14..19 after it, y = 1/3 .. 2: sum of sig = −0.6822618 − 0.9311096 − 0.9866143 − 0.9974580
        //                                                  − 0.9995194 − 0.9999092 = −5.5968723 → · 0.11 = −0.6156560
        //   total 1 − 0.77 − 0.6156560 = −0.3856560, better than "no detections" (−1): null raw = −0.3856560
        // Detector of the previous test: raw 0.7545670; perfect = 1 (one window).
        // normalised = 100 · (0.7545670 + 0.3856560) / (1 + 0.3856560) = 100 · 1.1402230 / 1.3856560 = 82.28760
        NabScorer scorer = new NabScorer(List.of(baseFile()), List.of(detectionsAt(20, 1, 5, 11, 12, 15)));
        assertThat(scorer.nullDetector().optimise(STANDARD).rawScore()).isCloseTo(-0.3856560, within(1e-6));
        NabScorer.ProfileScore p = scorer.score(STANDARD, 0.5);
        assertThat(p.nullRawScore()).isCloseTo(-0.3856560, within(1e-6));
        assertThat(p.perfectRawScore()).isEqualTo(1.0);
        assertThat(p.normalisedScore()).isCloseTo(82.28760, within(1e-3));
        assertThat(p.windowRecall()).isEqualTo(1.0);
        // 2 detections in the window, 2 outside (row 1 is in probation and not counted)
        assertThat(p.windowPrecision()).isEqualTo(0.5);
    }

    @Test
    void theOptimisedThresholdMaximisesTheRawScoreAndTiesGoToTheHigherThreshold() {
        // scores: row 10 (window start) 0.9, row 11 (same window) 0.8, row 5 (FP before the window) 0.7, rest 0.1
        //   threshold none → −1; 0.9 → +1; 0.8 → +1 (row 11 adds nothing); 0.7 → 1 − 0.11 = 0.89;
        //   0.1 → everything → −0.3856560 (as the null detector). Best: +1, tie between 0.9 and 0.8 → 0.9.
        double[] s = new double[20];
        Arrays.fill(s, 0.1);
        s[10] = 0.9;
        s[11] = 0.8;
        s[5] = 0.7;
        NabScorer scorer = new NabScorer(List.of(baseFile()), List.of(s));
        NabScorer.Choice c = scorer.optimise(STANDARD);
        assertThat(c.threshold()).isEqualTo(0.9);
        assertThat(c.rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(raw(scorer, STANDARD, 0.7)).isCloseTo(0.89, within(1e-12));
    }

    @Test
    void whenEveryThresholdLosesNoDetectionIsChosen() {
        // no windows at all: every detection is a false positive, so detecting nothing (raw 0) is best
        NabSeries clean = new NabSeries("c.csv", 20, List.of());
        double[] s = new double[20];
        Arrays.fill(s, 0.3);
        NabScorer scorer = new NabScorer(List.of(clean, baseFile()), List.of(s, new double[20]));
        NabScorer.Choice c = scorer.optimise(STANDARD);
        assertThat(c.threshold()).isEqualTo(NabScorer.NO_DETECTIONS);
        assertThat(c.rawScore()).isEqualTo(-1.0);  // the window of the second file is missed either way
    }

    @Test
    void aWindowInsideProbationIsNotScoredButCountsForThePerfectScore() {
        NabSeries s = new NabSeries("d.csv", 20, List.of(new NabSeries.RowWindow(0, 2), new NabSeries.RowWindow(10, 13)));
        assertThat(s.scoredWindows()).containsExactly(1);
        NabScorer scorer = new NabScorer(List.of(s), List.of(detectionsAt(20, 1, 10)));
        NabScorer.ProfileScore p = scorer.score(STANDARD, 0.5);
        assertThat(p.detectedWindows()).isEqualTo(1);
        assertThat(p.missedWindows()).isZero();
        assertThat(p.perfectRawScore()).isEqualTo(2.0);
        assertThat(p.rawScore()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void windowsAreMappedToRowsByTimestampWhateverTheFractionalSeconds() {
        List<String> ts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ts.add(String.format("2014-04-10 %02d:00:00", i));
        }
        NabSeries s = NabSeries.fromTimestamps("e.csv", ts,
                List.of(new LabelledWindows.Window("2014-04-10 10:00:00.000000", "2014-04-10 13:00:00.000000")));
        assertThat(s.windows()).containsExactly(new NabSeries.RowWindow(10, 13));
        assertThatThrownBy(() -> NabSeries.fromTimestamps("e.csv", ts,
                List.of(new LabelledWindows.Window("2014-04-10 10:30:00", "2014-04-10 13:00:00"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2014-04-10 10:30:00 does not occur exactly once");
    }

    @Test
    void overlappingWindowsAndMisalignedScoresAreRefused() {
        assertThatThrownBy(() -> new NabSeries("f.csv", 20,
                List.of(new NabSeries.RowWindow(5, 10), new NabSeries.RowWindow(10, 12))))
                .hasMessageContaining("overlapping windows");
        assertThatThrownBy(() -> new NabScorer(List.of(baseFile()), List.of(new double[19])))
                .hasMessageContaining("19 scores but the data has 20 rows");
    }

    @Test
    void profilesAreReadFromNabsConfigFormat(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("profiles.json");
        Files.writeString(f, "{\"reward_low_FN_rate\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 2.0, "
                + "\"fpWeight\": 0.11, \"tnWeight\": 1.0}}, \"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0, "
                + "\"fnWeight\": 1.0, \"fpWeight\": 0.11, \"tnWeight\": 1.0}}}");
        assertThat(NabProfile.read(f)).containsExactly(NabProfile.STANDARD, NabProfile.REWARD_LOW_FN);
    }
}
