package io.streamcast.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The week model's forecast against its definition, computed here in double precision from the formula. */
class WeekModelTest {

    private static float[] gaussian(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * sd);
        }
        return a;
    }

    /** f_k = g⁻¹(Σ z_i Wl[i,k] + bl[k] + Σ_u relu(Σ z_i W1[i,u] + b1[u]) W2[u,k] + μ), z = g(y) − μ. */
    private static double expected(WeekModel m, double[] y, int k) {
        int l = m.window();
        double mu = 0;
        double[] x = new double[l];
        for (int i = 0; i < l; i++) {
            x[i] = Math.signum(y[i]) * Math.log(1 + Math.abs(y[i]));
            mu += x[i] / l;
        }
        double o = m.bl()[k];
        for (int i = 0; i < l; i++) {
            o += (x[i] - mu) * m.wl()[i * m.horizon() + k];
        }
        for (int u = 0; u < m.hidden(); u++) {
            double a = m.b1()[u];
            for (int i = 0; i < l; i++) {
                a += (x[i] - mu) * m.w1()[i * m.hidden() + u];
            }
            o += Math.max(a, 0) * m.w2()[u * m.horizon() + k];
        }
        double z = o + mu;
        return Math.signum(z) * (Math.exp(Math.abs(z)) - 1);
    }

    @Test
    void forecastsWhatItsDefinitionGivesForValuesOfEitherSign() {
        Random r = new Random(11);
        int p = 3;
        int l = 7 * p;
        int k = 5;
        int u = 6;
        WeekModel m = new WeekModel(p, u, k, gaussian(r, l * k, 0.2), gaussian(r, k, 0.1), gaussian(r, l * u, 0.3),
                gaussian(r, u, 0.1), gaussian(r, u * k, 0.2));
        for (int trial = 0; trial < 20; trial++) {
            double[] y = new double[l];
            WeekModel.Scratch s = m.newScratch();
            for (int i = 0; i < l; i++) {
                y[i] = (float) (trial % 2 == 0 ? 50 + 30 * r.nextGaussian() : 3 * r.nextGaussian());
                s.window()[i] = (float) y[i];
            }
            float[] out = new float[k];
            assertThat(m.forecast(s, k, out)).isTrue();
            for (int j = 0; j < k; j++) {
                double e = expected(m, y, j);
                assertThat((double) out[j]).as("trial %d horizon %d", trial, j + 1)
                        .isCloseTo(e, within(1e-4 * Math.max(1, Math.abs(e))));
            }
            // the one-step forecast alone is the same number, bit for bit
            for (int i = 0; i < l; i++) {
                s.window()[i] = (float) y[i];
            }
            float[] one = new float[1];
            assertThat(m.forecast(s, 1, one)).isTrue();
            assertThat(one[0]).isEqualTo(out[0]);
        }
    }

    @Test
    void itsLinearPartHoldsWeeklyNaive() {
        int p = 2;
        int l = 14;
        int k = 4;
        float[] wl = new float[l * k];
        for (int j = 0; j < k; j++) {
            wl[j * k + j] = 1; // f_{j+1} = y_{t+j+1−14}, the window's (j)th value, oldest first
        }
        WeekModel m = new WeekModel(p, 2, k, wl, new float[k], new float[l * 2], new float[2], new float[2 * k]);
        WeekModel.Scratch s = m.newScratch();
        float[] y = new float[l];
        for (int i = 0; i < l; i++) {
            y[i] = 10 + 7 * i - (i % 3) * 20;
            s.window()[i] = y[i];
        }
        float[] out = new float[k];
        assertThat(m.forecast(s, k, out)).isTrue();
        for (int j = 0; j < k; j++) {
            assertThat(out[j]).isCloseTo(y[j], within(1e-4f * Math.abs(y[j])));
        }
    }

    @Test
    void aWindowWithANonFiniteValueGivesNoForecast() {
        WeekModel m = new WeekModel(2, 1, 1, new float[14], new float[1], new float[14], new float[1], new float[1]);
        WeekModel.Scratch s = m.newScratch();
        s.window()[3] = Float.NaN;
        float[] out = {42f};
        assertThat(m.forecast(s, 1, out)).isFalse();
        assertThat(out[0]).isEqualTo(42f);
    }

    @Test
    void refusesWeightsOfTheWrongShapeAndASeasonWithoutAWeek() {
        assertThatThrownBy(() -> new WeekModel(2, 1, 1, new float[13], new float[1], new float[14], new float[1],
                new float[1])).hasMessage("week Wl has 13 floats, expected 14");
        assertThatThrownBy(() -> new WeekModel(96, 1, 1, new float[672], new float[1], new float[672], new float[1],
                new float[1])).hasMessageContaining("period must be 2..48").hasMessageContaining("got 96");
        assertThat(WeekModel.maxHorizon(2)).isEqualTo(12);
        assertThatThrownBy(() -> new WeekModel(2, 1, 13, new float[14 * 13], new float[13], new float[14], new float[1],
                new float[13])).hasMessageContaining("forecasts at most 12 steps").hasMessageContaining("got 13");
    }
}
