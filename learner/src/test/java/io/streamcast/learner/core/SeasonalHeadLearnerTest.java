package io.streamcast.learner.core;

import static io.streamcast.learner.core.LearnerTestData.HOUR;
import static io.streamcast.learner.core.LearnerTestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamcast.model.core.HeadMode;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving models with a seasonal head ({@code train --seasonal}): the learner retrains them with their own head and
 * features, and judges every model by the forecasts the job would serve with it.
 */
class SeasonalHeadLearnerTest {
    static final int KEYS = 5;
    static final int STEPS = 400;
    static final int HOLDOUT = 48;

    @TempDir
    java.nio.file.Path tmp;

    static LearnerConfig config() {
        return LearnerConfig.builder().maxKeys(16).pointsPerKey(STEPS).holdout(HOLDOUT)
                .everyEvents((long) KEYS * STEPS).everyEventTime(null).minPoints(0).epochs(12).patience(3).build();
    }

    /** The hourly test stream (a daily season on AR(1) noise) in event time, into {@code sink}. */
    interface Sink {
        Optional<Learner.Round> add(String key, long t, double v);
    }

    static Optional<Learner.Round> feed(Sink sink) {
        double[][] noise = new double[KEYS][];
        for (int k = 0; k < KEYS; k++) {
            noise[k] = LearnerTestData.noise(STEPS, 100 + k);
        }
        Optional<Learner.Round> first = Optional.empty();
        for (int t = 0; t < STEPS; t++) {
            for (int k = 0; k < KEYS; k++) {
                Optional<Learner.Round> r = sink.add("key-" + k, T0 + t * HOUR, LearnerTestData.value(k, t, noise[k]));
                if (r != null && first.isEmpty()) {
                    first = r;
                }
            }
        }
        return first;
    }

    /** The splits a round sees at the stream's last event: every key's last HOLDOUT events held back. */
    static List<WindowSample.KeySplit> splits() {
        WindowSample sample = new WindowSample(16, STEPS);
        feed((key, t, v) -> {
            sample.add(key, t, v);
            return null;
        });
        return sample.split(HOLDOUT);
    }

    /**
     * Computed here, apart from the validator: each key stepped by the job's {@code SeriesStep} from its first
     * event; every forecast made from the last training point on whose target is held back, at every horizon;
     * its MAE over the key's mean absolute one-step change in the training part, averaged over keys.
     *
     * @return {served, model}: the served forecasts' score and the network's own
     */
    static double[] servedScore(ModelArtifact a, List<WindowSample.KeySplit> splits) throws Exception {
        ServingModel m = new ServingModel(a, "-");
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        double served = 0;
        double model = 0;
        int keys = 0;
        for (WindowSample.KeySplit s : splits) {
            double[] y = s.values();
            int split = s.validationStart();
            double scale = 0;
            for (int i = 1; i < split; i++) {
                scale += Math.abs(y[i] - y[i - 1]);
            }
            scale /= split - 1;
            SeriesState state = step.newState(m);
            double es = 0;
            double em = 0;
            long n = 0;
            for (int i = 0; i < y.length - 1; i++) {
                step.step(state, m, s.timestamps()[i], y[i], SeriesStep.Lineage.NONE);
                for (int h = 1; i >= split - 1 && h <= a.model().horizon() && i + h < y.length; h++) {
                    es += Math.abs(step.forecast()[h - 1] - y[i + h]);
                    em += Math.abs(step.modelForecast()[h - 1] - y[i + h]);
                    n++;
                }
            }
            served += es / n / scale;
            model += em / n / scale;
            keys++;
        }
        return new double[] {served / keys, model / keys};
    }

