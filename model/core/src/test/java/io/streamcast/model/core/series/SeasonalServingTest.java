package io.streamcast.model.core.series;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.anomaly.PredictionIntervals;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The served forecast of a key with a season ({@link HorizonCombination} inside {@link SeriesStep}): exact where a
 * baseline is exact, never clearly worse than the best baseline at any horizon, and within the state budget. The
 * expected numbers are computed here from the series itself (the baselines' own forecasts), not by the class.
 */
class SeasonalServingTest {

    static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final int P = 24;

    static ServingModel model(int horizon, int hidden, long seed) {
        ForecastModel m = TestModels.random(seed, FeatureSpec.VALUE_AND_CALENDAR, horizon, new CellType[] {CellType.LSTM},
                new int[] {hidden});
        return new ServingModel(ModelArtifact.of(m, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH), "m" + seed),
                "sha");
    }

    static SeriesStep step() {
        return new SeriesStep(AnomalyConfig.defaults(), true);
    }

    /** A daily pattern that repeats exactly, far from constant: seasonal naive is exact, persistence is not. */
    static double seasonalValue(int t) {
        int hour = t % P;
        return 100 + 40 * Math.sin(2 * Math.PI * hour / P) + (hour == 7 ? 25 : 0) + 3 * (hour % 5);
    }

    @Test
    void hourlyEventsGiveADailySeasonAndOtherSpacingsNone() {
        assertThat(HorizonCombination.detectPeriod(HOUR)).isEqualTo(24);
        assertThat(HorizonCombination.detectPeriod(30 * 60_000L)).isEqualTo(48);
        assertThat(HorizonCombination.detectPeriod(15 * 60_000L)).isEqualTo(96);
        assertThat(HorizonCombination.detectPeriod(24 * HOUR)).as("daily data: a weekly season").isEqualTo(7);
        assertThat(HorizonCombination.detectPeriod(5 * 60_000L)).as("288 per day is over the state budget").isZero();
        assertThat(HorizonCombination.detectPeriod(14 * 60_000L)).as("does not divide a day").isZero();
        assertThat(HorizonCombination.detectPeriod(0)).isZero();
    }

    @Test
    void whereSeasonalNaiveIsExactEveryHorizonIsServedExactlyOnceTheKeyHasTwoSeasons() throws Exception {
        for (int horizon : new int[] {8, 48}) {
            ServingModel m = model(horizon, 8, 3);
            SeriesStep step = step();
            SeriesState s = step.newState(m);
            for (int t = 0; t < 6 * P; t++) {
                step.step(s, m, T0 + t * HOUR, seasonalValue(t), SeriesStep.Lineage.NONE);
                assertThat(SeriesStep.periodOf(s, m)).as("season decided at the second event").isEqualTo(t == 0 ? 0 : P);
                // the key's first value is not in its ring (the season is decided at the second): two seasons in it
                if (t >= 2 * P + 1) {
                    float[] f = step.forecast();
                    for (int k = 1; k <= horizon; k++) {
                        assertThat(f[k - 1]).as("K=%d, event %d, horizon %d", horizon, t, k)
                                .isEqualTo((float) seasonalValue(t + k));
                    }
                }
            }
        }
    }

    /**
     * A weekly rhythm: each weekday its own daily profile, so seasonal naive (a day back) is wrong every day. In
     * eighths, as counts and prices are on a grid: the ring's older days (codes of a step of 1/64 for this spread) hold
     * them exactly.
     */
    private static double weeklyValue(int t) {
        int hour = t % P;
        int day = (t / P) % 7;
        return Math.rint(8 * (200 + 30 * day + (day >= 5 ? -80 : 20) * Math.sin(2 * Math.PI * hour / P))) / 8;
    }

    @Test
    void whereWeeklyNaiveIsExactEveryHorizonIsServedExactlyOnceTheKeyHasThreeWeeks() throws Exception {
        int horizon = 48;
        ServingModel m = model(horizon, 8, 12);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        int exactFrom = -1;
        for (int t = 0; t < 5 * 7 * P; t++) {
            step.step(s, m, T0 + t * HOUR, weeklyValue(t), SeriesStep.Lineage.NONE);
            float[] f = step.forecast();
            boolean exact = true;
            for (int k = 1; k <= horizon; k++) {
                exact &= f[k - 1] == (float) weeklyValue(t + k);
            }
            if (exact && exactFrom < 0) {
                exactFrom = t;
            }
            if (t >= 3 * 7 * P) {
                for (int k = 1; k <= horizon; k++) {
                    assertThat(f[k - 1]).as("event %d, horizon %d", t, k).isEqualTo((float) weeklyValue(t + k));
                }
            }
        }
        assertThat(HorizonCombination.ringLength(s.stats)).as("a week's ring").isEqualTo(7 * P);
        // the first week fills the ring; the longest horizon is judged about 2·48 events later
        assertThat(exactFrom).as("exact from the key's third week at the latest").isBetween(7 * P, 3 * 7 * P);
    }

    /** Where the week's ring of {@code s} starts: after the block's errors, pending forecasts and count. */
    private static int ringAt(SeriesState s) {
        int n = (s.stats.length - s.weekAt - HorizonCombination.ringLength(s.stats) - 1) / 8;
        return s.weekAt + 8 * n - 3;
    }

    /** The value {@code lag} events before the newest in the week's ring of {@code s} (0: the newest). */
    private static float ringValue(SeriesState s, int lag) {
        int r = HorizonCombination.ringLength(s.stats);
        long c = (long) s.stats[ringAt(s) - 1];
        return s.stats[ringAt(s) + (int) Math.floorMod(c - 1 - lag, (long) r)];
    }

    /** The step of the older days' codes of the week's ring of {@code s}: 2^e. */
    private static double codeStep(SeriesState s) {
        return Math.scalb(1.0, (int) s.stats[s.stats.length - HorizonCombination.WEEK_RING_TAIL + 1]);
    }

    @Test
    void theWeeksOlderDaysAreWithinHalfACodeStepOfTheValuesAndAPassingSpikeCostsTheirResolutionForAWeekOnly()
            throws Exception {
        ServingModel m = model(48, 8, 21);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(5);
        double[] y = new double[5 * 7 * P];
        int spikeAt = 3 * 7 * P;
        for (int t = 0; t < y.length; t++) {
            y[t] = t == spikeAt ? 1e6 : 1000 + 200 * Math.sin(2 * Math.PI * t / P) + 37 * rnd.nextGaussian();
        }
        int r = 7 * P;
        double[] steps = new double[y.length];
        for (int t = 0; t < y.length; t++) {
            step.step(s, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
            steps[t] = s.weekAt > 0 && t >= P ? codeStep(s) : 0;
            if (t < r || t % 5 != 0) {
                continue;
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int lag = P; lag < r; lag++) {
                lo = Math.min(lo, y[t - lag]);
                hi = Math.max(hi, y[t - lag]);
            }
            double step2e = codeStep(s);
            for (int lag = 0; lag < r; lag++) {
                float held = ringValue(s, lag);
                if (lag < P) {
                    assertThat(held).as("event %d: the newest season is kept as floats", t).isEqualTo((float) y[t - lag]);
                } else {
                    // half the step it was rounded to, or less than a step for a value rounded again to a step
                    // grown since (the half steps it was rounded to add up to less than the largest)
                    double largest = 0;
                    for (int u = t - lag + P; u <= t; u++) {
                        largest = Math.max(largest, steps[u]);
                    }
                    assertThat((double) held).as("event %d, lag %d: within a step (plus float rounding)", t, lag)
                            .isCloseTo(y[t - lag], within(largest + Math.ulp((float) y[t - lag])));
                    assertThat(HorizonCombination.valueOfCode(s.stats, HorizonCombination.codeOf(s.stats, held)))
                            .as("a code gives back the value the step holds").isEqualTo(held);
                }
            }
            // weekly naive's pending forecasts (copies of older days' values) are codes of the same grid
            int n = PredictionIntervals.trackedHorizons(48).length;
            for (int i = 1; i < n; i++) {
                float pending = s.stats[s.weekAt + 4 * n + 4 * (i - 1) + HorizonCombination.WEEKLY];
                assertThat(HorizonCombination.isCode(s.stats, s.weekAt, s.weekAt + 4 * n + 4 * (i - 1) + 3)).isTrue();
                if (!Float.isNaN(pending)) {
                    assertThat(HorizonCombination.valueOfCode(s.stats, HorizonCombination.codeOf(s.stats, pending)))
                            .as("event %d: weekly naive's pending forecast of tracked horizon %d", t, i).isEqualTo(pending);
                }
            }
            // the step fits the spread of the days it codes: at most one re-fit a season behind it
            double spread = hi - lo;
            assertThat(step2e).as("event %d: step %s for a spread of %s", t, step2e, spread)
                    .isLessThanOrEqualTo(spread / 4096);
            if (t > spikeAt + r + P) {
                assertThat(step2e).as("the spike has left the week: the resolution is back").isLessThan(1.0 / 8);
            }
        }
    }

    @Test
    void aKeyOfLayout8KeepsItsWeekAndItsErrorsAndRoundsItsOlderDaysToTheCodes() throws Exception {
        ServingModel m = model(48, 8, 22);
        SeriesStep step = step();
        SeriesState now = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(9);
        double[] y = new double[4 * 7 * P];
        for (int t = 0; t < y.length; t++) {
            y[t] = 500 + 80 * Math.sin(2 * Math.PI * t / P) + 9 * rnd.nextGaussian();
        }
        int split = 2 * 7 * P + 5;
        for (int t = 0; t < split; t++) {
            step.step(now, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
        }
        // layout 8 held the same block without the codes' origin and exponent, every ring value a float
        SeriesState v8 = now.copy();
        int ringAt = ringAt(now);
        int r = 7 * P;
        float[] block8 = new float[now.stats.length - 2];
        System.arraycopy(now.stats, 0, block8, 0, ringAt + r);
        block8[block8.length - 2] = r;
        block8[block8.length - 1] = P;
        for (int lag = 0; lag < r; lag++) {
            long c = (long) now.stats[ringAt - 1];
            block8[ringAt + (int) Math.floorMod(c - 1 - lag, (long) r)] = (float) y[split - 1 - lag];
        }
        v8.stats = block8;
        v8.weekAt = 0;
        v8.layout = SeriesState.LAYOUT_8;
        assertThat(m.combination.periodOf(v8.stats, m.blockAt)).as("not a block of this layout").isZero();
        assertThat(m.combination.periodOfLayout8(v8.stats, m.blockAt)).isEqualTo(P);
        for (int t = split; t < y.length; t++) {
            step.step(now, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
            float[] expected = step.forecast().clone();
            step.step(v8, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
            if (t == split) {
                assertThat(v8.layout).isEqualTo(SeriesState.LAYOUT);
                assertThat(v8.stats.length).isEqualTo(now.stats.length);
                assertThat(v8.weekAt).isEqualTo(now.weekAt);
                // the errors and pending forecasts carried over unchanged (the event's own updates are the same)
                assertThat(java.util.Arrays.copyOf(v8.stats, ringAt - 1)).isEqualTo(java.util.Arrays.copyOf(now.stats, ringAt - 1));
            }
            float[] f = step.forecast();
            for (int k = 0; k < 48; k++) {
                assertThat(f[k]).as("event %d, horizon %d", t, k + 1).isCloseTo(expected[k], within(0.05f));
            }
        }
        // once the week has passed, the two keys hold the same codes: one state
        assertThat(v8.stats).isEqualTo(now.stats);
    }

    @Test
    void wherePersistenceIsExactEveryHorizonIsServedExactly() throws Exception {
        ServingModel m = model(48, 8, 4);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        // hourly, so the key has a season: persistence (and, once the ring is full, seasonal naive) exact throughout
        for (int t = 0; t < 4 * P; t++) {
            step.step(s, m, T0 + t * HOUR, 42.5, SeriesStep.Lineage.NONE);
            if (t >= P) {
                assertThat(step.forecast()).as("event %d", t).containsOnly(42.5f);
            }
        }
        // a key without a season (5-minute events) served by the one-weight blend: persistence exact, served exactly
        ServingModel m8 = model(8, 8, 5);
        SeriesState q = step.newState(m8);
        for (int t = 0; t < 200; t++) {
            step.step(q, m8, T0 + t * 300_000L, 7.25, SeriesStep.Lineage.NONE);
            if (t >= 2) {
                assertThat(step.forecast()).as("event %d", t).containsOnly(7.25f);
            }
        }
        assertThat(SeriesStep.periodOf(q, m8)).isZero();
    }

    @Test
    void withNoiseTheServedForecastIsAtLeastAsGoodAsTheBestBaselineAtEveryHorizon() throws Exception {
        int horizon = 48;
        ServingModel m = model(horizon, 16, 6); // an untrained model: far worse than either baseline
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 40 * P;
        double[] y = new double[n + horizon];
        double level = 500;
        for (int t = 0; t < y.length; t++) {
            level += 2 * (rnd.nextDouble() - 0.5); // a slowly wandering level
            y[t] = level + 60 * Math.sin(2 * Math.PI * (t % P) / P) + 8 * (rnd.nextDouble() - 0.5);
        }
        double[] served = new double[horizon];
        double[] persistence = new double[horizon];
        double[] seasonal = new double[horizon];
        double[] weekly = new double[horizon];
        for (int t = 0; t < n; t++) {
            step.step(s, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
            if (t < 10 * P) {
                continue; // scored after the error averages have a few half-lives
            }
            float[] f = step.forecast();
            for (int k = 1; k <= horizon; k++) {
                double truth = y[t + k];
                served[k - 1] += sq(truth - f[k - 1]);
                persistence[k - 1] += sq(truth - y[t]);
                seasonal[k - 1] += sq(truth - y[t + k - P * ((k + P - 1) / P)]);
                weekly[k - 1] += sq(truth - y[t + k - 7 * P]); // weekly naive: a week of values is in the key's ring
            }
        }
        for (int k = 1; k <= horizon; k++) {
            double best = Math.min(persistence[k - 1], Math.min(seasonal[k - 1], weekly[k - 1]));
            assertThat(served[k - 1]).as("horizon %d: served %s, persistence %s, seasonal naive %s, weekly naive %s", k,
                    served[k - 1], persistence[k - 1], seasonal[k - 1], weekly[k - 1]).isLessThanOrEqualTo(1.05 * best);
        }
    }

    @Test
    void aKeyConvertedFromLayout7DoesNotTakeUpTheWeeklyCandidateOnALuckyFirstError() throws Exception {
        // a daily series with no weekly rhythm, converted from layout 7 (a ring of one day) after 10 days; its ring
        // grows to a week at the next event, and the first weekly forecast judged at horizon 1 happens to be exact.
        // One lucky error must not make weekly lead seasonal naive for weeks: weekly starts from seasonal naive's
        // error average and has to earn the lead.
        ServingModel m = model(48, 16, 6);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(21);
        int converted = 10 * P;
        int n = converted + 6 * P + 3 * 7 * P;
        double[] y = new double[n + 1];
        double level = 500;
        for (int t = 0; t < y.length; t++) {
            level += 2 * (rnd.nextDouble() - 0.5);
            y[t] = level + 60 * Math.sin(2 * Math.PI * (t % P) / P) + 8 * (rnd.nextDouble() - 0.5);
        }
        int lucky = converted + 6 * P; // the first position whose week-ago value is in the grown ring
        y[lucky] = y[lucky - 7 * P];
        double served = 0;
        double seasonal = 0;
        for (int t = 0; t < n; t++) {
            if (t == converted) {
                s.stats = beforeWeekly(s.stats, m);
                s.layout = SeriesState.LAYOUT_7;
            }
            if (t > lucky) { // the one-step forecast made at t − 1 for t
                served += sq(y[t] - step.forecast()[0]);
                seasonal += sq(y[t] - y[t - P]);
            }
            step.step(s, m, T0 + t * HOUR, y[t], SeriesStep.Lineage.NONE);
            if (t == converted) {
                assertThat(HorizonCombination.ringLength(s.stats)).as("grown at the first event after").isEqualTo(7 * P);
            }
        }
        assertThat(served).as("one-step error over the three weeks after the lucky one, against seasonal naive's")
                .isLessThanOrEqualTo(1.05 * seasonal);
    }

    @Test
    void aKeyWithADailySeasonFitsTheBudgetAndOneWithoutAddsTheProfileCandidateOnly() throws Exception {
        ServingModel m = model(48, 32, 7);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        for (int t = 0; t < 3; t++) {
            step.step(s, m, T0 + t * HOUR, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        int n = PredictionIntervals.trackedHorizons(48).length; // 1, 2, 4, 8, 16, 32, 48
        int base = AnomalyScorer.STATE_SIZE + PredictionIntervals.stateSize(48) + 4;
        // hourly: a week's ring (7P values) for the weekly candidate with its codes' origin and exponent, four
        // candidates' errors and pending forecasts
        assertThat(s.stats).hasSize(base + 7 * P + 8 * n + 1);
        assertThat(s.weekAt).as("where the block starts, for the serializer").isEqualTo(base);
        // the record: 35 bytes of fields and lengths (at most), 2 per recurrent number, daily-profile code, older
        // day's value of the ring and weekly pending forecast, 4 per other float; Flink adds about 24 per key
        int record = 35 + 2 * s.recurrent.length + 4 * s.stats.length - 2 * AnomalyScorer.PROFILE_SLOTS - 2 * 6 * P
                - 2 * (n - 1);
        assertThat(record + 24).as("bytes per key in a checkpoint, H=32 (LSTM), K=48, P=24, a week's ring")
                .isLessThanOrEqualTo(1024);
        // without the week (a daily season too long for it, here quarter-hours: P=96): within the 1 KB budget
        ServingModel q96 = model(48, 32, 9);
        SeriesState d = step.newState(q96);
        for (int t = 0; t < 3; t++) {
            step.step(d, q96, T0 + t * 900_000L, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        assertThat(d.stats).hasSize(base + 96 + 8 * n - 1);
        int daily = 33 + 2 * d.recurrent.length + 4 * d.stats.length - 2 * AnomalyScorer.PROFILE_SLOTS;
        assertThat(daily + 24).as("bytes per key, H=32, K=48, a ring of one season of 96").isLessThanOrEqualTo(1024);

        ServingModel m8 = model(8, 32, 8);
        SeriesState q = step.newState(m8);
        for (int t = 0; t < 3; t++) {
            step.step(q, m8, T0 + t * 300_000L, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        assertThat(q.stats).as("no season: the statistics of layout 4 and the daily-profile candidate's two floats")
                .hasSize(AnomalyScorer.STATE_SIZE + PredictionIntervals.stateSize(8) + 4 + 2);
        // (its bytes in a checkpoint, within the 400-byte budget, are measured through the serializer:
        // StateCompatibilityTest in the job module)
    }

    @Test
    void aModelTakenUpAfreshKeepsTheSeasonsValuesAndRelearnsTheWeights() throws Exception {
        ServingModel a = model(48, 8, 10);
        ServingModel b = model(48, 8, 11);
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), false);
        SeriesState s = step.newState(a);
        for (int t = 0; t < 3 * P; t++) {
            step.step(s, a, T0 + t * HOUR, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        step.adopt(s, b, tag -> 0, false);
        assertThat(SeriesStep.periodOf(s, b)).isEqualTo(P);
        for (int t = 3 * P; t < 6 * P; t++) {
            step.step(s, b, T0 + t * HOUR, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        float[] f = step.forecast();
        for (int k = 1; k <= 48; k++) {
            assertThat(f[k - 1]).as("horizon %d", k).isEqualTo((float) seasonalValue(6 * P - 1 + k));
        }
    }

    /** A five-minute step pattern by half hour of the day: the same value through each half hour, every day. */
    static double halfHourlySteps(int t) {
        int slot = (t / 6) % 48;
        return 50 + 10 * ((slot * 7) % 5);
    }

    /**
     * A five-minute key (no season block) whose values repeat by half hour of the day: once its daily profile has
     * seen a day and the profile candidate leads persistence and the model, every horizon is served the value the
     * pattern gives, including across the half hours where persistence is wrong; a random walk keeps the candidate
     * out.
     */
    @Test
    void aFiveMinuteKeyWithADailyShapeIsServedItsProfileAndARandomWalkIsNot() throws Exception {
        ServingModel m = model(8, 8, 21);
        SeriesStep step = step();
        SeriesState s = step.newState(m);
        int days = 10;
        int n = days * 288;
        double worstAtAChange = 0;
        for (int t = 0; t < n; t++) {
            step.step(s, m, T0 + t * 300_000L, halfHourlySteps(t), SeriesStep.Lineage.NONE);
            if (t == 281) { // the last half hour of the first day (slot 47) starts at event 282
                assertThat(s.stats[m.blockAt + 1]).as("no candidate before the profile has seen every half hour")
                        .isNaN();
            }
        }
        assertThat(SeriesStep.periodOf(s, m)).as("five-minute data: no season block").isZero();
        assertThat(m.profile.weight(s.stats, m.blockAt)).isGreaterThan(0.999);
        for (int t = n; t < n + 288; t++) {
            step.step(s, m, T0 + t * 300_000L, halfHourlySteps(t), SeriesStep.Lineage.NONE);
            float[] f = step.forecast();
            for (int k = 1; k <= 8; k++) {
                double truth = halfHourlySteps(t + k);
                assertThat((double) f[k - 1]).as("t %d, horizon %d", t, k).isCloseTo(truth, within(1e-3));
                if (halfHourlySteps(t) != truth) {
                    worstAtAChange = Math.max(worstAtAChange, Math.abs(truth - halfHourlySteps(t)));
                }
            }
        }
        assertThat(worstAtAChange).as("persistence's error where the half hour changes").isGreaterThanOrEqualTo(10.0);

        java.util.SplittableRandom rnd = new java.util.SplittableRandom(22);
        SeriesState walk = step.newState(m);
        double v = 100;
        int open = 0;
        for (int t = 0; t < n; t++) {
            v += rnd.nextGaussian();
            step.step(walk, m, T0 + t * 300_000L, v, SeriesStep.Lineage.NONE);
            if (t >= n / 2 && m.profile.weight(walk.stats, m.blockAt) > 0) {
                open++;
            }
        }
        assertThat(open).as("events of the second half where a random walk's profile took weight").isZero();
    }

    @Test
    void aHourlyKeyRestoredFromLayoutFourStartsItsSeasonAtItsNextEventAndALayoutFourKeyWithoutOneIsUnchanged()
            throws Exception {
        ServingModel m = model(8, 8, 12);
        SeriesStep step = step();
        // what layout 4 held for a key: the statistics without a block
        SeriesState s = step.newState(m);
        SeriesState fiveMinutes = step.newState(m);
        for (int t = 0; t < 30; t++) {
            step.step(s, m, T0 + t * HOUR, seasonalValue(t), SeriesStep.Lineage.NONE);
            step.step(fiveMinutes, m, T0 + t * 300_000L, seasonalValue(t), SeriesStep.Lineage.NONE);
        }
        int base = AnomalyScorer.STATE_SIZE + PredictionIntervals.stateSize(8) + 4;
        SeriesState v4 = s.copy();
        v4.stats = layout4(java.util.Arrays.copyOf(s.stats, base));
        v4.layout = SeriesState.LAYOUT_4;
        step.step(v4, m, T0 + 30 * HOUR, seasonalValue(30), SeriesStep.Lineage.NONE);
        assertThat(v4.layout).isEqualTo(SeriesState.LAYOUT);
        assertThat(SeriesStep.periodOf(v4, m)).as("decided from the gap to its last event").isEqualTo(P);
        assertThat(v4.modelSince).as("the model's statistics carried over").isZero();

        // the same key in this layout, as the conversion leaves it: a fresh daily profile, no open episode
        AnomalyScorer.initProfile(fiveMinutes.stats, 0);
        fiveMinutes.stats[AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 0f;
        freshCandidate(fiveMinutes, m);
        SeriesState unconverted = fiveMinutes.copy();
        unconverted.stats = layout4(layout9(fiveMinutes.stats, m));
        double unit = new io.streamcast.model.core.feature.OnlineScaler(m.scalerPolicy, fiveMinutes.scalerCount,
                fiveMinutes.scalerMean, fiveMinutes.scalerM2).std();
        unconverted.stats[0] = (float) (unconverted.stats[0] / unit); // residual statistics in units of the scale
        unconverted.stats[1] = (float) (unconverted.stats[1] / unit);
        unconverted.layout = SeriesState.LAYOUT_4;
        step.step(unconverted, m, T0 + 30 * 300_000L, seasonalValue(30), SeriesStep.Lineage.NONE);
        float[] converted = step.forecast().clone();
        step.step(fiveMinutes, m, T0 + 30 * 300_000L, seasonalValue(30), SeriesStep.Lineage.NONE);
        assertThat(converted).as("no season: layout 4's statistics are layout 6's without the daily profile")
                .containsExactly(step.forecast());
        assertThat(unconverted.stats[1]).isCloseTo(fiveMinutes.stats[1], within(1e-4f * fiveMinutes.stats[1]));
        unconverted.stats[0] = fiveMinutes.stats[0];
        unconverted.stats[1] = fiveMinutes.stats[1];
        assertThat(unconverted).isEqualTo(fiveMinutes);
    }

    private static double sq(double x) {
        return x * x;
    }

    @Test
    void keysOfLayoutFiveWithAndWithoutASeasonContinueWithTheirResidualScaleInValueUnitsAndAFreshProfile()
            throws Exception {
        ServingModel m = model(8, 8, 13);
        SeriesStep step = step();
        for (long spacing : new long[] {HOUR, 300_000L}) {
            SeriesState now = step.newState(m);
            for (int t = 0; t < 400; t++) {
                step.step(now, m, T0 + t * spacing, 1000 * seasonalValue(t), SeriesStep.Lineage.NONE);
            }
            // what layout 5 held for this key: the scorer's eight floats, its residual statistics in units of the
            // key's value scale, then the same statistics (with the combination's block for the hourly key)
            double unit = new io.streamcast.model.core.feature.OnlineScaler(m.scalerPolicy, now.scalerCount,
                    now.scalerMean, now.scalerM2).std();
            AnomalyScorer.initProfile(now.stats, 0);
            now.stats[AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 0f;
            freshCandidate(now, m);
            SeriesState v5 = now.copy();
            v5.stats = layout4(layout9(beforeWeekly(now.stats, m), m));
            v5.stats[0] = (float) (v5.stats[0] / unit);
            v5.stats[1] = (float) (v5.stats[1] / unit);
            v5.layout = SeriesState.LAYOUT_5;
            assertThat(now.stats[1]).as("a residual scale was learnt").isGreaterThan(0f);

            long ts = T0 + 400 * spacing;
            step.step(now, m, ts, 1000 * seasonalValue(400), SeriesStep.Lineage.NONE);
            float[] expected = step.forecast().clone();
            double expectedResidual = step.anomaly().residualSurprise();
            step.step(v5, m, ts, 1000 * seasonalValue(400), SeriesStep.Lineage.NONE);
            assertThat(v5.layout).isEqualTo(SeriesState.LAYOUT);
            assertThat(SeriesStep.periodOf(v5, m)).isEqualTo(SeriesStep.periodOf(now, m));
            assertThat(step.forecast()).as("spacing %d", spacing).containsExactly(expected);
            assertThat(step.anomaly().residualSurprise()).isCloseTo(expectedResidual, within(1e-3));
            assertThat(v5.stats[1]).isCloseTo(now.stats[1], within(1e-4f * now.stats[1]));
            v5.stats[0] = now.stats[0];
            v5.stats[1] = now.stats[1];
            if (spacing == HOUR) {
                // the block kept what layout 5 had (three candidates, the season's values) and grew a week's ring at
                // this event; the weekly candidate starts afresh: compare everything else
                assertThat(HorizonCombination.ringLength(v5.stats)).isEqualTo(7 * P);
                assertThat(beforeWeekly(v5.stats, m)).isEqualTo(beforeWeekly(now.stats, m));
                v5.stats = now.stats;
            }
            assertThat(v5).as("spacing %d: everything else as the key in this layout", spacing).isEqualTo(now);
        }
    }

    @Test
    void aLongRunningKeyConvertedFromLayoutFiveLearnsItsDailyProfileWithoutFalseAlarms() throws Exception {
        // a key with thousands of events when the release changes: its fresh profile detector must learn as a new
        // key's does, not with the slow rates of the key's long history (which judged its first profile deviations
        // against a scale still near 0, and flagged them)
        ServingModel m = model(8, 8, 15);
        SeriesStep step = step();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(16);
        double[] v = new double[6000];
        for (int t = 0; t < v.length; t++) {
            v[t] = 50 + 20 * Math.sin(2 * Math.PI * t / 288.0) + rnd.nextDouble() - 0.5;
        }
        SeriesState s = step.newState(m);
        for (int t = 0; t < 3000; t++) {
            step.step(s, m, T0 + t * 300_000L, v[t], SeriesStep.Lineage.NONE);
        }
        SeriesState v5 = s.copy();
        v5.stats = layout4(layout9(s.stats, m));
        v5.layout = SeriesState.LAYOUT_5;
        List<Integer> flagged = new java.util.ArrayList<>();
        for (int t = 3000; t < v.length; t++) {
            step.step(v5, m, T0 + t * 300_000L, v[t], SeriesStep.Lineage.NONE);
            if (step.anomaly().isAnomaly()) {
                flagged.add(t);
            }
        }
        assertThat(v5.layout).isEqualTo(SeriesState.LAYOUT);
        assertThat(flagged).as("flags on the same clean daily pattern after the conversion").isEmpty();
    }

    /**
     * A key's statistics with its combination block as layouts up to 7 held it: three candidates (no weekly) and a
     * ring of the last P values (unchanged if the key has no block).
     */
    private static float[] beforeWeekly(float[] stats, ServingModel m) {
        int p = m.combination.periodOf(stats, m.blockAt);
        if (p == 0) {
            return stats;
        }
        int n = PredictionIntervals.trackedHorizons(m.horizon).length;
        int r = HorizonCombination.ringLength(stats);
        int at = m.blockAt;
        float[] old = java.util.Arrays.copyOf(stats, at + p + 6 * n - 1);
        for (int i = 0; i < n; i++) {
            System.arraycopy(stats, at + 4 * i, old, at + 3 * i, 3);
            if (i > 0) {
                System.arraycopy(stats, at + 4 * n + 4 * (i - 1), old, at + 3 * n + 3 * (i - 1), 3);
            }
        }
        long c = (long) stats[at + 8 * n - 4];
        old[at + 6 * n - 3] = c;
        for (long x = Math.max(0, c - p); x < c; x++) {
            old[at + 6 * n - 2 + (int) (x % p)] = stats[at + 8 * n - 3 + (int) (x % r)];
        }
        for (long x = c; x < p; x++) { // a ring not yet full
            old[at + 6 * n - 2 + (int) x] = Float.NaN;
        }
        old[old.length - 1] = p;
        return old;
    }

    /** Layout 4's (and 5's) statistics of a key: this layout's without the scorer's daily profile. */
    /**
     * A key's statistics as layout 9 held them: without the daily-profile candidate's floats of a key without a season
     * (unchanged if the key has a block).
     */
    private static float[] layout9(float[] stats, ServingModel m) {
        return stats.length == m.statsSize ? java.util.Arrays.copyOf(stats, m.blockAt) : stats;
    }

    /** The key's daily-profile candidate started afresh, as a conversion from layout 9 or earlier starts it. */
    private static void freshCandidate(SeriesState s, ServingModel m) {
        if (s.stats.length == m.statsSize) {
            m.profile.init(s.stats, m.blockAt);
        }
    }

    private static float[] layout4(float[] stats) {
        float[] v4 = new float[stats.length - (AnomalyScorer.STATE_SIZE - AnomalyScorer.LAYOUT_5_STATE_SIZE)];
        System.arraycopy(stats, 0, v4, 0, AnomalyScorer.LAYOUT_5_STATE_SIZE);
        System.arraycopy(stats, AnomalyScorer.STATE_SIZE, v4, AnomalyScorer.LAYOUT_5_STATE_SIZE,
                stats.length - AnomalyScorer.STATE_SIZE);
        return v4;
    }
}
