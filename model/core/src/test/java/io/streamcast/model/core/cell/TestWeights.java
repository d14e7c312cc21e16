package io.streamcast.model.core.cell;

import java.util.SplittableRandom;

/** Deterministic random weights for tests, scaled like a trained network (Xavier-ish, |w| ~ 1/sqrt(D+H)). */
public final class TestWeights {

    private TestWeights() {
    }

    public static LayerWeights random(CellType type, int d, int h, SplittableRandom rnd) {
        int cols = type.gates() * h;
        double scale = 1.5 / Math.sqrt(d + h);
        float[] w = fill(new float[d * cols], rnd, scale);
        float[] rw = fill(new float[h * cols], rnd, scale);
        float[] b = fill(new float[cols], rnd, 0.5);
        return new LayerWeights(type, d, h, w, rw, b);
    }

    public static float[] fill(float[] a, SplittableRandom rnd, double scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
