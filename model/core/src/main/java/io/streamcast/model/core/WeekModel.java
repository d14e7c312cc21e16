package io.streamcast.model.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A global forecaster of the next K values from a key's last week of values: one network for every key, trained
 * across all of them, that reads the week's ring a key with a daily season already keeps for the weekly candidate
 * ({@link HorizonCombination}), so it costs no state of its own. Where the serving model has one for a key's season,
 * it is the combination's second candidate in place of persistence.
 *
 * <h2>Definition</h2>
 * With {@code g(v) = sign(v)·ln(1 + |v|)} and the window {@code x_i = g(y_{t−L+1+i})}, i = 0..L−1 (oldest first,
 * L = 7P), centred by its mean {@code μ}:
 * <pre>
 *   z   = x − μ
 *   o_k = Σ_i z_i·Wl[i,k] + bl[k] + Σ_u relu(Σ_i z_i·W1[i,u] + b1[u])·W2[u,k]
 *   f_k = g⁻¹(o_k + μ)                           (the forecast of y_{t+k}, k = 1..K)
 * </pre>
 * a one-hidden-layer perceptron with a linear skip from the window to the outputs. The logarithm makes one network
 * serve keys of every size (a key's level is μ, its relative changes are what the weights see); the centring makes
 * it independent of the level. The linear part alone holds every naive forecast (weekly naive is
 * {@code Wl[L − 7P + k − 1, k] = 1} up to the logarithm); the hidden layer lets the network choose between them by
 * what the week looks like.
 *
 * @param period  P, the key's season in events (a day); the window is a week, L = 7P
 * @param hidden  units of the hidden layer
 * @param horizon K
 * @param wl      [L][K] row-major, the linear skip
 * @param bl      [K]
 * @param w1      [L][hidden] row-major
 * @param b1      [hidden]
 * @param w2      [hidden][K] row-major
 */
public record WeekModel(int period, int hidden, int horizon, float[] wl, float[] bl, float[] w1, float[] b1,
        float[] w2) {

    public WeekModel {
        if (period < 2 || period > HorizonCombination.MAX_WEEKLY_PERIOD) {
            throw new IllegalArgumentException("week model period must be 2.." + HorizonCombination.MAX_WEEKLY_PERIOD
                    + " (a daily season whose key keeps a week of values), got " + period);
        }
        if (hidden < 1 || horizon < 1) {
            throw new IllegalArgumentException("week model hidden and horizon must be >= 1, got " + hidden + " and "
                    + horizon);
        }
        int l = HorizonCombination.DAYS_PER_WEEK * period;
        check("week Wl", wl, (long) l * horizon);
        check("week bl", bl, horizon);
        check("week W1", w1, (long) l * hidden);
        check("week b1", b1, hidden);
        check("week W2", w2, (long) hidden * horizon);
    }

    private static void check(String name, float[] a, long expected) {
        Objects.requireNonNull(a, name);
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, expected " + expected);
        }
    }

    /** L = 7P, the values the network reads. */
    public int window() {
        return HorizonCombination.DAYS_PER_WEEK * period;
    }

    /** Trainable parameters. */
    public long parameters() {
        return (long) wl.length + bl.length + w1.length + b1.length + w2.length;
    }

    /** g(v) = sign(v)·ln(1 + |v|). */
    public static double transform(double v) {
        return Math.copySign(Math.log1p(Math.abs(v)), v);
    }

    /** g⁻¹(z) = sign(z)·(e^|z| − 1). */
    public static double inverse(double z) {
        return Math.copySign(Math.expm1(Math.abs(z)), z);
    }

    /** Scratch for {@link #forecast}: one per thread (a serving model's combination holds one). */
    public Scratch newScratch() {
        return new Scratch(window(), hidden);
    }

    /** Buffers of one forecast. */
    public static final class Scratch {
        final float[] z;
        final float[] h;

        Scratch(int window, int hidden) {
            z = new float[window];
            h = new float[hidden];
        }

        /** The window to fill, oldest first, before {@link #forecast}: L values in value units. */
        public float[] window() {
            return z;
        }
    }

    /**
     * The forecasts f_1..f_upto of the window in {@code s.window()} (L values, oldest first, value units; any
     * non-finite value: none), into {@code out[0, upto)}. The window is overwritten. Allocation-free.
     *
     * @return false (out untouched) when a value of the window is not finite
     */
    public boolean forecast(Scratch s, int upto, float[] out) {
        int l = window();
        int k = horizon;
        float[] z = s.z;
        double mean = 0;
        for (int i = 0; i < l; i++) {
            double x = transform(z[i]);
            if (!Double.isFinite(x)) {
                return false;
            }
            z[i] = (float) x;
            mean += x;
        }
        mean /= l;
        float mu = (float) mean;
        for (int i = 0; i < l; i++) {
            z[i] -= mu;
        }
        float[] h = s.h;
        System.arraycopy(b1, 0, h, 0, hidden);
        for (int i = 0; i < l; i++) {
            float zi = z[i];
            int row = i * hidden;
            for (int u = 0; u < hidden; u++) {
                h[u] += zi * w1[row + u];
            }
        }
        for (int u = 0; u < hidden; u++) {
            h[u] = Math.max(h[u], 0f);
        }
        System.arraycopy(bl, 0, out, 0, upto);
        if (upto == 1) {
            float o = out[0];
            for (int i = 0; i < l; i++) {
                o += z[i] * wl[i * k];
            }
            for (int u = 0; u < hidden; u++) {
                o += h[u] * w2[u * k];
            }
            out[0] = o;
        } else {
            for (int i = 0; i < l; i++) {
                float zi = z[i];
                int row = i * k;
                for (int j = 0; j < upto; j++) {
                    out[j] += zi * wl[row + j];
                }
            }
            for (int u = 0; u < hidden; u++) {
                float hu = h[u];
                if (hu != 0f) {
                    int row = u * k;
                    for (int j = 0; j < upto; j++) {
                        out[j] += hu * w2[row + j];
                    }
                }
            }
        }
        for (int j = 0; j < upto; j++) {
            out[j] = (float) inverse(out[j] + mean);
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeekModel m && period == m.period && hidden == m.hidden && horizon == m.horizon
                && Arrays.equals(wl, m.wl) && Arrays.equals(bl, m.bl) && Arrays.equals(w1, m.w1)
                && Arrays.equals(b1, m.b1) && Arrays.equals(w2, m.w2);
    }

    @Override
    public int hashCode() {
        return Objects.hash(period, hidden, horizon, Arrays.hashCode(wl), Arrays.hashCode(w1), Arrays.hashCode(w2));
    }

    @Override
    public String toString() {
        return "WeekModel[P=" + period + ", window " + window() + " -> " + hidden + " -> " + horizon + "]";
    }
}
