package io.streamcast.model.core.anomaly;

/**
 * The horizons whose statistics a key keeps for forecasts of horizon K (1, 2, 4, …, K: the powers of two below K,
 * then K), and how every horizon 1..K is read from them: a tracked horizon from its own slot, one in between by linear
 * interpolation between its tracked neighbours. Shared by {@link PredictionIntervals} and the per-horizon combination
 * of the served forecast, which keep statistics for the same horizons.
 *
 * @param tracked      the tracked horizons h_0 = 1 < h_1 < … = K
 * @param below        for horizon k = j + 1: the index of the tracked horizon at or below k
 * @param fraction     for horizon k = j + 1: (k − a)/(b − a) between the tracked horizons a below and b above; 0 for a
 *                     tracked horizon
 * @param trackedIndex for horizon k = j + 1: its index among the tracked horizons, −1 if it is not tracked
 */
public record TrackedHorizons(int[] tracked, int[] below, double[] fraction, int[] trackedIndex) {

    /** The tracked horizons of horizon K and the interpolation of every horizon 1..K. */
    public static TrackedHorizons of(int horizon) {
        int[] tracked = PredictionIntervals.trackedHorizons(horizon);
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
