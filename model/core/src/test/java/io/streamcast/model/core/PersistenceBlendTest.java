package io.streamcast.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PersistenceBlendTest {

    /**
     * A random walk whose next innovation the "model" knows a fraction {@code signal} of, plus its own noise.
     * Returns {blend weight at the end, least-squares weight over the second half}.
     */
    private static double[] run(double signal, double noise, long seed) {
        PersistenceBlend blend = new PersistenceBlend(300);
        float[] s = new float[PersistenceBlend.STATE_SIZE];
        blend.init(s, 0);
        Random rnd = new Random(seed);
        double y = 100;
        double nextInnovation = rnd.nextGaussian();
        float[] f = new float[1];
        double sumPD = 0;
        double sumDD = 0;
        int n = 20_000;
        for (int t = 0; t < n; t++) {
            blend.observe(s, 0, y);
            double change = signal * nextInnovation + noise * rnd.nextGaussian();
            f[0] = (float) (y + change);
            blend.blend(s, 0, f, 1);
            double next = y + nextInnovation;
            if (t >= n / 2) {
                sumPD += (next - y) * change;
                sumDD += change * change;
            }
            y = next;
            nextInnovation = rnd.nextGaussian();
        }
        return new double[] {blend.weight(s, 0), sumPD / sumDD};
    }

    @Test
    void theWeightApproachesTheLeastSquaresCombination() {
        // the model's change c = 0.5 i + e, i, e ~ N(0, 1): the best W = E[i c] / E[c^2] = 0.5 / 1.25 = 0.4
        double[] r = run(0.5, 1.0, 1);
        assertThat(r[1]).isCloseTo(0.4, within(0.03));
        assertThat(r[0]).isCloseTo(r[1], within(0.1));
    }

    @Test
    void aPerfectModelIsServedAloneAndAUselessOneGivesWayToPersistence() {
        assertThat(run(1.0, 0.0, 2)[0]).isCloseTo(1.0, within(1e-6));
        assertThat(run(0.0, 1.0, 3)[0]).isLessThan(0.1);
    }

    @Test
    void withATypicalErrorAFewWildForecastsDoNotHandTheKeyToPersistence() {
        // a random walk whose next innovation the model knows exactly, except at every 50th event, where it forecasts
        // a change of +20 (20 innovations' size) and the value moves as usual. Least squares: W = E[i c] / E[c^2]
        // = 0.98 / (0.98 + 400 / 50) = 0.11, persistence nearly alone, although the model is exact at 49 events of
        // 50. Huber's weights count the wild errors linearly: W stays above 0.5 (0.59 here) and the served one-step
        // forecast's mean absolute error is lower than the least-squares weight's (by 24% here).
        PersistenceBlend blend = new PersistenceBlend(300);
        float[] squares = new float[PersistenceBlend.STATE_SIZE];
        float[] huber = new float[PersistenceBlend.STATE_SIZE];
        blend.init(squares, 0);
        blend.init(huber, 0);
        Random rnd = new Random(11);
        double y = 100;
        double next = rnd.nextGaussian();
        double typical = Double.NaN; // EW mean |served one-step error| of the Huber key, as the intervals keep it
        double errSquares = 0;
        double errHuber = 0;
        float[] f = new float[1];
        float[] g = new float[1];
        int n = 20_000;
        for (int t = 0; t < n; t++) {
            blend.observe(squares, 0, y);
            blend.observe(huber, 0, y, typical);
            double change = t % 50 == 49 ? 20.0 : next;
            f[0] = (float) (y + change);
            g[0] = f[0];
            blend.blend(squares, 0, f, 1);
            blend.blend(huber, 0, g, 1);
            double v = y + next;
            double e = Math.abs(v - g[0]);
            typical = Double.isNaN(typical) ? e : typical + 0.0035 * (e - typical);
            if (t >= n / 2) {
                errSquares += Math.abs(v - f[0]);
                errHuber += e;
            }
            y = v;
            next = rnd.nextGaussian();
        }
        assertThat(blend.weight(squares, 0)).as("least squares").isCloseTo(0.11, within(0.03));
        assertThat(blend.weight(huber, 0)).as("Huber").isGreaterThan(0.5);
        assertThat(errHuber).as("served mean absolute error, Huber against least squares").isLessThan(0.8 * errSquares);
        // without a typical error the weight is the least-squares one, bit for bit
        float[] plain = new float[PersistenceBlend.STATE_SIZE];
        float[] nan = new float[PersistenceBlend.STATE_SIZE];
        blend.init(plain, 0);
        blend.init(nan, 0);
        for (int t = 0; t < 100; t++) {
            blend.observe(plain, 0, t);
            blend.observe(nan, 0, t, Double.NaN);
            blend.blend(plain, 0, new float[] {t + t % 3}, 1);
            blend.blend(nan, 0, new float[] {t + t % 3}, 1);
        }
        assertThat(nan).containsExactly(plain);
    }

    @Test
    void servedForecastsMoveFromTheLastValueTowardsTheModelByTheWeight() {
        PersistenceBlend blend = new PersistenceBlend();
        float[] s = new float[2 + PersistenceBlend.STATE_SIZE];
        blend.init(s, 2);
        assertThat(blend.weight(s, 2)).isEqualTo(PersistenceBlend.INITIAL_WEIGHT);
        blend.observe(s, 2, 10.0);
        float[] f = {14f, 18f, 99f};
        assertThat(blend.blend(s, 2, f, 2)).isEqualTo(0.5);
        assertThat(f).containsExactly(12f, 14f, 99f); // 10 + 0.5 (f - 10); beyond the horizon untouched
        assertThat(PersistenceBlend.pendingModelForecast(s, 2)).isEqualTo(14f);
        // next value 13: persistence erred by 3, the model predicted a change of 4: N = a*12, D = a*16, W = 0.75
        blend.observe(s, 2, 13.0);
        assertThat(blend.weight(s, 2)).isCloseTo(0.75, within(1e-6));
        assertThat(s[0]).as("the region before the offset is untouched").isZero();
        assertThat(s[1]).isZero();
    }

    @Test
    void thePendingServedForecastIsTheOneServedAtTheLatestValueBitForBit() {
        PersistenceBlend blend = new PersistenceBlend(50);
        float[] s = new float[PersistenceBlend.STATE_SIZE];
        blend.init(s, 0);
        assertThat(blend.pendingServedForecast(s, 0)).isNaN();
        Random rnd = new Random(5);
        float[] f = new float[3];
        double y = 1e4;
        for (int t = 0; t < 5_000; t++) {
            y += rnd.nextGaussian() * 3;
            blend.observe(s, 0, y);
            for (int k = 0; k < f.length; k++) {
                f[k] = (float) (y + (k + 1) * rnd.nextGaussian());
            }
            blend.blend(s, 0, f, f.length);
            assertThat(Float.floatToRawIntBits(blend.pendingServedForecast(s, 0))).isEqualTo(Float.floatToRawIntBits(f[0]));
        }
        blend.resetWeight(s, 0);
        assertThat(blend.pendingServedForecast(s, 0)).as("a new model has made no forecast yet").isNaN();
        blend.initServingModel(s, 0, 14f);
        assertThat(blend.pendingServedForecast(s, 0)).as("no last value: the model's was served").isEqualTo(14f);
    }

    @Test
    void aKeyFromAReleaseWithoutTheCombinationIsServedTheModelUntilDataSayOtherwise() {
        PersistenceBlend blend = new PersistenceBlend();
        float[] s = new float[PersistenceBlend.STATE_SIZE];
        blend.initServingModel(s, 0, 14f);
        assertThat(blend.weight(s, 0)).isEqualTo(1.0);
        assertThat(PersistenceBlend.pendingModelForecast(s, 0)).isEqualTo(14f);
        blend.observe(s, 0, 10.0); // no last value yet: nothing to learn from
        float[] f = {20f};
        blend.blend(s, 0, f, 1);
        assertThat(f[0]).isEqualTo(20f);
        blend.observe(s, 0, 10.0); // the model predicted +10, nothing changed: its weight falls to ~0
        assertThat(blend.weight(s, 0)).isLessThan(1e-30);
    }

    @Test
    void nonFiniteValuesAreNotObservedAndBadArgumentsAreNamed() {
        PersistenceBlend blend = new PersistenceBlend();
        float[] s = new float[PersistenceBlend.STATE_SIZE];
        blend.init(s, 0);
        blend.observe(s, 0, Double.NaN);
        float[] f = {3f};
        assertThat(blend.blend(s, 0, f, 1)).as("no value yet: the model alone").isEqualTo(1.0);
        assertThat(f[0]).isEqualTo(3f);
        assertThatThrownBy(() -> new PersistenceBlend(0)).hasMessage("halfLife must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> blend.blend(s, 0, f, 2)).hasMessage("horizon must be in [1, 1], got 2");
        assertThatThrownBy(() -> blend.init(new float[3], 0))
                .hasMessage("state region [0, 4) does not fit in an array of length 3");
    }
}
