package io.streamcast.tools.evaluate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step of an {@link Evaluation} that scores detections: the anomaly scores of the labelled series against their
 * windows, by NAB's rule, for each profile.
 *
 * @param nab                per profile, in the profiles' order (empty without labels)
 * @param windows            labelled windows of the scored files
 * @param scoredWindows      of them, those outside the probation period
 * @param unlabelledFiles    evaluated files the labels do not name (not scored)
 * @param labelledButMissing labelled files that are not under the data folder (not scored)
 */
record DetectionScores(List<NabScorer.ProfileScore> nab, int windows, int scoredWindows, List<String> unlabelledFiles,
                       List<String> labelledButMissing) {

    /** Without labels: nothing scored. */
    static final DetectionScores NONE = new DetectionScores(List.of(), 0, 0, List.of(), List.of());

    static DetectionScores score(Evaluation.Options o, EvaluationInput input, Map<String, ScoredSeries> scored,
                                 PrintStream log) {
        LabelledWindows labels = input.labels();
        if (labels == null) {
            return NONE;
        }
        List<NabSeries> truth = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String rel : labels.files()) {
            ScoredSeries s = scored.get(rel);
            if (s == null) {
                missing.add(rel);
                continue;
            }
            truth.add(NabSeries.fromTimestamps(rel, s.timestamps(), labels.windows(rel)));
            scores.add(s.anomalyScore());
        }
        List<String> unlabelled = new ArrayList<>();
        for (String rel : scored.keySet()) {
            if (!labels.contains(rel)) {
                unlabelled.add(rel);
            }
        }
        if (!missing.isEmpty()) {
            log.printf("warning: %d labelled file(s) are not under %s and are not scored: %s%n", missing.size(),
                    o.data(), String.join(", ", missing.subList(0, Math.min(5, missing.size()))));
        }
        if (truth.isEmpty()) {
            throw new IllegalArgumentException("none of the files labelled in " + o.labels() + " is under " + o.data());
        }
        NabScorer scorer = new NabScorer(truth, scores);
        List<NabScorer.ProfileScore> nab = new ArrayList<>();
        for (NabProfile p : input.profiles()) {
            nab.add(scorer.score(p, o.fixedThreshold()));
        }
        return new DetectionScores(nab, scorer.windows(), scorer.scoredWindows(), unlabelled, missing);
    }
}
