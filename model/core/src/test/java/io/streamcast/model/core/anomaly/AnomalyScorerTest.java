package io.streamcast.model.core.anomaly;

import io.streamcast.model.core.series.StateLayouts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyScorerTest {

    private static final double LEVEL = 100.0;
    private static final int STATIONARY_EVENTS = 3000;
    /** Events five minutes apart. */
    private static final long STEP = 300_000L;

    /** Feeds one event and returns the index of the event if it was flagged, else -1. */
    private static final class Run {
        final AnomalyScorer scorer;
        final float[] state = new float[AnomalyScorer.STATE_SIZE];
        final AnomalyResult result = new AnomalyResult();
        final List<Integer> flagged = new ArrayList<>();
        int events;

        Run(AnomalyConfig config) {
            scorer = new AnomalyScorer(config);
            scorer.init(state, 0);
        }

        AnomalyResult feed(double value, double residual) {
            scorer.score(state, 0, events + 1, events * STEP, value, residual, 1.0, result);
            if (result.isAnomaly()) {
                flagged.add(events);
            }
            events++;
            return result;
        }

        /** Stationary noise: unit Gaussian residuals around a constant level. */
        void stationary(Random random, int n) {
            for (int i = 0; i < n; i++) {
                double r = random.nextGaussian();
                feed(LEVEL + r, r);
            }
        }
    }

    @Test
    void spikeAfterStationaryNoisyStretchScoresHighAndIsFlaggedOnce() {
        Run run = new Run(AnomalyConfig.defaults());
        Random random = new Random(42);
        run.stationary(random, STATIONARY_EVENTS);
        assertThat(run.flagged).as("flags during the stationary stretch").isEmpty();

        AnomalyResult spike = run.feed(LEVEL + 25.0, 25.0);
        assertThat(spike.residualSurprise()).isEqualTo(1.0);
        assertThat(spike.outsideSeenRange()).isTrue();
        assertThat(spike.isAnomaly()).isTrue();

        run.stationary(random, 500);
        assertThat(run.flagged).containsExactly(STATIONARY_EVENTS);
    }

    @Test
    void sustainedRunOfLargeResidualsIsFlaggedAtItsOnsetOnly() {
        // no range check: only the likelihood can flag
        Run run = new Run(AnomalyConfig.builder().spatialCheck(false).build());
        Random random = new Random(7);
        run.stationary(random, STATIONARY_EVENTS);
        int onset = run.events;
        for (int i = 0; i < 400; i++) {
            double r = 3.0 + random.nextGaussian();
            run.feed(LEVEL + r, r);
        }
        run.stationary(random, 500);

        assertThat(run.flagged).hasSize(1);
        assertThat(run.flagged.get(0)).isBetween(onset, onset + 60);
    }

    @Test
    void singleResidualSpikeRaisesRawScoreButNotLikelihoodWithDefaultAveraging() {
        // documents the trade-off of the long default averaging window: an isolated residual spike
        // inside the seen range is scored 1 but not flagged
        Run run = new Run(AnomalyConfig.defaults());
        Random random = new Random(3);
        run.stationary(random, STATIONARY_EVENTS);
        AnomalyResult spike = run.feed(LEVEL, 25.0);
        assertThat(spike.residualSurprise()).isEqualTo(1.0);
        assertThat(spike.outsideSeenRange()).isFalse();
        assertThat(spike.isAnomaly()).isFalse();
    }

    @Test
    void nothingIsFlaggedDuringWarmUp() {
        AnomalyConfig config = AnomalyConfig.builder().warmUpEvents(500).learningPeriod(0).estimationSamples(1).build();
        Run run = new Run(config);
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            // ever wider values and residuals: out of range and surprising at every step
            double v = (i % 2 == 0 ? 1 : -1) * Math.pow(1.05, i) * (1 + random.nextDouble());
            AnomalyResult r = run.feed(v, v);
            assertThat(r.warmedUp()).isFalse();
            assertThat(r.anomalyScore()).isZero();
            assertThat(r.isAnomaly()).isFalse();
        }
        assertThat(run.flagged).isEmpty();

        AnomalyResult first = run.feed(1e30, 1e30);
        assertThat(first.warmedUp()).isTrue();
        assertThat(first.isAnomaly()).as("the same kind of event right after the warm-up").isTrue();
    }

    @Test
    void flatSeriesGivesNoAnomalies() {
        Run run = new Run(AnomalyConfig.defaults());
        for (int i = 0; i < 10_000; i++) {
            AnomalyResult r = run.feed(5.0, 0.0);
            assertThat(r.residualSurprise()).isZero();
            assertThat(r.outsideSeenRange()).isFalse();
            assertThat(r.anomalyLikelihood()).isLessThanOrEqualTo(0.5);
        }
        assertThat(run.flagged).isEmpty();
    }

    @Test
    void likelihoodIsExactlyHalfDuringTheLearningPeriod() {
        AnomalyConfig config = AnomalyConfig.builder().learningPeriod(120).estimationSamples(30).build();
        Run run = new Run(config);
        Random random = new Random(5);
        for (int i = 0; i < 150; i++) {
            double r = i % 10 == 0 ? 50.0 : random.nextGaussian();
            AnomalyResult res = run.feed(LEVEL + r, r);
            assertThat(res.anomalyLikelihood()).isEqualTo(0.5);
            assertThat(res.tailProbability()).isEqualTo(0.5);
            assertThat(res.logLikelihood()).isCloseTo(Math.log(0.5) / Math.log(1e-10), within(1e-9));
        }
        boolean moved = false;
        for (int i = 0; i < 200; i++) {
            double r = random.nextGaussian();
            moved |= run.feed(LEVEL + r, r).anomalyLikelihood() != 0.5;
        }
        assertThat(moved).as("likelihood leaves 0.5 after learning + estimation").isTrue();
    }

    @Test
    void spatialCheckFlagsValuesOutsideTheSeenRangeWidenedByFivePercent() {
        AnomalyConfig config = AnomalyConfig.builder().warmUpEvents(0).build();
        AnomalyScorer scorer = new AnomalyScorer(config);
        float[] state = new float[AnomalyScorer.STATE_SIZE];
        scorer.init(state, 0);
        AnomalyResult r = new AnomalyResult();

        scorer.score(state, 0, 1, 1 * STEP, 0.0, 0.0, 1.0, r);
        assertThat(r.outsideSeenRange()).as("first value: no range yet").isFalse();
        scorer.score(state, 0, 2, 2 * STEP, 10.0, 0.0, 1.0, r);
        assertThat(r.outsideSeenRange()).as("second value: range was a single point").isFalse();

        scorer.score(state, 0, 3, 3 * STEP, 10.5, 0.0, 1.0, r);   // max + 5% of range (10) = 10.5: inside
        assertThat(r.outsideSeenRange()).isFalse();
        // the range is now [0, 10.5]; tolerance 0.525
        scorer.score(state, 0, 4, 4 * STEP, 11.1, 0.0, 1.0, r);
        assertThat(r.outsideSeenRange()).isTrue();
        assertThat(r.anomalyScore()).isEqualTo(1.0);
        assertThat(r.isAnomaly()).isTrue();
        scorer.score(state, 0, 5, 5 * STEP, 11.1, 0.0, 1.0, r);
        assertThat(r.outsideSeenRange()).as("the range has grown to include it").isFalse();
        scorer.score(state, 0, 6, 6 * STEP, -0.6, 0.0, 1.0, r);   // min − 5% of 11.1 = −0.555
        assertThat(r.outsideSeenRange()).isTrue();

        AnomalyScorer off = new AnomalyScorer(config.toBuilder().spatialCheck(false).build());
        off.init(state, 0);
        off.score(state, 0, 1, 1 * STEP, 0.0, 0.0, 1.0, r);
        off.score(state, 0, 2, 2 * STEP, 1.0, 0.0, 1.0, r);
        off.score(state, 0, 3, 3 * STEP, 1e9, 0.0, 1.0, r);
        assertThat(r.outsideSeenRange()).isFalse();
    }

    @Test
    void missingResidualScoresZero() {
        Run run = new Run(AnomalyConfig.defaults());
        AnomalyResult r = run.feed(1.0, Double.NaN);
        assertThat(r.residualSurprise()).isZero();
        assertThat(r.standardisedResidual()).isNaN();
        assertThat(r.averagedScore()).isZero();
    }

    @Test
    void theFirstResidualOfAKeyIsNotScoredButLearntFrom() {
        // a key's second event brings its first residual: with no centre or scale yet it used to be judged against
        // minResidualScale alone and score the maximum 1.0 (every key of out/forecasts.csv at its second event)
        Run run = new Run(AnomalyConfig.defaults());
        assertThat(run.feed(10.0, Double.NaN).residualSurprise()).isZero();
        AnomalyResult first = run.feed(10.5, 0.4);
        assertThat(first.residualSurprise()).isZero();
        assertThat(first.averagedScore()).isZero();
        // the next residual is judged by the scale the first one gave: an ordinary one scores low, a huge one high
        assertThat(run.feed(10.2, 0.3).residualSurprise()).isLessThan(0.1);
        assertThat(run.feed(30.0, 40.0).residualSurprise()).isEqualTo(1.0);
    }

    @Test
    void keysInterleavedInOneArrayMatchKeysInSeparateArrays() {
        AnomalyScorer scorer = new AnomalyScorer(AnomalyConfig.builder().warmUpEvents(10).learningPeriod(20).build());
        int size = AnomalyScorer.STATE_SIZE;
        float[] shared = new float[1 + 2 * size];
        float[] a = new float[size];
        float[] b = new float[size];
        scorer.init(shared, 1);
        scorer.init(shared, 1 + size);
        scorer.init(a, 0);
        scorer.init(b, 0);
        AnomalyResult r = new AnomalyResult();
        Random random = new Random(9);
        for (int i = 0; i < 1000; i++) {
            double va = random.nextGaussian();
            double vb = 5 * random.nextGaussian();
            scorer.score(shared, 1, i + 1, (i + 1) * STEP, va, va, 1.0, r);
            scorer.score(shared, 1 + size, i + 1, (i + 1) * STEP, vb, vb / 5, 1.0, r);
            scorer.score(a, 0, i + 1, (i + 1) * STEP, va, va, 1.0, r);
            scorer.score(b, 0, i + 1, (i + 1) * STEP, vb, vb / 5, 1.0, r);
        }
        assertThat(shared[0]).isZero();
        assertThat(java.util.Arrays.copyOfRange(shared, 1, 1 + size)).containsExactly(a);
        assertThat(java.util.Arrays.copyOfRange(shared, 1 + size, 1 + 2 * size)).containsExactly(b);
    }

    @Test
    void initWritesTheDocumentedLayout() {
        float[] state = new float[AnomalyScorer.STATE_SIZE];
        java.util.Arrays.fill(state, 7f);
        new AnomalyScorer(AnomalyConfig.defaults()).init(state, 0);
        assertThat(AnomalyScorer.STATE_SIZE).isEqualTo(63);
        assertThat(AnomalyScorer.STATE_BYTES).isEqualTo(252);
        assertThat(java.util.Arrays.copyOf(state, 15)).containsExactly(0f, 0f, 0f, 0f, 0f, 0f, Float.NaN, Float.NaN,
                0f, 0f, 0f, 0f, 0f, Float.NaN, Float.NaN);
        for (int i = 15; i < 63; i++) {
            assertThat(state[i]).as("profile slot %d", i - 15).isNaN();
        }
    }

    /**
     * The profile's means are kept as 16-bit codes by the scorer itself: every code is an integer a record writes in
     * 2 bytes, and each slot's mean is within half a step of what the same updates give in double precision.
     */
    @Test
    void theDailyProfileIsKeptAsIntegerCodesWithinHalfAStepOfTheExactMeans() {
        AnomalyConfig config = AnomalyConfig.defaults();
        AnomalyScorer scorer = new AnomalyScorer(config);
        float[] state = new float[AnomalyScorer.STATE_SIZE];
        scorer.init(state, 0);
        AnomalyResult r = new AnomalyResult();
        Random random = new Random(17);
        long halfHour = 1_800_000L;
        double[] exact = new double[AnomalyScorer.PROFILE_SLOTS];
        java.util.Arrays.fill(exact, Double.NaN);
        // a large level, a daily swing growing over time (so the codes' step grows), noise
        int events = 48 * 40;
        for (int i = 0; i < events; i++) {
            int slot = i % 48;
            double v = 1e6 + (1 + i / 200.0) * 50 * Math.sin(2 * Math.PI * slot / 48) + random.nextGaussian();
            // the slot's mean as the scorer moves it, in double precision: a clipped step from the mean it kept
            double before = AnomalyScorer.profileMean(state, 0, slot);
            double scale = state[11];
            double sigma = Math.max(scale * Math.sqrt(Math.PI / 2), config.minResidualScale());
            double bound = scale > 0 ? config.residualClip() * sigma : Double.POSITIVE_INFINITY;
            double expected = Double.isNaN(before) ? v
                    : before + config.profileAdaptation() * Math.max(-bound, Math.min(bound, v - before));
            scorer.score(state, 0, i + 1, i * halfHour, v, Double.NaN, 1.0, r);
            for (int k = AnomalyScorer.PROFILE; k < AnomalyScorer.PROFILE + AnomalyScorer.PROFILE_SLOTS; k++) {
                float code = state[k];
                assertThat(Float.isNaN(code) || (code == Math.rint(code) && Math.abs(code) <= Short.MAX_VALUE))
                        .as("code %s at event %d", code, i).isTrue();
            }
            double kept = AnomalyScorer.profileMean(state, 0, slot);
            double step = Float.isNaN(state[14]) ? 0 : Math.scalb(1.0, (int) state[14]);
            // the first value of the profile is its origin, exactly (a float of it)
            assertThat(kept).as("slot %d at event %d", slot, i).isCloseTo(expected,
                    org.assertj.core.data.Offset.offset(i == 0 ? 0.1 : step / 2 * (1 + 1e-9)));
            exact[slot] = kept;
        }
        // the step: the largest deviation from the origin codes to [2^14, 2^15), so the resolution is ~1/16,000 of it
        double origin = state[13];
        double far = 0;
        for (double m : exact) {
            far = Math.max(far, Math.abs(m - origin));
        }
        double step = Math.scalb(1.0, (int) state[14]);
        assertThat(far / step).isBetween(8192.0, 32767.0);
        assertThat(step).isLessThan(0.02);
    }

    @Test
    void aLayout6ProfileIsRoundedToTheNearestCodes() {
        float[] v6 = new float[AnomalyScorer.LAYOUT_6_STATE_SIZE];
        for (int i = 0; i < 13; i++) {
            v6[i] = i + 0.5f;
        }
        for (int i = 0; i < 48; i++) {
            v6[13 + i] = i == 7 ? Float.NaN : (float) (250.0 + 40.0 * Math.cos(i / 7.0) + i * 0.001);
        }
        float[] v7 = new float[AnomalyScorer.STATE_SIZE];
        AnomalyScorer.profileFromLayout6(v6, 0, v7, 0);
        assertThat(java.util.Arrays.copyOf(v7, 13)).containsExactly(java.util.Arrays.copyOf(v6, 13));
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < 48; i++) {
            if (i != 7) {
                lo = Math.min(lo, v6[13 + i]);
                hi = Math.max(hi, v6[13 + i]);
            }
        }
        assertThat(v7[13]).as("origin: the middle of the means").isEqualTo((float) ((lo + hi) / 2));
        // the farthest mean, about 40 from the middle, codes to [2^14, 2^15): a step of 2^-9
        assertThat(v7[14]).isEqualTo(-9f);
        for (int i = 0; i < 48; i++) {
            if (i == 7) {
                assertThat(AnomalyScorer.profileMean(v7, 0, i)).isNaN();
            } else {
                assertThat(AnomalyScorer.profileMean(v7, 0, i)).isCloseTo(v6[13 + i],
                        org.assertj.core.data.Offset.offset(Math.scalb(1.0, -10)));
            }
        }
    }

    @Test
    void stateOfTheCountedLayoutMigratesToItsFloatsAfterTheCountWithAFreshProfile() {
        AnomalyScorer scorer = new AnomalyScorer(AnomalyConfig.builder().warmUpEvents(5).learningPeriod(10).build());
        Random random = new Random(3);
        float[] state = new float[AnomalyScorer.STATE_SIZE];
        scorer.init(state, 0);
        AnomalyResult r = new AnomalyResult();
        for (int i = 1; i <= 50; i++) {
            double v = random.nextGaussian();
            scorer.score(state, 0, i, i * STEP, v, v, 1.0, r);
        }
        // the earlier layout: the count, then layout 5's eight floats (+5 counted events since the last red value)
        float[] counted = new float[1 + StateLayouts.COUNTED_SCORER_SIZE];
        counted[1] = 50;
        System.arraycopy(state, 0, counted, 2, AnomalyScorer.LAYOUT_5_STATE_SIZE);
        counted[2 + AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 17;
        float[] migrated = new float[AnomalyScorer.STATE_SIZE + 2];
        assertThat(StateLayouts.scorerFromCounted(counted, 1, migrated, 2)).isEqualTo(50);
        float[] expected = state.clone();
        expected[AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 0f;
        AnomalyScorer.initProfile(expected, 0);
        assertThat(java.util.Arrays.copyOfRange(migrated, 2, migrated.length)).containsExactly(expected);
        assertThat(migrated[0]).isZero();
        assertThatThrownBy(() -> StateLayouts.scorerFromCounted(new float[9], 1, migrated, 0))
                .hasMessageContaining("does not fit");
    }

    @Test
    void eventPositionsStartAtOne() {
        AnomalyScorer scorer = new AnomalyScorer(AnomalyConfig.defaults());
        float[] state = new float[AnomalyScorer.STATE_SIZE];
        scorer.init(state, 0);
        assertThatThrownBy(() -> scorer.score(state, 0, 0, 0 * STEP, 1.0, 0.0, 1.0, new AnomalyResult()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event is the 1-based position of the event in the key's history, got 0");
    }

    @Test
    void rejectsARegionThatDoesNotFit() {
        AnomalyScorer scorer = new AnomalyScorer(AnomalyConfig.defaults());
        assertThatThrownBy(() -> scorer.init(new float[64], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state region [2, 65) does not fit in an array of length 64");
    }
}
