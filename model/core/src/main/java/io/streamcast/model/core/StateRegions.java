package io.streamcast.model.core;

/**
 * The argument check shared by the per-key components that keep their state in a slice of a caller's
 * {@code float[]} (anomaly scorer, prediction intervals, persistence blend).
 */
public final class StateRegions {

    private StateRegions() {}

    /**
     * @throws IllegalArgumentException if {@code state} is null or {@code [offset, offset + size)} does not fit in it,
     *                                  naming the region and the array's length
     */
    public static void check(float[] state, int offset, int size) {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        if (offset < 0 || offset > state.length - size) {
            throw new IllegalArgumentException("state region [" + offset + ", " + (offset + size)
                    + ") does not fit in an array of length " + state.length);
        }
    }
}
