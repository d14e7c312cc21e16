package io.streamcast.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class PrequentialErrorsTest {
    static final int N = 400;
    static final long HOUR = 3_600_000L;
    static final long T0 = Instant.parse("2020-01-06T00:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    /** y[t] = t mod 7 (every step changes); target-aligned forecasts at h=1 and h=2. */
    static double y(int t) {
        return t % 7;
    }

    static void write(Path f, IntToDoubleFunction f1, IntToDoubleFunction f2, String firstVersion, String laterVersion,
            int switchAt) throws Exception {
        Files.createDirectories(f.getParent());
        StringBuilder sb = new StringBuilder("timestamp,value,model_version,forecast,lower,upper,forecast_h2\n");
        DateTimeFormatter ts = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        for (int t = 0; t < N; t++) {
            sb.append(ts.format(Instant.ofEpochMilli(T0 + t * HOUR))).append(',').append(y(t)).append(',')
                    .append(t < switchAt ? firstVersion : laterVersion).append(',')
                    .append(t >= 1 ? String.valueOf(f1.applyAsDouble(t)) : "").append(",,,")
                    .append(t >= 2 ? String.valueOf(f2.applyAsDouble(t)) : "").append('\n');
        }
        Files.writeString(f, sb.toString());
    }

    /** Under {@code dir}: learn/ exact from row 200 on (persistence before), fixed/ always persistence. */
    public static void writeRuns(Path dir) throws Exception {
        write(dir.resolve("learn/a/s.csv"), t -> t >= 200 ? y(t) : y(t - 1), t -> t >= 200 ? y(t) : y(t - 2),
                "start", "learned-1-20200114T000000Z", 200);
        write(dir.resolve("fixed/a/s.csv"), t -> y(t - 1), t -> y(t - 2), "start", "start", N);
    }

    @Test
    void scoresBothRunsAndTheBaselinesOnTheSameRowsAndFindsWhereTheLearnerTookOver() throws Exception {
        writeRuns(tmp);

        PrequentialErrors e = PrequentialErrors.compute(tmp.resolve("learn"), tmp.resolve("fixed"), new int[] {1, 2});

        int warm = NabSeries.probationLength(N); // 60
        PrequentialErrors.HorizonTable h1 = e.tables().get(0);
        assertThat(h1.series()).isEqualTo(1);
        assertThat(h1.learningBetter()).isEqualTo(1);
        assertThat(h1.mean("fixed")).isCloseTo(1.0, within(1e-12)); // persistence scaled by persistence
        assertThat(h1.mean("persistence")).isCloseTo(1.0, within(1e-12));
        // the learning run's errors are persistence's on rows warm..199 and 0 after
        assertThat(h1.mean("learning")).isCloseTo(change(warm, 200) / change(warm, N), within(1e-12));
        PrequentialErrors.HorizonTable h2 = e.tables().get(1);
        assertThat(h2.mean("fixed")).isCloseTo(h2.mean("persistence"), within(1e-12)).isGreaterThan(1.0);

        assertThat(e.versions().starting()).isEqualTo("start");
        assertThat(e.versions().firstServed()).containsExactly(
                java.util.Map.entry(T0 + 200 * HOUR, "learned-1-20200114T000000Z"));
        assertThat(e.versions().rows()).containsEntry("start", 200L).containsEntry("learned-1-20200114T000000Z",
                200L);
        // weekly errors: the learner's are zero in the weeks after it took over
        assertThat(e.overTime().get(0).weeks().lastEntry().getValue()[0]).isZero();
        assertThat(e.overTime().get(0).weeks().lastEntry().getValue()[1]).isGreaterThan(0.5);
    }

    /** The sum of |y[t] - y[t-1]| over rows [from, to). */
    static double change(int from, int to) {
        double s = 0;
        for (int t = from; t < to; t++) {
            s += Math.abs(y(t) - y(t - 1));
        }
        return s;
    }

    @Test
    void sesFitsItsAlphaOnTheProbationRows() {
        double[] y = new double[100];
        for (int t = 0; t < y.length; t++) {
            y[t] = t < 50 ? 5 : 9; // constant during probation: any alpha fits; the level follows afterwards
        }
        double[] level = PrequentialErrors.sesLevels(y, 30);
        assertThat(level[49]).isEqualTo(5.0);
        assertThat(level[99]).isGreaterThan(5.0).isLessThanOrEqualTo(9.0);
    }
}
