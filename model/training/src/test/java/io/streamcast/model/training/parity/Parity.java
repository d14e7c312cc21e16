package io.streamcast.model.training.parity;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared pieces of the parity tests: normwise error, random inputs and weights. */
final class Parity {
    static final int STEPS = 1_000;
    static final double TOLERANCE = 1e-5;

    private Parity() {
    }

    /** ||a − b||₂ / ||b||₂ over all elements, in double. */
    static double normwiseRelativeError(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length);
        }
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            diff += d * d;
            ref += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / ref);
    }

    /** ||v||₂, to prove a compared signal is not trivially zero. */
    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /** A smooth-plus-noise input sequence [steps][d], the kind of signal a scaled series gives. */
    static float[][] inputs(int steps, int d, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[steps][d];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < d; i++) {
                x[t][i] = (float) (Math.sin(0.05 * t * (i + 1) + i) + 0.5 * r.nextGaussian());
            }
        }
        return x;
    }

    /** Replaces every parameter (weights and biases) with N(0, scale²) values from a seeded generator. */
    static void randomizeParams(MultiLayerNetwork net, double scale, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.randn(DataType.FLOAT, 1, net.numParams()).muli(scale);
        net.setParams(p);
    }

    /** One time step as DL4J's recurrent input [1, d, 1]. */
    static INDArray step(float[] x) {
        return Nd4j.create(x, new long[] {1, x.length, 1}, 'c');
    }
}
