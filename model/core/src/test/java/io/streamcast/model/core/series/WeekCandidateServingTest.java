package io.streamcast.model.core.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.WeekModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.ScalerPolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The week model as the combination's second candidate: where it knows the series and every baseline is wrong, it is
 * served; a key whose ring is not its window is served persistence as before. Expected values come from the series.
 */
class WeekCandidateServingTest {

    static final long T0 = SeasonalServingTest.T0;
    static final long HOUR = SeasonalServingTest.HOUR;
    static final int P = 24;

    /** Exponential growth: ln(1 + y) rises by B an hour, so no naive forecast is right at any horizon. */
    static final double B = 0.002;

    static double growth(int t) {
        return Math.expm1(Math.log(100) + B * t);
    }

    /** A week model that extrapolates the logarithm's last step: g(f_k) = (k + 1)·g(y_t) − k·g(y_{t−1}). */
    static WeekModel trendModel(int horizon) {
        int l = 7 * P;
        float[] wl = new float[l * horizon];
        for (int j = 0; j < horizon; j++) {
            int k = j + 1;
            wl[(l - 1) * horizon + j] = k + 1;
            wl[(l - 2) * horizon + j] = -k;
        }
        return new WeekModel(P, 4, horizon, wl, new float[horizon], new float[l * 4], new float[4], new float[4 * horizon]);
    }

    static ServingModel model(int horizon, WeekModel week) {
        ForecastModel m = TestModels.random(21, FeatureSpec.VALUE_AND_CALENDAR, horizon, new CellType[] {CellType.LSTM},
                new int[] {8});
        return new ServingModel(ModelArtifact.of(m, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH), "w")
                .withWeekModel(week), "sha");
    }

    @Test
    void whereTheWeekModelIsExactAndTheBaselinesAreNotEveryHorizonIsServedIt() throws Exception {
        int horizon = 48;
        ServingModel m = model(horizon, trendModel(horizon));
        SeriesStep step = SeasonalServingTest.step();
        SeriesState s = step.newState(m);
        double worstBaseline = Double.POSITIVE_INFINITY;
        for (int t = 0; t < 4 * 7 * P; t++) {
            step.step(s, m, T0 + t * HOUR, growth(t), SeriesStep.Lineage.NONE);
            if (t >= 3 * 7 * P) {
                float[] f = step.forecast();
                for (int k = 1; k <= horizon; k++) {
                    double truth = growth(t + k);
                    assertThat((double) f[k - 1]).as("event %d, horizon %d", t, k).isCloseTo(truth, within(1e-3 * truth));
                    double persistence = Math.abs(growth(t) - truth);
                    double seasonal = Math.abs(growth(t + k - P * ((k + P - 1) / P)) - truth);
                    worstBaseline = Math.min(worstBaseline, Math.min(persistence, seasonal) / truth);
                }
            }
        }
        assertThat(HorizonCombination.ringLength(s.stats)).isEqualTo(7 * P);
        assertThat(worstBaseline).as("no baseline is within 0.1% at any horizon").isGreaterThan(1e-3);
    }

    /**
     * Slot 1 holds the week model's errors under a model with one and persistence's under a model without: a swap
     * between the two starts the key's combination afresh (the architecture differs), a swap between week models of
     * one shape keeps it, as a swap between networks of one shape does.
     */
    @Test
    void aSwapToOrFromAWeekModelStartsTheCombinationsErrorsAfresh() throws Exception {
        int horizon = 48;
        ServingModel with = model(horizon, trendModel(horizon));
        ServingModel without = model(horizon, null);
        assertThat(with.archTag).isNotEqualTo(without.archTag);
        assertThat(without.architecture).doesNotContain("week");
        assertThat(model(horizon, trendModel(horizon)).archTag).isEqualTo(with.archTag);
        SeriesStep step = SeasonalServingTest.step();
        SeriesState s = step.newState(with);
        for (int t = 0; t < 3 * 7 * P; t++) {
            step.step(s, with, T0 + t * HOUR, growth(t), SeriesStep.Lineage.NONE);
        }
        int errorsAt = with.blockAt; // the block starts with the tracked horizons' error averages
        assertThat(s.stats[errorsAt + HorizonCombination.PERSISTENCE]).as("slot 1 judged").isFinite();
        float[] ringBefore = java.util.Arrays.copyOfRange(s.stats, s.stats.length - 7 * P - 4, s.stats.length);
        SeriesStep.Lineage lineage = tag -> tag == with.modelTag ? with.archTag : 0;
        step.adopt(s, without, lineage, false);
        assertThat(s.stats[errorsAt + HorizonCombination.PERSISTENCE]).as("slot 1 forgotten").isNaN();
        assertThat(s.stats[errorsAt + HorizonCombination.MODEL]).isNaN();
        assertThat(java.util.Arrays.copyOfRange(s.stats, s.stats.length - 7 * P - 4, s.stats.length))
                .as("the week's values are kept").isEqualTo(ringBefore);
    }

    @Test
    void aKeyWhoseRingIsNotTheWeekModelsWindowIsServedAsWithoutIt() throws Exception {
        int horizon = 8;
        ServingModel with = model(horizon, new WeekModel(2, 4, horizon, new float[14 * horizon], new float[horizon],
                new float[14 * 4], new float[4], new float[4 * horizon])); // a week model for P = 2 only
        ServingModel without = model(horizon, null);
        SeriesStep a = SeasonalServingTest.step();
        SeriesStep b = SeasonalServingTest.step();
        SeriesState sa = a.newState(with);
        SeriesState sb = b.newState(without);
        for (int t = 0; t < 3 * 7 * P; t++) {
            double v = SeasonalServingTest.seasonalValue(t) + (t % 7);
            a.step(sa, with, T0 + t * HOUR, v, SeriesStep.Lineage.NONE);
            b.step(sb, without, T0 + t * HOUR, v, SeriesStep.Lineage.NONE);
            assertThat(a.forecast()).isEqualTo(b.forecast());
            assertThat(sa.stats).isEqualTo(sb.stats);
        }
    }
}
