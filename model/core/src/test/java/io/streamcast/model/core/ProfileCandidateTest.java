package io.streamcast.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyResult;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProfileCandidateTest {
    private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long HALF_HOUR = 1_800_000L;

    private final ProfileCandidate candidate = new ProfileCandidate();

    private float[] state(float base, float profile) {
        float[] s = new float[5];
        candidate.init(s, 3);
        s[3] = base;
        s[4] = profile;
        return s;
    }

    @Test
    void takesNoWeightUntilItLeadsThenTheInverseFourthPowerOfItsErrorRatio() {
        float[] fresh = new float[2];
        candidate.init(fresh, 0);
        assertThat(candidate.weight(fresh, 0)).as("no errors observed").isZero();
        assertThat(candidate.weight(state(2f, 2f), 3)).as("a tie: it does not lead").isZero();
        assertThat(candidate.weight(state(1f, 2f), 3)).as("worse than the served forecast").isZero();
        // E_p / E_b = 1/2: 1 / (1 + 1/16)
        assertThat(candidate.weight(state(2f, 1f), 3)).isCloseTo(16.0 / 17.0, within(1e-12));
        // 3/4: 1 / (1 + 81/256)
        assertThat(candidate.weight(state(4f, 3f), 3)).isCloseTo(256.0 / 337.0, within(1e-12));
        assertThat(candidate.weight(state(0.5f, 0f), 3)).as("exact so far: all the weight").isEqualTo(1.0);
    }

    @Test
    void combinesTheTwoForecastsWithTheWeight() {
        assertThat(ProfileCandidate.combine(0.0, 10.0, 20.0)).isEqualTo(10.0);
        assertThat(ProfileCandidate.combine(1.0, 10.0, 20.0)).isEqualTo(20.0);
        assertThat(ProfileCandidate.combine(0.25, 10.0, 20.0)).isEqualTo(12.5);
        assertThat(ProfileCandidate.combine(0.0, 10.0, Double.NaN)).as("no weight, no candidate needed").isEqualTo(10.0);
    }

    @Test
    void errorsStartLevelAtTheMeanOfTheFirstTwoThenAverageWithAHalfLifeOfAThousandEvents() {
        float[] s = new float[2];
        candidate.init(s, 0);
        candidate.observe(s, 0, 10.0, 7.0, Double.NaN);
        assertThat(s[0]).as("nothing without both forecasts").isNaN();
        candidate.observe(s, 0, 10.0, 7.0, 11.0); // errors 3 and 1
        assertThat(s).as("level: a first sample does not decide which leads").containsExactly(2f, 2f);
        assertThat(candidate.weight(s, 0)).isZero();
        candidate.observe(s, 0, 20.0, 20.0, 15.0); // errors 0 and 5
        double a = 1 - Math.pow(0.5, 1.0 / 1000);
        assertThat((double) s[0]).isCloseTo(2 + a * (0 - 2), within(1e-6));
        assertThat((double) s[1]).isCloseTo(2 + a * (5 - 2), within(1e-6));
        assertThat(candidate.weight(s, 0)).as("the candidate was worse").isZero();
        candidate.observe(s, 0, Double.NaN, 1.0, 1.0);
        assertThat((double) s[0]).as("a missing value changes nothing").isCloseTo(2 + a * (0 - 2), within(1e-6));
    }

    @Test
    void forecastsTheLastValueMovedByTheProfilesChangeBetweenTheTwoHalfHours() {
        AnomalyScorer scorer = new AnomalyScorer(AnomalyConfig.defaults());
        float[] s = new float[AnomalyScorer.STATE_SIZE];
        scorer.init(s, 0);
        AnomalyResult r = new AnomalyResult();
        // one value in each of the first three half hours of the day: the profile's means are those values
        scorer.score(s, 0, 1, T0, 100.0, Double.NaN, 1.0, r);
        scorer.score(s, 0, 2, T0 + HALF_HOUR, 130.0, Double.NaN, 1.0, r);
        scorer.score(s, 0, 3, T0 + 2 * HALF_HOUR, 90.0, Double.NaN, 1.0, r);
        assertThat(AnomalyScorer.profileMean(s, 0, 1)).isEqualTo(130.0);
        // made at 00:10 (slot 0, mean 100) with the last value 104: 01:05 is in slot 2 (mean 90), 00:40 in slot 1
        long at = T0 + 600_000L;
        assertThat(ProfileCandidate.forecast(s, 0, 104.0, at, T0 + 3_900_000L)).isEqualTo(94.0);
        assertThat(ProfileCandidate.forecast(s, 0, 104.0, at, T0 + 2_400_000L)).isEqualTo(134.0);
        assertThat(ProfileCandidate.forecast(s, 0, 104.0, at, at + 300_000L)).as("the same half hour").isEqualTo(104.0);
        assertThat(ProfileCandidate.forecast(s, 0, 104.0, at, T0 + 5 * HALF_HOUR)).as("a slot not seen yet")
                .isEqualTo(104.0);
    }

    @Test
    void refusesParametersThatAreNotFinitePositiveNumbers() {
        assertThatThrownBy(() -> new ProfileCandidate(0, 4)).hasMessageContaining("halfLife must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> new ProfileCandidate(1000, Double.POSITIVE_INFINITY))
                .hasMessageContaining("sharpness must be a finite number > 0, got Infinity");
    }
}
