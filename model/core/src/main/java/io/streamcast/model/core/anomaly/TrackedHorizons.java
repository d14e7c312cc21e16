package io.streamcast.model.core.anomaly;

/**
 * The horizons whose statistics a key keeps for forecasts of horizon K, and how every horizon 1..K is read from them:
 * a tracked horizon from its own slot, one in between by linear interpolation between its tracked neighbours. The
 * per-horizon combination of the served forecast tracks the powers of two below K, then K ({@link #powersOfTwo});
 * {@link PredictionIntervals} as many horizons, with K/2 among them ({@link PredictionIntervals#trackedHorizons}).
 *
 * @param tracked      the tracked horizons h_0 = 1 < h_1 < … = K
 * @param below        for horizon k = j + 1: the index of the tracked horizon at or below k
 * @param fraction     for horizon k = j + 1: (k − a)/(b − a) between the tracked horizons a below and b above; 0 for a
 *                     tracked horizon
 * @param trackedIndex for horizon k = j + 1: its index among the tracked horizons, −1 if it is not tracked
 */
public record TrackedHorizons(int[] tracked, int[] below, double[] fraction, int[] trackedIndex) {

    /** The powers of two below K, then K: the tracked horizons of the per-horizon combination. */
    public static int[] powersOfTwo(int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        }
        int n = 1; // K itself
        for (int h = 1; h < horizon; h <<= 1) {
            n++;
        }
        int[] t = new int[n];
        int i = 0;
        for (int h = 1; h < horizon; h <<= 1) {
            t[i++] = h;
        }
        t[i] = horizon;
        return t;
    }

    /**
     * The interpolation of every horizon 1..K from the tracked horizons {@code tracked} (increasing, from 1 to K).
     */
    public static TrackedHorizons of(int[] tracked) {
        int horizon = tracked[tracked.length - 1];
        int[] below = new int[horizon];
        double[] fraction = new double[horizon];
        int[] trackedIndex = new int[horizon];
        int i = 0;
        for (int j = 0; j < horizon; j++) {
            int k = j + 1;
            while (tracked[i] < k) {
                i++;
            }
            if (tracked[i] == k) {
                trackedIndex[j] = i;
                below[j] = i;
            } else {
                trackedIndex[j] = -1;
                below[j] = i - 1;
                int a = tracked[i - 1];
                fraction[j] = (k - a) / (double) (tracked[i] - a);
            }
        }
        return new TrackedHorizons(tracked, below, fraction, trackedIndex);
    }
}
