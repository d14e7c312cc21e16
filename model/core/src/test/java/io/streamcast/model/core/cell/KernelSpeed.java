package io.streamcast.model.core.cell;

import java.util.SplittableRandom;

/**
 * A quick single-thread speed loop for the kernels (not a test, not JMH): steps one cell over
 * 1,024 keys' states round-robin and prints steps per second of thread CPU time. Run with
 * {@code java --add-modules jdk.incubator.vector -cp ... io.streamcast.model.core.cell.KernelSpeed [H D seconds]}.
 */
public final class KernelSpeed {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private KernelSpeed() {
    }

    public static void main(String[] args) {
        int h = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        for (CellType type : CellType.values()) {
            LayerWeights w = TestWeights.random(type, d, h, new SplittableRandom(7));
            for (KernelKind kind : KernelKind.values()) {
                if (kind == KernelKind.VECTOR && !Kernels.vectorAvailable()) {
                    continue;
                }
                RecurrentCell cell = Kernels.create(w, kind);
                int keys = 1024;
                float[][] states = new float[keys][cell.stateSize()];
                float[] x = new float[d];
                for (int i = 0; i < d; i++) {
                    x[i] = 0.1f * (i + 1);
                }
                run(cell, states, x, 200_000); // warm-up: C2
                // Thread CPU time, not wall time: the machine may be shared, and a descheduled thread
                // should not count as a slow kernel.
                long steps = 0;
                long start = THREADS.getCurrentThreadCpuTime();
                long end = start + (long) (seconds * 1e9);
                long now;
                do {
                    run(cell, states, x, 100_000);
                    steps += 100_000;
                    now = THREADS.getCurrentThreadCpuTime();
                } while (now < end);
                double perSecond = steps / ((now - start) / 1e9);
                double flops = 2.0 * type.gates() * h * (d + h) + 15.0 * h;
                System.out.printf("%-4s %-6s H=%d D=%d: %,.0f steps/s (%.1f GFLOP/s)%n", type, kind, h, d, perSecond,
                        perSecond * flops / 1e9);
            }
        }
    }

    private static void run(RecurrentCell cell, float[][] states, float[] x, int n) {
        int keys = states.length;
        for (int i = 0; i < n; i++) {
            cell.step(x, 0, states[i & (keys - 1)], 0);
        }
    }
}
