package io.streamcast.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.TestModels;
import io.streamcast.learner.core.Learner;
import io.streamcast.learner.core.LearnerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --prequential} with the real learner (DL4J) on five small hourly series. */
class PrequentialEvaluationTest {
    static final int KEYS = 5;
    static final int HOURS = 480;
    static final LocalDateTime START = LocalDateTime.of(2026, 1, 5, 0, 0);
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path tmp;

    /** Hourly level + daily season + AR(1) noise, the last {@code cut} hours left out. */
    static void write(Path dir, int cut) throws Exception {
        Files.createDirectories(dir.resolve("hourly"));
        for (int key = 0; key < KEYS; key++) {
            SplittableRandom rnd = new SplittableRandom(100 + key);
            StringBuilder sb = new StringBuilder("timestamp,value\n");
            double x = 0;
            for (int t = 0; t < HOURS - cut; t++) {
                x = 0.9 * x + rnd.nextDouble(-1, 1);
                double v = 20 + 5 * key + (3 + key) * Math.sin(2 * Math.PI * ((t + 3 * key) % 24) / 24.0) + x;
                sb.append(START.plusHours(t).format(TS)).append(',').append(v).append('\n');
            }
            Files.writeString(dir.resolve("hourly/s" + key + ".csv"), sb.toString());
        }
    }

    static LearnerConfig learner() {
        return LearnerConfig.builder().maxKeys(16).pointsPerKey(256).holdout(24).everyEvents(0)
                .everyEventTime(java.time.Duration.ofDays(12)).minPoints(0).epochs(6).patience(2).build();
    }

    PrequentialEvaluation.Result run(Path data, Path out, ForecastLayout layout) throws Exception {
        ModelBundle start = TestModels.bundle(8, 11L, "start-v1");
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new PrequentialEvaluation(new PrequentialEvaluation.Options(data, out, start, learner(),
                out.resolve("models"), layout, Map.of(), "test"), log).run();
    }

    @Test
    void eachRowNamesTheVersionThatServedItAndAnAcceptedVersionServesFromTheNextEvent() throws Exception {
        Path data = tmp.resolve("data");
        write(data, 0);
        Path out = tmp.resolve("out");
        PrequentialEvaluation.Result r = run(data, out, ForecastLayout.ORIGIN);

        assertThat(r.rows()).isEqualTo((long) KEYS * HOURS);
        assertThat(r.served()).isEqualTo(r.rows());
        assertThat(r.rounds()).hasSize(1); // every 12 days of 20
        Learner.Round first = r.rounds().stream().filter(Learner.Round::accepted).findFirst().orElseThrow(
                () -> new AssertionError("no round accepted: " + r.rounds().stream().map(Learner.Round::describe)
                        .toList()));
        assertThat(r.rowsByVersion()).containsKey("start-v1").containsKey(first.candidateVersion());
        assertThat(r.rowsByVersion().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(r.served());

        // the round ran at an event of the last key at its data's end + holdout; every key's rows name the old
        // version up to that time and the new one from the next event
        List<String> rows = Files.readAllLines(out.resolve("hourly/s0.csv"));
        assertThat(rows.get(0)).startsWith("timestamp,value,model_version,forecast,lower,upper,forecast_h2");
        int swapAt = -1;
        for (int i = 1; i < rows.size(); i++) {
            String version = rows.get(i).split(",", -1)[2];
            if (!version.equals("start-v1")) {
                swapAt = i;
                assertThat(version).isEqualTo(first.candidateVersion());
                break;
            }
        }
        assertThat(swapAt).isGreaterThan(1);
        LocalDateTime swapTime = LocalDateTime.parse(rows.get(swapAt).split(",")[0], TS);
        assertThat(swapTime).isAfter(LocalDateTime.ofEpochSecond(first.dataTo() / 1000, 0, java.time.ZoneOffset.UTC));
        // the origin layout's last row holds the K forecasts from the series' end
        String[] last = rows.get(rows.size() - 1).split(",", -1);
        assertThat(last).hasSize(6 + 3);
        for (int j = 3; j < last.length; j++) {
            assertThat(Double.parseDouble(last[j])).isFinite();
        }
        assertThat(Files.readString(out.resolve("learner-rounds.tsv"))).contains(first.candidateVersion() + "\tstart-v1");
        assertThat(Files.readString(out.resolve("prequential.txt"))).contains("rows served per model version")
                .contains(first.candidateVersion() + ": ");
        assertThat(out.resolve("models").resolve(first.candidateVersion() + ".scm")).isRegularFile();
    }

    @Test
    void nothingIsReadAheadEveryRowIsTheSameWithTheFutureCutOff() throws Exception {
        Path full = tmp.resolve("full");
        Path cut = tmp.resolve("cut");
        write(full, 0);
        write(cut, 150);
        run(full, tmp.resolve("out-full"), ForecastLayout.TARGET);
        PrequentialEvaluation.Result r = run(cut, tmp.resolve("out-cut"), ForecastLayout.TARGET);
        assertThat(r.rounds()).isNotEmpty();

        for (int key = 0; key < KEYS; key++) {
            List<String> whole = Files.readAllLines(tmp.resolve("out-full/hourly/s" + key + ".csv"));
            List<String> part = Files.readAllLines(tmp.resolve("out-cut/hourly/s" + key + ".csv"));
            assertThat(part).hasSize(HOURS - 150 + 1);
            assertThat(whole.subList(0, part.size())).isEqualTo(part);
        }
    }
}
