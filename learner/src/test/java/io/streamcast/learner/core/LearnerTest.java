package io.streamcast.learner.core;

import static io.streamcast.learner.core.LearnerTestData.HOUR;
import static io.streamcast.learner.core.LearnerTestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.feature.ScalerPolicy;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LearnerTest {
    static final int KEYS = 5;
    static final int STEPS = 400;
    static final String UNTRAINED = "untrained-v1";

    /** A model the real trainer fitted to the test stream, shared by the tests that need a good candidate. */
    static ForecastModel trained;

    @TempDir
    Path tmp;

    static LearnerConfig config() {
        return LearnerConfig.builder().maxKeys(16).pointsPerKey(STEPS).holdout(48).everyEvents((long) KEYS * STEPS)
                .everyEventTime(null).minPoints(0).epochs(4).patience(2).build();
    }

    static ModelArtifact untrained() {
        return LearnerTestData.artifact(LearnerTestData.untrained(8, 4, 7), UNTRAINED);
    }

    @BeforeAll
    static void trainOnce() throws Exception {
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> {
                    CandidateTrainer.Trained t = Dl4jCandidateTrainer.of(config()).train(series, serving, seed);
                    trained = t.model();
                    return t;
                }, new DirectoryModelStore(Files.createTempDirectory("learner-test-store")));
        assertThat(feed(l)).isPresent();
        assertThat(trained).isNotNull();
    }

    /** The test stream: KEYS hourly keys in event time, STEPS events each; returns the first round's result. */
    static Optional<Learner.Round> feed(Learner l) {
        double[][] noise = new double[KEYS][];
        for (int k = 0; k < KEYS; k++) {
            noise[k] = LearnerTestData.noise(STEPS, 100 + k);
        }
        Optional<Learner.Round> first = Optional.empty();
        for (int t = 0; t < STEPS; t++) {
            for (int k = 0; k < KEYS; k++) {
                Optional<Learner.Round> r = l.onEvent("key-" + k, T0 + t * HOUR, LearnerTestData.value(k, t, noise[k]));
                if (first.isEmpty()) {
                    first = r;
                }
            }
        }
        return first;
    }

    @Test
    void learnsAVersionThatBeatsAnUntrainedModelAndStoresItWithProvenance() throws Exception {
        Path store = tmp.resolve("models");
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                Dl4jCandidateTrainer.of(config()), new DirectoryModelStore(store));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).as(r.describe()).isTrue();
        assertThat(r.candidate().model()).isLessThan(r.serving().model() * (1 - config().margin()));
        assertThat(r.candidate().served()).isLessThanOrEqualTo(r.serving().served())
                .isLessThanOrEqualTo(r.candidate().bestBaseline());
        assertThat(r.candidate().keys()).isEqualTo(KEYS);
        assertThat(r.trainPoints()).isEqualTo((long) KEYS * (STEPS - 48));

        ModelAnnouncement a = r.announcement();
        Path file = Path.of(URI.create(a.uri()));
        assertThat(file.getParent()).isEqualTo(store.toAbsolutePath());
        assertThat(ModelArtifactReader.sha256(file)).isEqualTo(a.sha256());
        ModelArtifact stored = ModelArtifactReader.read(file);
        assertThat(stored.modelVersion()).isEqualTo(a.version()).isEqualTo(r.candidateVersion()).startsWith("learned-1-");
        assertThat(stored.provenance().data()).contains("parent " + UNTRAINED).contains(KEYS + " keys");
        assertThat(stored.provenance().validationMetrics())
                .containsEntry("val_score", r.candidate().model())
                .containsEntry("val_score_parent", r.serving().model())
                .containsEntry("data_to_ms", (double) (T0 + (STEPS - 49) * HOUR));
        assertThat(l.serving().modelVersion()).isEqualTo(a.version());
        assertThat(l.servingSha()).isEqualTo(a.sha256());
        assertThat(l.accepted()).isEqualTo(1);

        JsonNode json = new ObjectMapper().readTree(a.toJson());
        assertThat(json.get("version").asText()).isEqualTo(a.version());
        assertThat(json.get("uri").asText()).isEqualTo(a.uri());
        assertThat(json.get("sha256").asText()).isEqualTo(a.sha256());
    }

    /** A serving model's week model (trained offline across keys) goes on with the network a round retrains. */
    @Test
    void anAcceptedVersionKeepsTheServingModelsWeekModel() throws Exception {
        int k = 4;
        int l = 7 * 24;
        float[] wl = new float[l * k];
        for (int j = 0; j < k; j++) {
            wl[j * k + j] = 1; // weekly naive: f_{j+1} = y_{t+j+1−168}, the window's (j)th value, oldest first
        }
        io.streamcast.model.core.WeekModel week = new io.streamcast.model.core.WeekModel(24, 2, k, wl, new float[k],
                new float[l * 2], new float[2], new float[2 * k]);
        ModelArtifact serving = untrained().withWeekModel(week);
        Path store = tmp.resolve("models-week");
        Learner l2 = new Learner(config(), serving, LearnerTestData.sha(serving),
                (series, s, seed) -> new CandidateTrainer.Trained(trained, ScalerPolicy.DEFAULT, 1, 0.005, 50, 1, seed),
                new DirectoryModelStore(store));
        Learner.Round r = feed(l2).orElseThrow();
        assertThat(r.accepted()).as(r.describe()).isTrue();
        ModelArtifact stored = ModelArtifactReader.read(Path.of(URI.create(r.announcement().uri())));
        assertThat(stored.weekModel()).isEqualTo(week);
        assertThat(stored.formatVersion()).isEqualTo(5);
        assertThat(stored.provenance().data()).contains("its week model kept");
        assertThat(l2.serving().weekModel()).isEqualTo(week);
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void aCandidateWithANonFiniteWeightIsRefusedAndServingStays(float bad) {
        Path store = tmp.resolve("models");
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> new CandidateTrainer.Trained(LearnerTestData.withFirstWeight(trained, bad),
                        ScalerPolicy.DEFAULT, 1, 0.005, 50, 1, seed), new DirectoryModelStore(store));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).isFalse();
        assertThat(r.reason()).contains("non-finite weight").contains("layer 0 W[0] = " + bad);
        assertThat(r.announcement()).isNull();
        assertThat(l.serving().modelVersion()).isEqualTo(UNTRAINED);
        assertThat(l.refused()).isEqualTo(1);
        assertThat(store).doesNotExist();
    }

    @Test
    void trainingThatDivergesIsRefusedWithTheTrainersMessage() {
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> {
                    throw new IllegalStateException("training diverged: validation MSE was never finite");
                }, new DirectoryModelStore(tmp.resolve("models")));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).isFalse();
        assertThat(r.reason()).isEqualTo("training failed: training diverged: validation MSE was never finite");
        assertThat(l.serving().modelVersion()).isEqualTo(UNTRAINED);
    }

    @Test
    void aRoundInterruptedWhileTrainingFailsInsteadOfRefusingTheCandidate() {
        // a paced round sleeping between minibatches when its task is cancelled: Trainer.pause restores the interrupt
        // flag and throws; that is the task ending, not a candidate to report as refused
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("training interrupted while pausing for its CPU share");
                }, new DirectoryModelStore(tmp.resolve("models")));
        try {
            assertThatThrownBy(() -> feed(l)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("interrupted");
            assertThat(l.serving().modelVersion()).isEqualTo(UNTRAINED);
        } finally {
            Thread.interrupted(); // clear the flag for the tests that follow
        }
    }

    @Test
    void aCandidateWhoseForecastsBlowUpIsRefused() {
        ForecastModel t = trained;
        ForecastModel huge = LearnerTestData.withFirstWeight(t, 1e30f);
        huge = new ForecastModel(huge.layers(), new io.streamcast.model.core.DenseHead(t.head().inputSize(),
                t.head().outputSize(), scaled(t.head().w(), 1e30f), t.head().b()), t.features(), t.horizon(),
                t.headMode());
        ForecastModel candidate = huge;
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> new CandidateTrainer.Trained(candidate, ScalerPolicy.DEFAULT, 1, 0.005, 50, 1,
                        seed),
                new DirectoryModelStore(tmp.resolve("models")));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).isFalse();
        assertThat(r.reason()).containsAnyOf("not finite", "not better than the serving model");
        assertThat(l.serving().modelVersion()).isEqualTo(UNTRAINED);
    }

    @Test
    void anUnwritableStoreRefusesTheCandidateAndServingStays() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> new CandidateTrainer.Trained(trained, ScalerPolicy.DEFAULT, 1, 0.005, 50, 1,
                        seed),
                new DirectoryModelStore(file.resolve("models")));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).isFalse();
        assertThat(r.reason()).contains("cannot be written").contains(file.resolve("models").toString());
        assertThat(r.candidate().model()).isLessThan(r.serving().model()); // it would have been accepted
        assertThat(l.serving().modelVersion()).isEqualTo(UNTRAINED);
        assertThat(l.refused()).isEqualTo(1);
    }

    @Test
    void aCandidateNoBetterThanTheServingModelByTheMarginIsRefused() {
        ModelArtifact serving = LearnerTestData.artifact(trained, "trained-v1");
        Learner l = new Learner(config(), serving, LearnerTestData.sha(serving),
                (series, s, seed) -> new CandidateTrainer.Trained(trained, ScalerPolicy.DEFAULT, 1, 0.005, 50, 1,
                        seed),
                new DirectoryModelStore(tmp.resolve("models")));
        Learner.Round r = feed(l).orElseThrow();

        assertThat(r.accepted()).isFalse();
        assertThat(r.candidate().model()).isEqualTo(r.serving().model());
        assertThat(r.reason()).startsWith("not better than the serving model by the margin 0.020");
        assertThat(l.serving().modelVersion()).isEqualTo("trained-v1");
    }

    @Test
    void aSecondRoundValidatesOnlyOnEventsAfterTheFirstVersionsTrainingData() {
        Learner l = new Learner(config(), untrained(), LearnerTestData.sha(untrained()),
                (series, serving, seed) -> new CandidateTrainer.Trained(trained, ScalerPolicy.DEFAULT, 1, 0.005, 50, 1,
                        seed),
                new DirectoryModelStore(tmp.resolve("models")));
        assertThat(feed(l).orElseThrow().accepted()).isTrue();
        // no new events: every held event is either trained on or was the first round's validation data, which the
        // serving model did not train on: 48 per key remain unseen
        List<WindowSample.KeySplit> splits = l.sample().split(48);
        assertThat(splits).allSatisfy(s -> assertThat(s.size() - s.validationStart()).isEqualTo(48));
        // one more event per key: still only 48 held back, and the training part grows by one
        for (int k = 0; k < KEYS; k++) {
            l.sample().add("key-" + k, T0 + STEPS * HOUR, 30);
        }
        assertThat(l.sample().split(48)).allSatisfy(s -> assertThat(s.validationStart()).isEqualTo(STEPS - 48));
    }

    private static float[] scaled(float[] a, float f) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= f;
        }
        return out;
    }
}
