package io.streamcast.model.training.week;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamcast.model.core.WeekModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.training.TrainOptions;
import io.streamcast.model.training.Trainer;
import io.streamcast.model.training.data.Series;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The week model learns what a key's week says about its next day: on the last 48 points of each series, which it
 * never trained on, its forecast from the start of that part beats seasonal naive's (both scored here, from the
 * series, not by the trainer).
 */
class WeekModelTrainerTest {

    static final long HOUR = 3_600_000L;
    static final long T0 = java.time.Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    /**
     * Hourly series whose weekdays and weekends have different daily shapes, at levels from 5 to 5,000 (one network
     * for all: the logarithm), with 3% noise: seasonal naive is wrong every Monday and Saturday.
     */
    static List<Series> weeklyRhythms(int count, int weeks, long seed) {
        Random r = new Random(seed);
        List<Series> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int n = weeks * 7 * 24;
            long[] ts = new long[n];
            double[] v = new double[n];
            double level = 5 * Math.pow(10, 3.0 * s / Math.max(1, count - 1));
            double phase = r.nextDouble() * 2 * Math.PI;
            for (int t = 0; t < n; t++) {
                int hour = t % 24;
                int day = (t / 24) % 7;
                double shape = day >= 5 ? 0.5 + 0.2 * Math.sin(2 * Math.PI * hour / 24 + phase)
                        : 1.0 + 0.6 * Math.sin(2 * Math.PI * hour / 24 + phase);
                ts[t] = T0 + t * HOUR;
                v[t] = level * shape * (1 + 0.03 * r.nextGaussian());
            }
            out.add(new Series("week-" + s, "synthetic", ts, v));
        }
        return out;
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    @Test
    void learnsAWeeklyRhythmAndBeatsSeasonalNaiveOnPointsItDidNotSee() {
        List<Series> series = weeklyRhythms(6, 6, 3);
        int k = 24;
        WeekModelTrainer.Result r = WeekModelTrainer.train(series, k, 8, 4, 42, 0.2, 48, quiet());
        WeekModel m = r.model();
        assertThat(m).isNotNull();
        assertThat(m.period()).isEqualTo(24);
        assertThat(m.window()).isEqualTo(168);
        assertThat(r.series()).isEqualTo(6);
        double model = 0;
        double seasonal = 0;
        int better = 0;
        for (Series s : series) {
            double[] v = s.values();
            int split = v.length - 48;
            WeekModel.Scratch scratch = m.newScratch();
            for (int i = 0; i < 168; i++) {
                scratch.window()[i] = (float) v[split - 168 + i];
            }
            float[] f = new float[k];
            assertThat(m.forecast(scratch, k, f)).isTrue();
            double em = 0;
            double es = 0;
            for (int j = 0; j < k; j++) {
                em += Math.abs(v[split + j] - f[j]);
                es += Math.abs(v[split + j] - v[split + j - 24]);
            }
            model += em / v[split];
            seasonal += es / v[split];
            better += em < es ? 1 : 0;
        }
        assertThat(model).as("relative error summed over series").isLessThan(0.7 * seasonal);
        assertThat(better).isGreaterThanOrEqualTo(5);
        assertThat(r.valMase()).isLessThan(r.seasonalMase());
    }

    @Test
    void trainingWritesItsLogOnlyToTheGivenStreamNotSameDiffsLinesToStandardOutput() {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            WeekModelTrainer.train(weeklyRhythms(2, 4, 5), 24, 4, 1, 42, 0.2, 24,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("differentiated");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("week model epoch 1/1");
    }

    @Test
    void eachSeriesIsWeightedByItsOwnSeasonalNaiveErrorBeforeItsSplit() {
        int p = 2;
        // series 0 changes by 0.1 a season before its split, series 1 by 0.4; after the splits both jump, which the
        // weights must not see; series 2 repeats its seasons exactly: its s is the floor
        float[] a = {0f, 1f, 0.1f, 1.1f, 0f, 1f, 9f, 9f};
        float[] b = {0f, 1f, 0.4f, 1.4f, 0f, 1f, 0.4f, 1.4f, -9f};
        float[] c = {3f, 4f, 3f, 4f, 3f, 4f};
        float[] w = WeekModelTrainer.seriesWeights(List.of(a, b, c), List.of(6, 8, 6), p);
        double sa = 0.1;
        double sb = 0.4;
        double sc = WeekModelTrainer.MIN_SCALE;
        double mean = (sa + sb + sc) / 3;
        assertThat(w).hasSize(3);
        assertThat((double) w[0]).isCloseTo(0.5 * (1 + mean / sa), within(1e-5));
        assertThat((double) w[1]).isCloseTo(0.5 * (1 + mean / sb), within(1e-5));
        assertThat((double) w[2]).isCloseTo(0.5 * (1 + mean / sc), within(1e-3));
        assertThat(w[2]).isGreaterThan(w[0]).isGreaterThan(w[1]);
    }

    @Test
    void aSeriesWeighsHalfByItsRelativeErrorAndHalfByItsErrorInUnitsOfItsSeasonalNaive() {
        // a series of average seasonal-naive error: both halves count 1
        assertThat(WeekModelTrainer.lossWeight(0.05, 0.05)).isEqualTo(1.0);
        // a series whose seasonal naive is four times closer: its scaled error counts four times, its relative once
        assertThat(WeekModelTrainer.lossWeight(0.0125, 0.05)).isEqualTo((1 + 4) / 2.0);
        // one twice as rough: its scaled error counts half
        assertThat(WeekModelTrainer.lossWeight(0.1, 0.05)).isEqualTo((1 + 0.5) / 2.0);
    }

    @Test
    void fiveMinuteDataHasNoWeekToLearnFrom() {
        long[] ts = new long[3000];
        double[] v = new double[3000];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T0 + i * 300_000L;
            v[i] = 10 + Math.sin(i / 10.0);
        }
        Series s = new Series("five", "synthetic", ts, v);
        assertThat(WeekModelTrainer.weeklyRingPeriod(s)).isZero();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        WeekModelTrainer.Result r = WeekModelTrainer.train(List.of(s), 8, 4, 2, 42, 0.2, 0,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(r.model()).isNull();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("no series has a daily season");
    }

    @Test
    void trainWithAWeekModelWritesFormat5AndItsNumbersInTheProvenance(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        for (Series s : weeklyRhythms(2, 4, 5)) {
            StringBuilder b = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < s.size(); i++) {
                b.append(java.time.Instant.ofEpochMilli(s.timestamp(i)).toString().replace('T', ' ').replace("Z", ""))
                        .append(',').append(s.value(i)).append('\n');
            }
            Files.writeString(data.resolve(s.key() + ".csv"), b);
        }
        TrainOptions options = TrainOptions.builder(data, dir.resolve("w.scm")).hidden(8).horizon(24).epochs(1)
                .patience(0).progress(false).validationPoints(48).weekHidden(4).weekEpochs(2).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.train(options, new PrintStream(log, true, StandardCharsets.UTF_8));
        ModelArtifact art = ModelArtifactReader.read(dir.resolve("w.scm"));
        assertThat(art.formatVersion()).isEqualTo(5);
        assertThat(art.weekModel()).isNotNull();
        assertThat(art.weekModel().hidden()).isEqualTo(4);
        assertThat(art.weekModel().horizon()).isEqualTo(24);
        assertThat(art.provenance().validationMetrics()).containsKeys("week_val_mase", "week_val_smape",
                "week_best_epoch");
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("week model epoch 1/2").contains("week model epoch 2/2").contains("week model: kept epoch");
    }
}
