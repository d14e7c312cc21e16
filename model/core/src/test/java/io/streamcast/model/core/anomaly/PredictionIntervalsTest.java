package io.streamcast.model.core.anomaly;

import io.streamcast.model.core.series.StateLayouts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class PredictionIntervalsTest {

    private static final int K = 8;

    /**
     * Random walk with persistence forecasts: the horizon-k error is the sum of k innovations, so
     * its spread grows like sqrt(k). Returns the empirical coverage per horizon and the mean
     * lower/upper offsets from the forecast.
     */
    private static double[][] simulate(DoubleSupplier innovation, int events, int burnIn) {
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(K).build());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = new float[K];
        float[] lower = new float[K];
        float[] upper = new float[K];
        Deque<float[][]> made = new ArrayDeque<>();  // newest first: {lower, upper}
        long[] hit = new long[K];
        long[] seen = new long[K];
        double[] lowOffset = new double[K];
        double[] highOffset = new double[K];
        double value = 0;
        float previousOneStep = Float.NaN;
        for (int t = 0; t < events; t++) {
            value += innovation.getAsDouble();
            int k = 1;
            for (float[][] past : made) {
                if (t >= burnIn && !Float.isNaN(past[0][k - 1])) {
                    seen[k - 1]++;
                    if (value >= past[0][k - 1] && value <= past[1][k - 1]) {
                        hit[k - 1]++;
                    }
                }
                k++;
            }
            java.util.Arrays.fill(forecast, (float) value);
            intervals.observe(state, 0, t, value, 1.0, previousOneStep, forecast);
            intervals.bounds(state, 0, t, forecast, 1.0, lower, upper);
            previousOneStep = forecast[0];
            if (t >= burnIn) {
                for (int j = 0; j < K; j++) {
                    lowOffset[j] += (forecast[j] - lower[j]) / (events - burnIn);
                    highOffset[j] += (upper[j] - forecast[j]) / (events - burnIn);
                }
            }
            made.addFirst(new float[][] {lower.clone(), upper.clone()});
            if (made.size() > K) {
                made.removeLast();
            }
        }
        double[] coverage = new double[K];
        for (int j = 0; j < K; j++) {
            coverage[j] = hit[j] / (double) seen[j];
        }
        return new double[][] {coverage, lowOffset, highOffset};
    }

    @Test
    void coverageOnGaussianErrorsIsNearNominalAtEveryHorizon() {
        Random random = new Random(1);
        double[][] r = simulate(random::nextGaussian, 60_000, 5_000);
        for (int j = 0; j < K; j++) {
            assertThat(r[0][j]).as("coverage of horizon %d", j + 1).isBetween(0.88, 0.92);
        }
        // widths follow each horizon's own error size: about 1.645 * sqrt(k)
        assertThat(r[2][0]).isBetween(1.45, 1.85);
        assertThat(r[2][K - 1] / r[2][0]).isBetween(Math.sqrt(K) * 0.85, Math.sqrt(K) * 1.15);
        assertThat(r[1][0] / r[2][0]).as("symmetric errors, symmetric interval").isBetween(0.9, 1.1);
    }

    @Test
    void skewedErrorsGiveAnAsymmetricIntervalAndNominalPooledCoverage() {
        Random random = new Random(2);
        // centred exponential innovations: long upper tail, less skewed as k innovations add up
        double[][] r = simulate(() -> -Math.log(1 - random.nextDouble()) - 1.0, 60_000, 5_000);
        assertThat(r[2][0]).as("upper offset beyond lower offset").isGreaterThan(1.5 * r[1][0]);
        // the shape is shared by the tracked horizons 1, 2, 4, 8, so coverage is nominal when they are
        // weighted by how often each is observed (periods 1, 2, 4, 8), and each horizon's own
        // coverage drifts with how far its error shape differs from the pooled one
        double[] weight = {8, 4, 0, 2, 0, 0, 0, 1};
        double pooled = 0;
        for (int j = 0; j < K; j++) {
            pooled += weight[j] * r[0][j] / 15.0;
            assertThat(r[0][j]).as("coverage of horizon %d", j + 1).isBetween(0.83, 0.96);
        }
        assertThat(pooled).isBetween(0.885, 0.915);
    }

    @Test
    void horizonsAreObservedOnTheirPowerOfTwoSchedule() {
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(K).build());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = new float[K];
        for (int t = 0; t < 101; t++) {
            intervals.observe(state, 0, t, t, 1.0, 0f, forecast);
        }
        // events 0..100; horizon k (period P) saw fills at 0, P, 2P, ... up to 100 - k
        assertThat(intervals.observations(100, 1)).isEqualTo(100);
        assertThat(intervals.observations(100, 2)).isEqualTo(50);
        assertThat(intervals.observations(100, 3)).isEqualTo(25);   // P = 4: fills 0..96
        assertThat(intervals.observations(100, 5)).isEqualTo(12);   // P = 8: fills 0..88
        assertThat(intervals.observations(100, 8)).isEqualTo(12);   // P = 8: fills 0..88
    }

    @Test
    void aHorizonWithFewObservationsIsWidenedByStudentsTOverTheGaussianQuantileUntilItsScaleIsSettled() {
        // t quantiles at 95% (tables): 4 degrees of freedom 2.1318, 9: 1.8331, 28: 1.7011; z = 1.6449
        assertThat(PredictionIntervals.studentT(1.6448536, 4)).isCloseTo(2.1318, within(0.005));
        assertThat(PredictionIntervals.studentT(1.6448536, 9)).isCloseTo(1.8331, within(0.001));
        assertThat(PredictionIntervals.studentT(1.6448536, 28)).isCloseTo(1.7011, within(0.0005));
        IntervalConfig config = IntervalConfig.builder().horizon(2).minObservations(5).settledObservations(30).build();
        PredictionIntervals intervals = new PredictionIntervals(config);
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = {0f, 0f};
        float[] lower = new float[2];
        float[] upper = new float[2];
        Random random = new Random(7);
        // horizon 2 (period 2) is observed at events 2, 4, 6, ...: N at event t is t/2
        for (int t = 0; t <= 70; t++) {
            intervals.observe(state, 0, t, random.nextGaussian(), 1.0, 0f, forecast);
            long n2 = intervals.observations(t, 2);
            int ready = intervals.bounds(state, 0, t, forecast, 1.0, lower, upper);
            if (n2 < 5) {
                assertThat(lower[1]).as("event %d: %d observations", t, n2).isNaN();
                continue;
            }
            assertThat(ready).isEqualTo(2);
            // the unwidened width is (q_hi − q_lo)·w_2; the state has both
            int scales = PredictionIntervals.SLOTS + 1;
            double plain = (state[PredictionIntervals.Q_UPPER] - state[PredictionIntervals.Q_LOWER]) * state[scales + 1];
            double factor = n2 >= 30 ? 1.0 : PredictionIntervals.studentT(1.6448536, (int) n2 - 1) / 1.6448536;
            assertThat((double) (upper[1] - lower[1])).as("event %d, %d observations: widened by %s", t, n2, factor)
                    .isCloseTo(plain * factor, within(1e-4 * plain));
        }
    }

    @Test
    void boundsAreNaNUntilAHorizonHasEnoughObservations() {
        IntervalConfig config = IntervalConfig.builder().horizon(2).minObservations(10).build();
        PredictionIntervals intervals = new PredictionIntervals(config);
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = {0f, 0f};
        float[] lower = new float[2];
        float[] upper = new float[2];
        Random random = new Random(4);
        for (int t = 0; t < 11; t++) {
            intervals.observe(state, 0, t, random.nextGaussian(), 1.0, 0f, forecast);
        }
        // 11 events: horizon 1 has 10 observations, horizon 2 (period 2) has 5
        assertThat(intervals.bounds(state, 0, 10, forecast, 1.0, lower, upper)).isEqualTo(1);
        assertThat(lower[0]).isLessThan(0f);
        assertThat(upper[0]).isGreaterThan(0f);
        assertThat(lower[1]).isNaN();
        assertThat(upper[1]).isNaN();
    }

    @Test
    void horizonOneIsJudgedAgainstTheOneStepForecastThePreviousEventPassed() {
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(3).build());
        float[] state = new float[1 + intervals.stateSize()];
        intervals.init(state, 1);
        // tracked horizons 1, 2, 3: state = q_lo, q_hi, slots of horizons 2 and 3, scales of 1, 2, 3
        int slot2 = 1 + PredictionIntervals.SLOTS;
        int scale1 = 1 + PredictionIntervals.SLOTS + 2;
        assertThat(state[slot2]).isNaN();
        intervals.observe(state, 1, 0, 1.0, 1.0, 9f, new float[] {4f, 5f, 6f});
        assertThat(state[scale1]).as("nothing to judge at the first event").isZero();
        assertThat(state[slot2]).as("horizon 2 (period 2) keeps the forecast made at event 0").isEqualTo(5f);
        intervals.observe(state, 1, 1, 4.5, 1.0, 4f, null);
        assertThat(state[scale1]).as("|4.5 - 4| is the first horizon-1 error").isEqualTo(0.5f);
        assertThat(state[slot2]).as("not due for refresh at event 1").isEqualTo(5f);
        intervals.observe(state, 1, 2, 5.0, 1.0, Float.NaN, null);
        assertThat(state[scale1]).as("no one-step forecast: nothing observed").isEqualTo(0.5f);
        assertThat(state[slot2]).as("met its actual at event 2, refreshed with no forecast").isNaN();
        assertThat(state[0]).as("the region before the offset is untouched").isZero();
        assertThatThrownBy(() -> intervals.observe(state, 1, -1, 1.0, 1.0, 1f, null))
                .hasMessage("t is the event's position since the statistics started (>= 0), got -1");
    }

    @Test
    void stateLayoutSizeIsTwoPerTrackedHorizonPlusOne() {
        assertThat(PredictionIntervals.trackedHorizons(8)).containsExactly(1, 2, 4, 8);
        // K/2 is tracked in place of the power of two between K/2 and K: the count (and the state) is the same
        assertThat(PredictionIntervals.trackedHorizons(6)).containsExactly(1, 2, 3, 6);
        assertThat(PredictionIntervals.trackedHorizons(48)).containsExactly(1, 2, 4, 8, 16, 24, 48);
        assertThat(PredictionIntervals.trackedHorizons(32)).containsExactly(1, 2, 4, 8, 16, 32);
        assertThat(PredictionIntervals.trackedHorizons(7)).containsExactly(1, 2, 4, 7);
        assertThat(TrackedHorizons.powersOfTwo(48)).containsExactly(1, 2, 4, 8, 16, 32, 48);
        assertThat(PredictionIntervals.trackedHorizons(1)).containsExactly(1);
        assertThat(PredictionIntervals.stateSize(8)).isEqualTo(9);
        assertThat(PredictionIntervals.stateSize(6)).isEqualTo(9);
        assertThat(PredictionIntervals.stateSize(3)).isEqualTo(7);
        assertThat(PredictionIntervals.stateSize(1)).isEqualTo(3);
        assertThat(new PredictionIntervals(IntervalConfig.defaults()).stateSize()).isEqualTo(9);
        assertThat(StateLayouts.perHorizonIntervalsSize(8)).isEqualTo(19);
    }

    @Test
    void widthsOfUntrackedHorizonsAreInterpolatedBetweenTrackedNeighbours() {
        // persistence on a line of slope 1: the horizon-k error is exactly k, so every w_k = k and the
        // interpolation between tracked horizons is exact
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(K).build());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = new float[K];
        float[] lower = new float[K];
        float[] upper = new float[K];
        for (int t = 0; t < 400; t++) {
            java.util.Arrays.fill(forecast, t);
            intervals.observe(state, 0, t, t, 1.0, t - 1, forecast);  // t - 1: the one-step forecast made at t - 1
        }
        assertThat(intervals.bounds(state, 0, 399, forecast, 1.0, lower, upper)).isEqualTo(K);
        double q = PredictionIntervals.upperQuantile(state, 0);
        for (int j = 0; j < K; j++) {
            assertThat((upper[j] - forecast[j]) / q).as("w of horizon %d", j + 1).isCloseTo(j + 1.0, within(1e-3));
        }
    }

    @Test
    void theWidthAtHalfTheHorizonIsMeasuredNotInterpolatedAcrossAStepInTheErrors() {
        // errors of size 1 up to horizon 24 and 3 beyond (a forecast that looks back one day up to K/2 = 24 and two
        // days after): horizon 24 is tracked, so its width is that of an error of 1; interpolated between 16 and 32
        // it would be 2. Horizons between 24 and 48 are interpolated between 1 and 3.
        int k = 48;
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(k).build());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        float[] forecast = new float[k];
        float[] lower = new float[k];
        float[] upper = new float[k];
        int events = 3000;
        for (int t = 0; t < events; t++) {
            // the value is 0 at every event; the forecast made at t for t + j + 1 is off by 1 or 3, alternating sign
            float sign = (t / 7) % 2 == 0 ? 1f : -1f;
            for (int j = 0; j < k; j++) {
                forecast[j] = sign * (j + 1 <= 24 ? 1f : 3f);
            }
            intervals.observe(state, 0, t, 0.0, 1.0, sign, forecast);
        }
        assertThat(intervals.bounds(state, 0, events - 1, forecast, 1.0, lower, upper)).isEqualTo(k);
        double q = PredictionIntervals.upperQuantile(state, 0);
        assertThat((upper[23] - forecast[23]) / q).as("w of horizon 24").isCloseTo(1.0, within(1e-3));
        assertThat((upper[15] - forecast[15]) / q).as("w of horizon 16").isCloseTo(1.0, within(1e-3));
        assertThat((upper[47] - forecast[47]) / q).as("w of horizon 48").isCloseTo(3.0, within(1e-3));
        assertThat((upper[35] - forecast[35]) / q).as("w of horizon 36, halfway from 24 to 48")
                .isCloseTo(2.0, within(1e-3));
    }

    @Test
    void stateOfThePerHorizonLayoutMigratesWithoutLosingTrackedStatistics() {
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(K).build());
        float[] old = new float[StateLayouts.perHorizonIntervalsSize(K)];
        for (int i = 0; i < old.length; i++) {
            old[i] = 100 + i;
        }
        float[] state = new float[2 + intervals.stateSize()];
        StateLayouts.intervalsFromPerHorizon(intervals, old, 0, state, 2);
        // quantiles; slots of horizons 2, 4, 8 (old slots 1, 3, 7); scales of 1, 2, 4, 8 (old 8 + 0, 1, 3, 7)
        assertThat(java.util.Arrays.copyOfRange(state, 2, state.length)).containsExactly(
                101, 102, 104, 106, 110, 111, 112, 114, 118);
        assertThat(StateLayouts.perHorizonCounter(old, 0)).isEqualTo(100);
        assertThat(StateLayouts.perHorizonPendingOneStep(old, 0)).isEqualTo(103f);
        assertThatThrownBy(() -> StateLayouts.intervalsFromPerHorizon(intervals, new float[18], 0, state, 2))
                .hasMessageContaining("does not fit");
    }

    @Test
    void stateOfTheCountedLayoutMigratesByDroppingTheCounterAndTheHorizonOneSlot() {
        // the earlier layout: counter, q_lo, q_hi, slot of every tracked horizon, scales; built here by running the
        // current layout alongside and writing what the earlier one held
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.builder().horizon(K).build());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        Random random = new Random(7);
        float[] forecast = new float[K];
        float previous = Float.NaN;
        double value = 0;
        for (int t = 0; t < 37; t++) {
            value += random.nextGaussian();
            java.util.Arrays.fill(forecast, (float) value);
            intervals.observe(state, 0, t, value, 1.0, previous, forecast);
            previous = forecast[0];
        }
        float[] counted = new float[1 + StateLayouts.countedIntervalsSize(K)];
        counted[1] = 37;
        counted[2] = state[0];
        counted[3] = state[1];
        counted[4] = previous;
        System.arraycopy(state, 2, counted, 5, state.length - 2);
        float[] migrated = new float[intervals.stateSize()];
        StateLayouts.intervalsFromCounted(intervals, counted, 1, migrated, 0);
        assertThat(migrated).containsExactly(state);
        assertThat(StateLayouts.countedCounter(counted, 1)).isEqualTo(37);
        assertThat(StateLayouts.countedIntervalsSize(K)).isEqualTo(11);
        assertThatThrownBy(() -> StateLayouts.intervalsFromCounted(intervals, new float[11], 1, migrated, 0))
                .hasMessageContaining("does not fit");
    }

    @Test
    void configValidationMessagesArePinned() {
        assertThatThrownBy(() -> IntervalConfig.builder().horizon(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("horizon must be in [1, 1024], got 0");
        assertThatThrownBy(() -> IntervalConfig.builder().coverage(1.0).build())
                .hasMessage("coverage must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> IntervalConfig.builder().scaleHalfLife(-3).build())
                .hasMessage("scaleHalfLife must be a finite number > 0, got -3.0");
        assertThatThrownBy(() -> IntervalConfig.builder().quantileStep(0).build())
                .hasMessage("quantileStep must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> IntervalConfig.builder().minObservations(0).build())
                .hasMessage("minObservations must be >= 1, got 0");
        assertThatThrownBy(() -> IntervalConfig.builder().minObservations(10).settledObservations(9).build())
                .hasMessage("settledObservations must be >= minObservations (10), got 9");
        PredictionIntervals intervals = new PredictionIntervals(IntervalConfig.defaults());
        float[] state = new float[intervals.stateSize()];
        intervals.init(state, 0);
        assertThatThrownBy(() -> intervals.observe(state, 0, 0, 1.0, 1.0, Float.NaN, new float[3]))
                .hasMessage("forecast has 3 values, expected at least 8");
    }
}
