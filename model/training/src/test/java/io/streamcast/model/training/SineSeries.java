package io.streamcast.model.training;

import io.streamcast.model.training.data.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic test series: noisy sines with different periods and levels, hourly timestamps. */
final class SineSeries {
    static final long START = 1_400_000_000_000L;
    static final long HOUR = 3_600_000L;

    private SineSeries() {
    }

    static List<Series> make(int count, int length, long seed) {
        Random r = new Random(seed);
        List<Series> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            long[] ts = new long[length];
            double[] v = new double[length];
            double period = 20 + 3 * k;
            for (int t = 0; t < length; t++) {
                ts[t] = START + t * HOUR;
                v[t] = 50 + 10 * k + 20 * Math.sin(2 * Math.PI * t / period) + r.nextGaussian();
            }
            out.add(new Series("sine-" + k, "synthetic", ts, v));
        }
        return out;
    }
}
