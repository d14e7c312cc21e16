package io.streamcast.model.core;

import io.streamcast.model.core.cell.MatVec;
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
 * it independent of the level. The linear part alone holds every naive forecast (weekly naive, y_{t+k−7P}, is
 * {@code Wl[k − 1, k − 1] = 1}: the window's k-th value, 0-based rows and columns); the hidden layer lets the network choose between them by
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

    /** The dense products' kernel (SIMD where the Vector API module is present; the same floats either way). */
    private static final MatVec MAT_VEC = MatVec.best();

    public WeekModel {
        if (period < 2 || period > HorizonCombination.MAX_WEEKLY_PERIOD) {
            throw new IllegalArgumentException("week model period must be 2.." + HorizonCombination.MAX_WEEKLY_PERIOD
                    + " (a daily season whose key keeps a week of values), got " + period);
        }
        if (hidden < 1 || horizon < 1) {
            throw new IllegalArgumentException("week model hidden and horizon must be >= 1, got " + hidden + " and "
                    + horizon);
        }
        if (horizon > maxHorizon(period)) {
            throw new IllegalArgumentException("a week model of season " + period + " forecasts at most "
                    + maxHorizon(period) + " steps (six seasons: further ahead its weekly-naive neighbour reads the "
                    + "newest season, whose codes can change under it), got " + horizon);
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

    /**
     * The longest horizon a week model of season {@code period} may have: 6P. Up to there the weekly candidate's
     * forecasts are values of the ring's older days, which never re-fit the ring's codes when they are kept, so the
     * week the model read at one event is the week it reads again to recompute its one-step forecast at the next.
     */
    public static int maxHorizon(int period) {
        return (HorizonCombination.DAYS_PER_WEEK - 1) * period;
    }

    /** L = 7P, the values the network reads. */
    public int window() {
        return HorizonCombination.DAYS_PER_WEEK * period;
    }

    /** Trainable parameters. */
    public long parameters() {
        return (long) wl.length + bl.length + w1.length + b1.length + w2.length;
    }

    /**
     * g(v) = sign(v)·ln(1 + |v|), with {@code Math.log} (an intrinsic; {@code log1p} costs several times more per call,
     * and the window's 2·7P calls per event were most of the model's time): for |v| below 1e-8 the result loses relative
     * precision, far below the float the network computes in.
     */
    public static double transform(double v) {
        return Math.copySign(Math.log(1 + Math.abs(v)), v);
    }

    /** g⁻¹(z) = sign(z)·(e^|z| − 1), with {@code Math.exp} (as {@link #transform}). */
    public static double inverse(double z) {
        return Math.copySign(Math.exp(Math.abs(z)) - 1, z);
    }

    /**
     * Buffers and column-padded copies of the weights for {@link #forecast}: one per thread (a serving model's
     * combination holds one).
     */
    public Scratch newScratch() {
        return new Scratch(this);
    }

    /** The weights padded to the kernel's column blocks, and the buffers of one forecast. */
    public static final class Scratch {
        final float[] z;
        final float[] h;
        final float[] o;
        final int hp;
        final int kp;
        final float[] w1p;
        final float[] wlp;
        final float[] w2p;
        final float[] b1p;
        final float[] blp;

        Scratch(WeekModel m) {
            int block = MAT_VEC.blockColumns();
            int l = m.window();
            hp = (m.hidden + block - 1) / block * block;
            kp = (m.horizon + block - 1) / block * block;
            z = new float[l];
            h = new float[hp];
            o = new float[kp];
            w1p = padColumns(m.w1, l, m.hidden, hp);
            wlp = padColumns(m.wl, l, m.horizon, kp);
            w2p = padColumns(m.w2, m.hidden, m.horizon, kp);
            b1p = java.util.Arrays.copyOf(m.b1, hp);
            blp = java.util.Arrays.copyOf(m.bl, kp);
        }

        private static float[] padColumns(float[] w, int rows, int cols, int padded) {
            if (cols == padded) {
                return w;
            }
            float[] p = new float[rows * padded];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(w, i * cols, p, i * padded, cols);
            }
            return p;
        }

        /** The window to fill, oldest first, before {@link #forecast}: L values in value units. */
        public float[] window() {
            return z;
        }
    }

    /**
     * The forecasts f_1..f_upto of the window in {@code s.window()} (L values, oldest first, value units), into
     * {@code out[0, upto)}: all K ({@code upto} = K) or the first alone ({@code upto} = 1, the same float as the first
     * of all K). The window is overwritten. Allocation-free.
     *
     * @return false (out untouched) when a value of the window or a forecast is not finite
     */
    public boolean forecast(Scratch s, int upto, float[] out) {
        if (upto != 1 && upto != horizon) {
            throw new IllegalArgumentException("forecasts 1 or " + horizon + " steps, asked for " + upto);
        }
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
        System.arraycopy(s.b1p, 0, h, 0, s.hp);
        MAT_VEC.accumulate(z, l, s.w1p, s.hp, h);
        for (int u = 0; u < hidden; u++) {
            h[u] = Math.max(h[u], 0f);
        }
        if (upto == 1) {
            float o = MatVec.column(z, l, wl, k, 0, bl[0]);
            float f = (float) inverse(MatVec.column(h, hidden, w2, k, 0, o) + mean);
            if (!Float.isFinite(f)) {
                return false;
            }
            out[0] = f;
            return true;
        }
        float[] o = s.o;
        System.arraycopy(s.blp, 0, o, 0, s.kp);
        MAT_VEC.accumulate(z, l, s.wlp, s.kp, o);
        MAT_VEC.accumulate(h, hidden, s.w2p, s.kp, o);
        for (int j = 0; j < k; j++) {
            o[j] = (float) inverse(o[j] + mean);
            if (!Float.isFinite(o[j])) {
                return false; // a forecast beyond the float range: none this event (persistence's slot serves the last value)
            }
        }
        System.arraycopy(o, 0, out, 0, k);
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
