package io.streamcast.model.core.anomaly;

/**
 * Standard normal tail probabilities, computed in the log domain so that far tails do not underflow.
 *
 * <p>Uses the Chebyshev fit of erfc from Press et al., <i>Numerical Recipes</i> (2nd ed., §6.2,
 * {@code erfcc}), fractional error below 1.2e-7 everywhere, which is far below the resolution any
 * anomaly threshold needs.
 */
final class Gaussian {

    private static final double LN10 = Math.log(10.0);
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Gaussian() {}

    /** Natural log of erfc(x) for x ≥ 0. */
    static double logErfc(double x) {
        if (x < 0) {
            throw new IllegalArgumentException("logErfc needs x >= 0, got " + x);
        }
        double t = 1.0 / (1.0 + 0.5 * x);
        double poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.log(t) + poly;
    }

    /** P(|Z| ≥ |u|) for a standard normal Z, as log10; 0 at u = 0, very negative far out. */
    static double log10TwoSidedTail(double u) {
        return Math.min(0.0, logErfc(Math.abs(u) * INV_SQRT2) / LN10);
    }

    /** P(Z ≥ z) for a standard normal Z (upper tail), any sign of z. */
    static double upperTail(double z) {
        if (z >= 0) {
            return 0.5 * Math.exp(logErfc(z * INV_SQRT2));
        }
        return 1.0 - 0.5 * Math.exp(logErfc(-z * INV_SQRT2));
    }
}