    @Test
    void theTrainerKeepsASeasonalHeadAndItsFeaturesAndRefusesFeaturesItCannotProduce() {
        var seasonal = LearnerTestData.untrainedSeasonal(8, 4, 7, 1f);
        var options = Dl4jCandidateTrainer.of(config()).options(LearnerTestData.artifact(seasonal, "seasonal"), 1);
        assertThat(options.headMode()).isEqualTo(HeadMode.SEASONAL);
        assertThat(options.features()).isEqualTo(seasonal.features());

        var plain = LearnerTestData.untrained(8, 4, 7);
        var odd = new io.streamcast.model.core.ForecastModel(plain.layers(), plain.head(),
                io.streamcast.model.core.feature.FeatureSpec.of(io.streamcast.model.core.feature.Feature.VALUE,
                        io.streamcast.model.core.feature.Feature.HOUR_SIN,
                        io.streamcast.model.core.feature.Feature.HOUR_COS,
                        io.streamcast.model.core.feature.Feature.DOW_SIN,
                        io.streamcast.model.core.feature.Feature.SEASONAL_DIFF),
                plain.horizon(), plain.headMode());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dl4jCandidateTrainer.of(config()).options(LearnerTestData.artifact(odd, "odd"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the trainer cannot reproduce them");
    }

    @Test
    void theTrainerKeepsTheServingModelsScalerTransformAndRefusesAScalerItCannotProduce() {
        var seasonal = LearnerTestData.untrainedSeasonal(8, 4, 7, 1f);
        ModelArtifact logged = ModelArtifact.of(seasonal, io.streamcast.model.core.feature.ScalerPolicy.SIGNED_LOG,
                io.streamcast.model.core.artifact.Provenance.none(java.time.Instant.EPOCH), "logged");
        var options = Dl4jCandidateTrainer.of(config()).options(logged, 1);
        assertThat(options.scalerPolicy()).isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.SIGNED_LOG);
        assertThat(Dl4jCandidateTrainer.of(config()).options(LearnerTestData.artifact(seasonal, "plain"), 1)
                .scalerPolicy()).isEqualTo(io.streamcast.model.core.feature.ScalerPolicy.DEFAULT);
        ModelArtifact otherFloors = ModelArtifact.of(seasonal, new io.streamcast.model.core.feature.ScalerPolicy(0.01, 1e-6),
                io.streamcast.model.core.artifact.Provenance.none(java.time.Instant.EPOCH), "floors");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dl4jCandidateTrainer.of(config()).options(otherFloors, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the trainer cannot reproduce it");
    }

    @Test
    void theValidatorScoresASeasonalHeadOnItsSeasonalBaseAndByWhatTheJobServes() throws Exception {
        // a head that outputs zeros: the network's forecast is exactly seasonal naive (once a key has a season)
        ModelArtifact zero = LearnerTestData.artifact(LearnerTestData.untrainedSeasonal(8, 4, 7, 0f), "zero-head");
        List<WindowSample.KeySplit> splits = splits();

        CandidateValidator.Scores s = new CandidateValidator().score(zero, splits);

        assertThat(s.keys()).isEqualTo(KEYS);
        // a validator stepping the network without its seasonal base would score it as persistence
        assertThat(Math.abs(s.seasonalNaive() - s.persistence())).isGreaterThan(0.05 * s.persistence());
        assertThat(s.model()).isCloseTo(s.seasonalNaive(), within(1e-4 * s.seasonalNaive()));
        double[] independent = servedScore(zero, splits);
        assertThat(s.served()).isCloseTo(independent[0], within(1e-12));
        assertThat(s.model()).isCloseTo(independent[1], within(1e-12));
    }

    @Test
    void aLearnerServingASeasonalHeadModelRetrainsItAndAcceptsABetterCandidate() throws Exception {
        ModelArtifact serving = LearnerTestData.artifact(LearnerTestData.untrainedSeasonal(8, 4, 7, 3f),
                "seasonal-untrained-v1");
        Learner l = new Learner(config(), serving, LearnerTestData.sha(serving), Dl4jCandidateTrainer.of(config()),
                new DirectoryModelStore(tmp.resolve("models")));

        Learner.Round r = feed(l::onEvent).orElseThrow();

        assertThat(r.accepted()).as(r.describe()).isTrue();
        ModelArtifact learned = l.serving();
        assertThat(learned.modelVersion()).isEqualTo(r.candidateVersion());
        assertThat(learned.model().headMode()).isEqualTo(HeadMode.SEASONAL);
        assertThat(learned.model().features()).isEqualTo(serving.model().features());
        assertThat(learned.model().stateSize()).isEqualTo(serving.model().stateSize());
        // the round's numbers are those of the forecasts the job serves with each model, computed apart
        List<WindowSample.KeySplit> splits = splits();
        double[] parent = servedScore(serving, splits);
        double[] candidate = servedScore(learned, splits);
        assertThat(r.serving().served()).isCloseTo(parent[0], within(1e-12));
        assertThat(r.serving().model()).isCloseTo(parent[1], within(1e-12));
        assertThat(r.candidate().served()).isCloseTo(candidate[0], within(1e-12));
        assertThat(r.candidate().model()).isCloseTo(candidate[1], within(1e-12));
        assertThat(candidate[1]).isLessThan(parent[1] * (1 - config().margin()));
        assertThat(candidate[0]).isLessThanOrEqualTo(Math.min(r.candidate().persistence(),
                r.candidate().seasonalNaive()));
    }
}
