package io.streamcast.model.core.series;

import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.HalfFloat;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.TestModels;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-key algorithm on its own: no stream processor, one key's state in a local variable. */
class SeriesStepTest {

    static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    static final long FIVE_MINUTES = 300_000L;
    static final int K = 4;

    static ServingModel model(long seed, String version) {
        ForecastModel m = TestModels.random(seed, FeatureSpec.VALUE_AND_CALENDAR, K, new CellType[] {CellType.LSTM},
                new int[] {8});
        return new ServingModel(ModelArtifact.of(m, ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH), version),
                "sha-" + version);
    }

    static double value(int t, SplittableRandom rnd) {
        return 50 * (1 + 0.3 * Math.sin(2 * Math.PI * t / 288.0) + 0.02 * (rnd.nextDouble() - 0.5));
    }

    static SeriesStep step(boolean keep) {
        return new SeriesStep(AnomalyConfig.defaults(), keep);
    }

    @Test
    void forecastsAreTheModelsStepOnTheScaledValueCombinedWithPersistence() throws Exception {
        ServingModel m = model(11, "a");
        SeriesStep step = step(true);
        SeriesState s = step.newState(m);

        // the same composition, from the parts: scale, encode, step, unscale, combine
        ForecastModel fm = m.forecaster.model();
        Forecaster f = fm.newForecaster();
        FeatureEncoder enc = new FeatureEncoder(fm.features());
        OnlineScaler scaler = new OnlineScaler(ScalerPolicy.DEFAULT);
        float[] recurrent = fm.newState();
        PersistenceBlend blend = new PersistenceBlend();
        float[] blendState = new float[PersistenceBlend.STATE_SIZE];
        blend.init(blendState, 0);
        float[] x = new float[fm.inputSize()];
        float[] out = new float[K];
        float[] expected = new float[K];

        SplittableRandom rnd = new SplittableRandom(5);
        for (int t = 0; t < 300; t++) {
            long ts = T0 + t * FIVE_MINUTES;
            double v = value(t, rnd);
            step.step(s, m, ts, v, SeriesStep.Lineage.NONE);

            blend.observe(blendState, 0, v);
            scaler.observe(v);
            enc.encode(scaler.scale(v), ts, x);
            f.step(x, recurrent, out);
            HalfFloat.roundInPlace(recurrent); // kept in half precision; this event's forecast is from the floats
            for (int j = 0; j < K; j++) {
                expected[j] = (float) scaler.unscale(out[j]);
            }
            blend.blend(blendState, 0, expected, K);
            assertThat(step.forecast()).as("forecast at event %d", t).containsExactly(expected);
            assertThat(s.recurrent).containsExactly(recurrent);
        }
        assertThat(s.scalerCount).isEqualTo(300);
        assertThat(s.lastTimestamp).isEqualTo(T0 + 299 * FIVE_MINUTES);
        for (int j = 0; j < K; j++) {
            assertThat(step.lower()[j]).as("lower bound of horizon %d", j + 1).isLessThan(step.forecast()[j]);
            assertThat(step.upper()[j]).as("upper bound of horizon %d", j + 1).isGreaterThan(step.forecast()[j]);
        }
    }

    @Test
    void anEventNotNewerThanTheKeysLastIsRefusedAndChangesNothing() throws Exception {
        ServingModel m = model(11, "a");
        SeriesStep step = step(true);
        SeriesState s = step.newState(m);
        step.step(s, m, T0, 10, SeriesStep.Lineage.NONE);
        SeriesState before = s.copy();
        assertThat(SeriesStep.accepts(s, T0)).isFalse();
        assertThat(SeriesStep.accepts(s, T0 - 1)).isFalse();
        assertThat(SeriesStep.accepts(s, T0 + 1)).isTrue();
        assertThatThrownBy(() -> step.step(s, m, T0, 11, SeriesStep.Lineage.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event time " + T0 + " is not after the key's last accepted event time " + T0);
        assertThat(s).isEqualTo(before);
    }

    @Test
    void aKeyAdoptingAModelOfTheSameArchitectureKeepsItsRecurrentStateUnlessThePolicySaysNot() throws Exception {
        ServingModel a = model(11, "a");
        ServingModel b = model(12, "b");
        assertThat(b.archTag).as("same cells, sizes, features and horizon").isEqualTo(a.archTag);
        SeriesStep.Lineage knowsA = tag -> tag == a.modelTag ? a.archTag : 0;
        for (boolean keep : new boolean[] {true, false}) {
            SeriesStep step = step(keep);
            SeriesState s = step.newState(a);
            SplittableRandom rnd = new SplittableRandom(5);
            for (int t = 0; t < 50; t++) {
                step.step(s, a, T0 + t * FIVE_MINUTES, value(t, rnd), knowsA);
            }
            float[] recurrent = s.recurrent.clone();
            step.adopt(s, b, knowsA, false);
            assertThat(s.modelTag).isEqualTo(b.modelTag);
            if (keep) {
                assertThat(s.recurrent).as("kept").containsExactly(recurrent);
                assertThat(s.modelSince).isZero();
            } else {
                assertThat(s.recurrent).as("afresh").containsOnly(0f);
                assertThat(s.modelSince).as("the intervals restart at this event").isEqualTo(50);
            }
            assertThat(s.scalerCount).as("the series' own statistics are kept").isEqualTo(50);
        }
    }

    @Test
    void aKeyWhoseModelIsUnknownStartsItsRecurrentStateAfresh() throws Exception {
        ServingModel a = model(11, "a");
        ServingModel b = model(12, "b");
        SeriesStep step = step(true);
        SeriesState s = step.newState(a);
        step.step(s, a, T0, 10, SeriesStep.Lineage.NONE);
        step.step(s, a, T0 + FIVE_MINUTES, 11, SeriesStep.Lineage.NONE);
        float[] scorer = Arrays.copyOf(s.stats, AnomalyScorer.STATE_SIZE);
        // the next event is served by b; a is in no lineage (e.g. a savepoint restored without its broadcast state)
        step.step(s, b, T0 + 2 * FIVE_MINUTES, 12, SeriesStep.Lineage.NONE);
        assertThat(s.modelTag).isEqualTo(b.modelTag);
        assertThat(s.modelSince).isEqualTo(2);
        assertThat(scorer).as("scored before b took over").isNotEqualTo(Arrays.copyOf(s.stats, AnomalyScorer.STATE_SIZE));
    }

    /**
     * A key of layout 6 (the profile's means as floats, the recurrent state in floats) converts at its next event:
     * its profile's means within half a code step, everything else carried over, and from then on it forecasts
     * exactly as the same key kept in this layout, once both step from the same recurrent state.
     */
    @Test
    void stateReadInLayout6KeepsItsProfileToTheCodesResolutionAndForecastsAsThisLayout() throws Exception {
        ServingModel m = model(11, "a");
        SeriesStep step = step(true);
        SeriesState now = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(19);
        int n = 200;
        for (int t = 0; t < n; t++) {
            step.step(now, m, T0 + t * FIVE_MINUTES, 1e4 + 50 * value(t, rnd), SeriesStep.Lineage.NONE);
        }
        // the same key as layout 6 held it: the scorer's first 13 floats, then the 48 means, then the rest up to the
        // daily-profile candidate's floats (layouts up to 9 had none: the converted key starts it afresh, and so, for
        // the comparison, does the key kept in this layout)
        int scorer6 = AnomalyScorer.LAYOUT_6_STATE_SIZE;
        float[] v6 = new float[m.blockAt - (AnomalyScorer.STATE_SIZE - scorer6)];
        System.arraycopy(now.stats, 0, v6, 0, 13);
        double[] means = new double[AnomalyScorer.PROFILE_SLOTS];
        for (int i = 0; i < means.length; i++) {
            means[i] = AnomalyScorer.profileMean(now.stats, 0, i);
            v6[13 + i] = (float) means[i];
        }
        System.arraycopy(now.stats, AnomalyScorer.STATE_SIZE, v6, scorer6, m.blockAt - AnomalyScorer.STATE_SIZE);
        m.profile.init(now.stats, m.blockAt);
        SeriesState old = now.copy();
        old.stats = v6;
        old.layout = SeriesState.LAYOUT_6;

        long ts = T0 + n * FIVE_MINUTES;
        double v = 1e4 + 50 * value(n, rnd);
        step.step(now, m, ts, v, SeriesStep.Lineage.NONE);
        float[] expected = step.forecast().clone();
        step.step(old, m, ts, v, SeriesStep.Lineage.NONE);
        assertThat(old.layout).isEqualTo(SeriesState.LAYOUT);
        assertThat(step.forecast()).as("the forecast does not depend on the profile").containsExactly(expected);
        assertThat(old.recurrent).containsExactly(now.recurrent);
        assertThat(Arrays.copyOfRange(old.stats, AnomalyScorer.STATE_SIZE, old.stats.length))
                .as("intervals and combination carried over").containsExactly(
                        Arrays.copyOfRange(now.stats, AnomalyScorer.STATE_SIZE, now.stats.length));
        double step6 = Math.scalb(1.0, (int) old.stats[14]);
        for (int i = 0; i < means.length; i++) {
            assertThat(AnomalyScorer.profileMean(old.stats, 0, i)).as("slot %d", i)
                    .isCloseTo(AnomalyScorer.profileMean(now.stats, 0, i),
                            org.assertj.core.data.Offset.offset(step6 + Math.scalb(1.0, (int) now.stats[14])));
        }
    }

    @Test
    void stateReadInLayout3ForecastsExactlyAsTheSameStateInThisLayout() throws Exception {
        ServingModel m = model(11, "a");
        SeriesStep step = step(true);
        SeriesState now = step.newState(m);
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 120;
        for (int t = 0; t < n; t++) {
            step.step(now, m, T0 + t * FIVE_MINUTES, value(t, rnd), SeriesStep.Lineage.NONE);
        }
        // the same key as layout version 3 held it: the scorer's event count first; the intervals' counter and the
        // served one-step forecast in a horizon-1 slot; the architecture recorded per key
        // (and the scorer's eight floats of layouts up to 5: the same key in this layout has a fresh daily profile
        // and no open episode, which is what the conversion gives it)
        AnomalyScorer.initProfile(now.stats, 0);
        now.stats[AnomalyScorer.LAYOUT_5_EVENTS_SINCE_RED] = 0f;
        m.profile.init(now.stats, m.blockAt); // layouts up to 9 had no daily-profile candidate: it starts afresh
        int scorer = AnomalyScorer.LAYOUT_5_STATE_SIZE;
        int from = AnomalyScorer.STATE_SIZE;
        int intervals = m.intervals.stateSize();
        float[] v3 = new float[1 + scorer + StateLayouts.countedIntervalsSize(K) + PersistenceBlend.STATE_SIZE];
        v3[0] = n;
        System.arraycopy(now.stats, 0, v3, 1, scorer);
        // layouts up to 5 kept the residual statistics in units of the key's value scale
        double unit = new io.streamcast.model.core.feature.OnlineScaler(m.scalerPolicy, now.scalerCount, now.scalerMean,
                now.scalerM2).std();
        v3[1] = (float) (v3[1] / unit);
        v3[2] = (float) (v3[2] / unit);
        int at = 1 + scorer;
        v3[at] = n; // events since the intervals started
        v3[at + 1] = now.stats[from];
        v3[at + 2] = now.stats[from + 1];
        v3[at + 3] = m.blend.pendingServedForecast(now.stats, m.blendOffset);
        System.arraycopy(now.stats, from + 2, v3, at + 4, intervals - 2);
        System.arraycopy(now.stats, m.blendOffset, v3, v3.length - PersistenceBlend.STATE_SIZE, PersistenceBlend.STATE_SIZE);
        SeriesState old = now.copy();
        old.stats = v3;
        old.layout = SeriesState.LAYOUT_3;
        old.archTag = m.archTag;

        long ts = T0 + n * FIVE_MINUTES;
        step.step(now, m, ts, 51.5, SeriesStep.Lineage.NONE);
        float[] expected = step.forecast().clone();
        float[] expectedLower = step.lower().clone();
        double expectedScore = step.anomaly().anomalyScore();
        step.step(old, m, ts, 51.5, SeriesStep.Lineage.NONE);
        assertThat(old.layout).isEqualTo(SeriesState.LAYOUT);
        assertThat(step.forecast()).containsExactly(expected);
        assertThat(step.lower()).containsExactly(expectedLower);
        assertThat(step.anomaly().anomalyScore()).isCloseTo(expectedScore, within(1e-3));
        assertThat(old.stats[1]).isCloseTo(now.stats[1], within(1e-4f * now.stats[1]));
        old.stats[0] = now.stats[0];
        old.stats[1] = now.stats[1];
        assertThat(old).isEqualTo(now);
    }
}
