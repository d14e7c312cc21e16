package io.streamcast.model.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnlineScalerTest {

    @Test
    void matchesTwoPassMeanAndPopulationStd() {
        SplittableRandom rnd = new SplittableRandom(2);
        double[] v = new double[5000];
        // no relative floor: at this level the default floor (1e-3·|mean| = 1000) would exceed the true std
        OnlineScaler s = new OnlineScaler(new ScalerPolicy(0, 1e-6));
        for (int i = 0; i < v.length; i++) {
            v[i] = 1e6 + 50 * rnd.nextGaussian(); // large offset: the naive sum-of-squares formula loses digits here
            s.observe(v[i]);
        }
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        assertThat(s.count()).isEqualTo(5000);
        assertThat(s.mean()).isCloseTo(mean, offset(1e-8));
        assertThat(s.std()).isCloseTo(Math.sqrt(var), offset(1e-9 * Math.sqrt(var)));
        assertThat(s.unscale(s.scale(1000123.5))).isCloseTo(1000123.5, offset(1e-6));
        assertThat(s.scale(mean + Math.sqrt(var))).isCloseTo(1.0, offset(1e-9));
        OnlineScaler floored = new OnlineScaler();
        for (double x : v) {
            floored.observe(x);
        }
        assertThat(floored.std()).as("default relative floor").isCloseTo(1e-3 * mean, offset(1e-9));
    }

    @Test
    void firstValueAndFlatSeriesUseTheDocumentedFloor() {
        OnlineScaler s = new OnlineScaler();
        assertThat(s.std()).as("empty: identity scaling").isEqualTo(1.0);
        assertThat(s.scale(3.0)).isEqualTo(3.0);
        s.observe(200.0);
        assertThat(s.std()).as("one value: relative floor 1e-3·|mean|").isCloseTo(0.2, offset(1e-12));
        assertThat(s.scale(200.0)).isEqualTo(0.0);
        for (int i = 0; i < 100; i++) {
            s.observe(200.0);
        }
        assertThat(s.scale(200.2)).isCloseTo(1.0, offset(1e-9));
        OnlineScaler zeros = new OnlineScaler();
        zeros.observe(0.0);
        zeros.observe(0.0);
        assertThat(zeros.std()).as("flat zero series: absolute floor").isEqualTo(1e-6);
        assertThat(Double.isFinite(zeros.scale(5.0))).isTrue();
        OnlineScaler custom = new OnlineScaler(new ScalerPolicy(0.0, 0.5));
        custom.observe(200.0);
        assertThat(custom.std()).isEqualTo(0.5);
    }

    @Test
    void restoresFromItsThreeNumbers() {
        OnlineScaler a = new OnlineScaler();
        for (double v : new double[] {3, 1, 4, 1, 5}) {
            a.observe(v);
        }
        OnlineScaler b = new OnlineScaler(ScalerPolicy.DEFAULT, a.count(), a.mean(), a.m2());
        a.observe(9);
        b.observe(9);
        assertThat(b.mean()).isEqualTo(a.mean());
        assertThat(b.std()).isEqualTo(a.std());
        assertThat(b.count()).isEqualTo(6);
        OnlineScaler c = a.copy();
        c.observe(100);
        assertThat(a.count()).as("copy is independent").isEqualTo(6);
    }

    @Test
    void rejectsNonFiniteValuesAndBadState() {
        OnlineScaler s = new OnlineScaler();
        assertThatThrownBy(() -> s.observe(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must be finite, got NaN");
        assertThat(s.count()).as("rejected value left no trace").isZero();
        assertThatThrownBy(() -> new OnlineScaler(ScalerPolicy.DEFAULT, -1, 0, 0))
                .hasMessage("count must be >= 0, got -1");
        assertThatThrownBy(() -> new OnlineScaler(ScalerPolicy.DEFAULT, 2, 0, -1))
                .hasMessage("mean must be finite and m2 finite and >= 0, got mean=0.0 m2=-1.0");
        assertThatThrownBy(() -> new ScalerPolicy(1e-3, 0)).hasMessage("absoluteStdFloor must be finite and > 0, got 0.0");
    }

    @Test
    void theSignedLogTransformStandardisesTheLogarithmsAndUnscalesBack() {
        // independently: the two-pass mean and population std of sign(v)·ln(1+|v|)
        double[] v = {120.0, 95.5, 0.0, 3000.0, 250.25, -40.0, 88.0};
        double[] u = java.util.Arrays.stream(v).map(x -> Math.signum(x) * Math.log(1 + Math.abs(x))).toArray();
        double mean = java.util.Arrays.stream(u).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(u).map(x -> (x - mean) * (x - mean)).sum() / u.length);
        OnlineScaler s = new OnlineScaler(ScalerPolicy.SIGNED_LOG);
        for (double x : v) {
            s.observe(x);
        }
        assertThat(s.mean()).isCloseTo(mean, offset(1e-12));
        assertThat(s.std()).isCloseTo(sd, offset(1e-12));
        assertThat(s.scale(500.0)).isCloseTo((Math.log(501.0) - mean) / sd, offset(1e-12));
        assertThat(s.scale(-7.0)).isCloseTo((-Math.log(8.0) - mean) / sd, offset(1e-12));
        for (double x : new double[] {0.0, 1e-9, -3.5, 42.0, 123456.789}) {
            assertThat(s.unscale(s.scale(x))).as("round trip of %s", x).isCloseTo(x, offset(1e-9 * Math.max(1, Math.abs(x))));
        }
        // in value units the spread is the log spread times the level: the slope of the inverse at the mean
        assertThat(s.valueStd()).isCloseTo(sd * Math.exp(Math.abs(mean)), offset(1e-9));
        // an extreme model output is huge but finite
        assertThat(s.unscale(1e6)).isFinite().isGreaterThan(1e300);
        assertThat(s.unscale(-1e6)).isFinite().isLessThan(-1e300);
    }

    @Test
    void withoutATransformTheValueStdIsTheStd() {
        OnlineScaler s = new OnlineScaler();
        for (double x : new double[] {1, 5, 9, 2}) {
            s.observe(x);
        }
        assertThat(s.valueStd()).isEqualTo(s.std());
        assertThat(ScalerPolicy.DEFAULT.affine()).isTrue();
        assertThat(ScalerPolicy.SIGNED_LOG.affine()).isFalse();
        assertThat(ScalerPolicy.Transform.ofHeaderName("signed-log1p")).isEqualTo(ScalerPolicy.Transform.SIGNED_LOG1P);
        assertThatThrownBy(() -> ScalerPolicy.Transform.ofHeaderName("log"))
                .hasMessage("unknown transform 'log' (known: none, signed-log1p)");
    }
}
