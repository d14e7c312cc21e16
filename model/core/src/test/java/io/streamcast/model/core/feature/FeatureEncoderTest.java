package io.streamcast.model.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {

    private static final long MONDAY_0600 = Instant.parse("2024-01-01T06:00:00Z").toEpochMilli();
    private static final long SUNDAY_1800 = Instant.parse("2023-12-31T18:00:00Z").toEpochMilli();
    private static final long EPOCH_THURSDAY_MIDNIGHT = 0L;
    private static final long WEDNESDAY_BEFORE_EPOCH_1200 = Instant.parse("1969-12-31T12:00:00Z").toEpochMilli();

    private final FeatureEncoder all = new FeatureEncoder(FeatureSpec.VALUE_AND_CALENDAR);

    @Test
    void encodesHourOfDayAndIsoDayOfWeekInUtc() {
        assertEncodes(MONDAY_0600, 1.0, 0.0, 0.0, 1.0);
        double sunday = 2 * Math.PI * 6 / 7;
        assertEncodes(SUNDAY_1800, -1.0, 0.0, Math.sin(sunday), Math.cos(sunday));
        double thursday = 2 * Math.PI * 3 / 7;
        assertEncodes(EPOCH_THURSDAY_MIDNIGHT, 0.0, 1.0, Math.sin(thursday), Math.cos(thursday));
        double wednesday = 2 * Math.PI * 2 / 7;
        assertEncodes(WEDNESDAY_BEFORE_EPOCH_1200, 0.0, -1.0, Math.sin(wednesday), Math.cos(wednesday));
        // the time of day is continuous: 06:30 lies between 06:00 and 07:00
        float[] out = new float[5];
        all.encode(0, MONDAY_0600 + 30 * 60_000L, out);
        assertThat((double) out[2]).isCloseTo(Math.cos(2 * Math.PI * 6.5 / 24), offset(1e-7));
    }

    @Test
    void writesFeaturesInSpecOrder() {
        FeatureEncoder enc = new FeatureEncoder(FeatureSpec.of(Feature.VALUE, Feature.DOW_COS, Feature.HOUR_SIN));
        float[] out = {9, 9, 9, 9, 9};
        enc.encode(-1.25, MONDAY_0600, out, 1);
        assertThat(out).containsExactly(9f, -1.25f, 1f, 1f, 9f);
        assertThat(enc.size()).isEqualTo(3);
    }

    @Test
    void specRequiresValueFirstWithoutDuplicates() {
        assertThatThrownBy(() -> FeatureSpec.of(Feature.HOUR_SIN, Feature.VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the first feature must be VALUE, got [HOUR_SIN, VALUE]");
        assertThatThrownBy(() -> FeatureSpec.of(Feature.VALUE, Feature.HOUR_SIN, Feature.HOUR_SIN))
                .hasMessage("duplicate feature HOUR_SIN in [VALUE, HOUR_SIN, HOUR_SIN]");
        assertThatThrownBy(() -> new FeatureSpec(List.of()))
                .hasMessage("features must not be empty: VALUE is required first");
        assertThat(FeatureSpec.VALUE_AND_CALENDAR.size()).isEqualTo(5);
        assertThat(FeatureSpec.VALUE_AND_CALENDAR.indexOf(Feature.DOW_SIN)).isEqualTo(3);
    }

    private void assertEncodes(long ts, double hourSin, double hourCos, double dowSin, double dowCos) {
        float[] out = new float[5];
        all.encode(0.5, ts, out);
        assertThat(out[0]).isEqualTo(0.5f);
        assertThat((double) out[1]).as("hour sin").isCloseTo(hourSin, offset(1e-7));
        assertThat((double) out[2]).as("hour cos").isCloseTo(hourCos, offset(1e-7));
        assertThat((double) out[3]).as("dow sin").isCloseTo(dowSin, offset(1e-7));
        assertThat((double) out[4]).as("dow cos").isCloseTo(dowCos, offset(1e-7));
    }
}
