package io.streamcast.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.cell.KernelKind;
import io.streamcast.model.training.data.Series;
import io.streamcast.model.training.dataset.SeriesFeatures;
import io.streamcast.model.training.export.ModelExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {
    private static final List<Series> SINES = SineSeries.make(3, 1_200, 5);
    private static TrainedModel sineModel;

    private static TrainOptions.Builder small() {
        return TrainOptions.builder(Path.of("unused"), Path.of("unused.scm"))
                .calendar(false).hidden(16).horizon(4).tbptt(25).sequenceLength(50).epochs(12).patience(4)
                .lr(1e-2).progress(false);
    }

    @BeforeAll
    static void trainOnSines() {
        sineModel = Trainer.fit(SINES, small().residual(true).build(), quiet());
    }

    @Test
    void tinyRunOnNoisySinesBeatsPersistenceOnValidation() {
        assertThat(sineModel.metrics().mae1()).isLessThan(sineModel.metrics().persistenceMae1());
        assertThat(sineModel.metrics().mse()).isLessThan(sineModel.metrics().persistenceMse());
        assertThat(sineModel.bestEpoch()).isBetween(1, sineModel.epochsRun());
    }

    /**
     * The run keeps the epoch whose validation MASE (the default stop measure) was lowest, the final report quotes that
     * epoch's line, and its verdict is on the same measure as the lines (before, the epochs spoke of MSE and the end
     * of one-step MAE, and could disagree).
     */
    @Test
    void finalReportAgreesWithTheEpochLinesAndKeepsTheEpochWithTheLowestValidationMase() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrainedModel m = Trainer.fit(SINES, small().epochs(5).patience(0).build(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String log = out.toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher epoch = java.util.regex.Pattern
                .compile("(?m)^epoch (\\d+)/5 .* val MASE ([0-9.]+) sMAPE ([0-9.]+) ").matcher(log);
        int best = -1;
        double bestMase = Double.POSITIVE_INFINITY;
        String bestSmape = null;
        int lines = 0;
        while (epoch.find()) {
            lines++;
            double mase = Double.parseDouble(epoch.group(2));
            if (mase < bestMase) {
                bestMase = mase;
                best = Integer.parseInt(epoch.group(1));
                bestSmape = epoch.group(3);
            }
        }
        assertThat(lines).isEqualTo(5);
        assertThat(m.bestEpoch()).isEqualTo(best);
        assertThat(log).contains(String.format(java.util.Locale.ROOT, "kept epoch %d (its line: val MASE %.4f sMAPE %s,",
                best, bestMase, bestSmape));
        assertThat(m.dl4jMetrics().origin().mase()).isCloseTo(bestMase, org.assertj.core.data.Offset.offset(1e-4));
        // the verdict quotes the exported model's MASE, the number of the line above it
        java.util.regex.Matcher exported = java.util.regex.Pattern
                .compile("stream would: val MASE ([0-9.]+) ").matcher(log);
        assertThat(exported.find()).isTrue();
        assertThat(log).contains("verdict on validation MASE (the measure early stopping used): model "
                + exported.group(1) + ",");
        assertThat(Double.parseDouble(exported.group(1))).isCloseTo(m.metrics().origin().mase(),
                org.assertj.core.data.Offset.offset(1e-4));
    }

    /**
     * Hourly series: a daily profile on a trending, slightly wandering level (a different trend per series), so
     * seasonal naive repeats the profile well but is a day behind the level.
     */
    static List<Series> dailyProfilesOnATrend(int count, int length, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<Series> out = new java.util.ArrayList<>();
        for (int s = 0; s < count; s++) {
            long[] ts = new long[length];
            double[] v = new double[length];
            double level = 100 + 20 * s;
            double amplitude = 10 + 5 * s;
            double trend = 0.1 + 0.15 * s;
            for (int t = 0; t < length; t++) {
                level += trend + 0.2 * r.nextGaussian();
                ts[t] = SineSeries.START + t * SineSeries.HOUR;
                v[t] = level + amplitude * Math.sin(2 * Math.PI * (t % 24) / 24.0) + 0.3 * r.nextGaussian();
            }
            out.add(new Series("daily-" + s, "synthetic", ts, v));
        }
        return out;
    }

    /**
     * The seasonal head learns the level change that seasonal naive misses: on the last 48 points of each series,
     * which it never trained on, its forecasts from the series' end (and every origin after) beat seasonal naive's.
     */
    @Test
    void seasonalModelBeatsSeasonalNaiveOnPointsItDidNotSee() {
        TrainedModel m = Trainer.fit(dailyProfilesOnATrend(4, 1_000, 3), small().horizon(24).seasonal(true)
                .validationPoints(48).epochs(6).patience(0).build(), quiet());
        assertThat(m.model().headMode()).isEqualTo(HeadMode.SEASONAL);
        var o = m.metrics().origin();
        assertThat(o.series()).isEqualTo(4);
        assertThat(o.mase()).isLessThan(0.9 * o.seasonalMase());
        assertThat(o.betterThanSeasonal()).isGreaterThanOrEqualTo(3);
    }

    /** {@code --cell gru}: a SameDiff GRU, exported as reset-after GRU cells, written as format 3, and it learns. */
    @Test
    void gruTrainsEndToEndAndIsWrittenAsFormat3(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("sine.csv");
        writeCsv(csv, SINES.get(0));
        TrainOptions options = small().input(csv).out(dir.resolve("gru.scm")).cell("gru").epochs(6).patience(0)
                .residual(true).build();
        assertThat(options.cell()).isEqualTo(io.streamcast.model.core.cell.CellType.GRU_RESET_AFTER);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.train(options, new PrintStream(log, true, StandardCharsets.UTF_8));
        ModelArtifact art = ModelArtifactReader.read(dir.resolve("gru.scm"));
        assertThat(art.formatVersion()).isEqualTo(3);
        assertThat(art.model().layers()).allMatch(l -> l.type() == io.streamcast.model.core.cell.CellType.GRU_RESET_AFTER);
        assertThat(Files.size(options.dl4jModelPath())).isPositive();
        String text = log.toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher exported = java.util.regex.Pattern.compile("stream would: val MASE ([0-9.]+) sMAPE")
                .matcher(text);
        assertThat(exported.find()).isTrue();
        java.util.regex.Matcher firstMase = java.util.regex.Pattern.compile("(?m)^epoch 1/6 .* val MASE ([0-9.]+) ")
                .matcher(text);
        assertThat(firstMase.find()).isTrue();
        assertThat(Double.parseDouble(exported.group(1))).as("the kept epoch is better than the first")
                .isLessThan(Double.parseDouble(firstMase.group(1)));
        assertThat(text).doesNotContain("train loss NaN");
    }

    @Test
    void exportedForecasterAgreesWithDl4jOnValidation() {
        // the metrics of the exported model (core Forecaster over full history) and DL4J's (burn-in windows)
        // are computed by different code paths; they must tell the same story
        double core = sineModel.metrics().mse();
        double dl4j = sineModel.dl4jMetrics().mse();
        assertThat(core).isCloseTo(dl4j, org.assertj.core.data.Percentage.withPercentage(25));
    }

    @Test
    void residualRunTrainsAResidualHead() {
        assertThat(sineModel.model().headMode()).isEqualTo(HeadMode.RESIDUAL);
    }

    /**
     * The network outputs the change from the current scaled value; the residual model's forecaster adds that value:
     * forecaster output == network output + x_t[VALUE]. The same weights exported as a direct head reproduce the
     * network output itself.
     */
    @Test
    void trainedModelMatchesRnnTimeStepOverAThousandSteps() {
        MultiLayerNetwork net = sineModel.network();
        ForecastModel model = sineModel.model();
        ForecastModel direct = ModelExporter.export(net, model.features(), HeadMode.DIRECT);
        assertThat(model.residual()).isTrue();
        SeriesFeatures sf = SeriesFeatures.compute(SINES.get(1), model.features(), io.streamcast.model.core.feature.ScalerPolicy.DEFAULT,
                model.horizon());
        int k = model.horizon();
        int steps = 1_000;
        for (KernelKind kind : KernelKind.values()) {
            if (kind == KernelKind.VECTOR && !io.streamcast.model.core.cell.Kernels.vectorAvailable()) {
                continue;
            }
            Forecaster f = model.newForecaster(kind);
            Forecaster fd = direct.newForecaster(kind);
            float[] state = model.newState();
            float[] directState = direct.newState();
            float[] x = new float[model.inputSize()];
            float[] out = new float[k];
            float[] directOut = new float[k];
            float[] core = new float[steps * k];
            float[] coreDirect = new float[steps * k];
            float[] dl4j = new float[steps * k];
            float[] dl4jPlusValue = new float[steps * k];
            net.rnnClearPreviousState();
            for (int t = 0; t < steps; t++) {
                sf.features(t, x);
                f.step(x, state, out);
                fd.step(x, directState, directOut);
                System.arraycopy(out, 0, core, t * k, k);
                System.arraycopy(directOut, 0, coreDirect, t * k, k);
                INDArray y = net.rnnTimeStep(Nd4j.create(x, new long[] {1, x.length, 1}, 'c'));
                float[] yv = y.reshape(k).toFloatVector();
                for (int j = 0; j < k; j++) {
                    dl4j[t * k + j] = yv[j];
                    dl4jPlusValue[t * k + j] = yv[j] + x[0];
                }
            }
            assertThat(Math.sqrt(sumSquares(dl4j, null))).as("network output is not trivially zero")
                    .isGreaterThan(1.0);
            assertThat(Math.sqrt(sumSquares(dl4jPlusValue, null))).isGreaterThan(10.0);
            assertThat(Math.sqrt(sumSquares(core, dl4jPlusValue) / sumSquares(dl4jPlusValue, null)))
                    .as("%s kernel: residual forecaster vs network output + x", kind).isLessThanOrEqualTo(1e-5);
            assertThat(Math.sqrt(sumSquares(coreDirect, dl4j) / sumSquares(dl4j, null)))
                    .as("%s kernel: direct export vs network output", kind).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        TrainOptions options = small().epochs(2).patience(0).build();
        TrainedModel a = Trainer.fit(SINES, options, quiet());
        TrainedModel b = Trainer.fit(SINES, options, quiet());
        TrainedModel c = Trainer.fit(SINES, options.toBuilder().seed(options.seed() + 1).build(), quiet());
        assertThat(a.network().params().toFloatVector()).containsExactly(b.network().params().toFloatVector());
        assertThat(a.model().layers()).isEqualTo(b.model().layers());
        assertThat(a.model().head()).isEqualTo(b.model().head());
        assertThat(a.network().params().toFloatVector()).isNotEqualTo(c.network().params().toFloatVector());
    }

    @Test
    void theProvenanceNamesEachDataFolderWithItsSeriesAndTheNotesBesideThem(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("bundle");
        Files.createDirectories(data.resolve("nab/realTweets"));
        Files.createDirectories(data.resolve("m4"));
        Files.writeString(data.resolve("nab/LICENSE.txt"), "MIT");
        Files.writeString(data.resolve("m4/README.md"), "M4 Hourly");
        Files.writeString(data.resolve("m4/notes.txt"), "not a licence or readme");
        List<Series> series = List.of(
                new Series("nab/realTweets/a.csv", data.resolve("nab/realTweets/a.csv").toString(), new long[1], new double[1]),
                new Series("m4/H1.csv", data.resolve("m4/H1.csv").toString(), new long[1], new double[1]),
                new Series("m4/H2.csv", data.resolve("m4/H2.csv").toString(), new long[1], new double[1]),
                new Series("m4/H3.csv", data.resolve("m4/H3.csv").toString(), new long[1], new double[1]));
        // H3 was too short to train on: only the series trained on count
        assertThat(Trainer.describeData(data, series, List.of("nab/realTweets/a.csv", "m4/H1.csv", "m4/H2.csv")))
                .isEqualTo(data.toAbsolutePath().normalize() + " (3 series: m4/ 2 with README.md; nab/ 1 with LICENSE.txt)");
        assertThat(Trainer.describeData(data.resolve("m4/H1.csv"), series.subList(1, 2), List.of("m4/H1.csv")))
                .isEqualTo(data.resolve("m4/H1.csv").toAbsolutePath().normalize() + " (1 series)");
    }

    @Test
    void trainWritesAReadableArtifactWithProvenanceAndTheDl4jZip(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("nested"));
        writeCsv(data.resolve("a.csv"), SINES.get(0));
        writeCsv(data.resolve("nested/b.csv"), SINES.get(1));
        Path out = dir.resolve("models/sine.scm");
        TrainOptions options = small().input(data).out(out).epochs(2).patience(0).seed(9).modelVersion("sine-test")
                .build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainResult result = Trainer.train(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(result.artifact()).isEqualTo(out.toAbsolutePath()).exists();
        assertThat(result.dl4jModel()).isEqualTo(dir.resolve("models/sine.dl4j.zip").toAbsolutePath()).exists();
        assertThat(result.series()).isEqualTo(2);
        assertThat(result.points()).isEqualTo(2_400);
        assertThat(result.epochsRun()).isEqualTo(2);

        ModelArtifact artifact = ModelArtifactReader.read(out);
        assertThat(artifact.modelVersion()).isEqualTo("sine-test");
        assertThat(artifact.provenance().seed()).isEqualTo(9);
        assertThat(artifact.provenance().tbpttLength()).isEqualTo(25);
        assertThat(artifact.provenance().learningRate()).isEqualTo(1e-2);
        assertThat(artifact.provenance().rows()).isEqualTo(2_400);
        // a.csv at the top, b.csv in a folder of its own: each named with its count
        assertThat(artifact.provenance().data()).isEqualTo(data.toAbsolutePath().normalize() + " (2 series: ./ 1; nested/ 1)");
        assertThat(artifact.provenance().validationMetrics())
                .containsEntry("val_mae", result.metrics().mae1())
                .containsEntry("val_mae_persistence", result.metrics().persistenceMae1());
        assertThat(artifact.model().features()).isEqualTo(options.features());
        assertThat(artifact.model().headMode()).as("the default head").isEqualTo(HeadMode.DIRECT);
        assertThat(artifact.formatVersion()).isEqualTo(2);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(result.dl4jModel().toFile());
        ForecastModel fromZip = ModelExporter.export(restored, options.features(), options.headMode());
        assertThat(fromZip.layers()).isEqualTo(artifact.model().layers());
        assertThat(fromZip.head()).isEqualTo(artifact.model().head());

        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("epoch 1/2").contains("epoch 2/2").contains("persistence").contains("wrote");
    }

    @Test
    void refusesDataWithNoSeriesLongEnough() {
        List<Series> tiny = SineSeries.make(2, 7, 1); // horizon 4 needs 8 points
        assertThatThrownBy(() -> Trainer.fit(tiny, small().build(), quiet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no series with at least 8 points among 2");
    }

    @Test
    void noResidualTrainsOnTheValuesAndExportsADirectHead() {
        TrainedModel direct = Trainer.fit(SINES, small().residual(false).epochs(3).patience(0).build(), quiet());
        assertThat(direct.model().headMode()).isEqualTo(HeadMode.DIRECT);
        // the forecaster's metrics (full history) and DL4J's (burn-in windows, no value added back) agree
        assertThat(direct.metrics().mse()).isCloseTo(direct.dl4jMetrics().mse(),
                org.assertj.core.data.Percentage.withPercentage(25));
        assertThat(direct.metrics().mse()).isLessThan(direct.metrics().persistenceMse());
    }

    /** Σ (a − b)², or Σ a² when b is null, in double. */
    private static double sumSquares(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = b == null ? a[i] : (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static void writeCsv(Path file, Series s) throws IOException {
        StringBuilder b = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < s.size(); i++) {
            b.append(java.time.Instant.ofEpochMilli(s.timestamp(i)).toString().replace('T', ' ').replace("Z", ""))
                    .append(',').append(s.value(i)).append('\n');
        }
        Files.writeString(file, b);
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
