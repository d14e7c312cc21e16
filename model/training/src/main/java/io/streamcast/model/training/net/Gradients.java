package io.streamcast.model.training.net;

import java.io.OutputStream;
import java.io.PrintStream;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Builds a SameDiff graph's gradient function once its loss and training configuration are set, without the line
 * ND4J 1.0.0-M2.1 prints to {@code System.out} for every operation it differentiates ("Added differentiated op
 * ..."), which would otherwise interleave with {@code train}'s progress lines and a task manager's output. SameDiff's
 * {@code fit} builds the function only when it has none, so a graph prepared here trains without those lines.
 */
public final class Gradients {

    private Gradients() {
    }

    /**
     * {@link SameDiff#createGradFunction()} with {@code System.out} silenced while it runs. {@code System.out} is
     * process-wide: a line another thread prints in those few milliseconds is lost too (loggers that write to their
     * own streams, as Flink's and this project's do, are not affected).
     */
    public static void create(SameDiff sd) {
        synchronized (Gradients.class) {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(out);
            }
        }
    }
}
