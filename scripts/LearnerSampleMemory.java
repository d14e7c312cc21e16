import io.streamcast.learner.core.WindowSample;

/**
 * The learner's sample filled to its bounds, its heap measured (used heap after GC, before and after) against the
 * sample's own accounting and its stated bound (docs/architecture.md, "The learner").
 *
 * <pre>
 * mvn -B -o -q compile -pl learner -am
 * java -Xmx2g -XX:+UseSerialGC -cp learner/target/classes scripts/LearnerSampleMemory.java 1024 1024
 * </pre>
 */
public class LearnerSampleMemory {
    static long used() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    public static void main(String[] args) throws Exception {
        int keys = Integer.parseInt(args[0]);
        int points = Integer.parseInt(args[1]);
        long before = used();
        WindowSample s = new WindowSample(keys, points);
        for (int t = 0; t < points + 10; t++) {
            for (int k = 0; k < keys; k++) {
                s.add("key-" + k, t, t * 0.5);
            }
        }
        long after = used();
        System.out.printf("%d keys x %d points: heap %d bytes, accounting %d, bound %d%n", keys, points,
                after - before, s.usedBytes(), s.boundBytes());
        if (s.points() < 0) {
            System.out.println(s); // keeps the sample reachable until after the measurement
        }
    }
}
