package io.streamcast.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.connectors.output.ForecastRecord;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct forecast writer (the Jackson serializer behind {@link JsonCodec#toJsonBytes} and
 * {@link JsonCodec#mapper()}) is in use and writes exactly what Jackson's bean serializer writes; doubles read back
 * as the same doubles and the forecasts' floats as the same floats, written as their shortest decimals.
 */
class ForecastRecordJsonSerializerTest {

    private static final ObjectMapper BEANS = JsonCodec.builder().build();

    @Test
    void directWriterIsInUse() {
        // fails when ForecastRecord gains or loses a property: add it to ForecastRecordJsonSerializer
        assertThat(JsonCodec.writesForecastsDirectly()).isTrue();
    }

    @Test
    void directWriterWritesWhatTheBeanSerializerWrites() throws Exception {
        Random random = new Random(11);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, Float.MAX_VALUE, 1e-7f, 1e7f, 1e21f, 123456.789f, 2.82879384806159E17f};
        for (int i = 0; i < 5_000; i++) {
            int k = random.nextInt(10);
            float[][] arrays = new float[3][];
            for (int a = 0; a < 3; a++) {
                if (random.nextInt(20) == 0) {
                    continue; // null array
                }
                arrays[a] = new float[k];
                for (int j = 0; j < k; j++) {
                    arrays[a][j] = random.nextInt(8) == 0 ? specials[random.nextInt(specials.length)]
                            : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 4));
                }
            }
            String key = switch (random.nextInt(30)) {
                case 0 -> null;
                case 1 -> "k\"é\\" + i;
                case 2 -> "k\u0001\n\t" + i;
                case 3 -> "ключ-" + i;
                default -> "sensor-" + i;
            };
            ForecastRecord r = new ForecastRecord(key,
                    random.nextLong(), random.nextGaussian() * 100, arrays[0], arrays[1], arrays[2],
                    random.nextInt(10) == 0 ? Double.NaN : random.nextDouble(), random.nextBoolean(),
                    random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextBoolean(),
                    random.nextInt(30) == 0 ? null : "v" + i);

            String direct = JsonCodec.toJson(r);
            String viaModule = JsonCodec.mapper().writeValueAsString(r);

            assertThat(direct).isEqualTo(BEANS.writeValueAsString(r));
            assertThat(viaModule).isEqualTo(direct);
            assertThat(JsonCodec.toJsonBytes(r)).isEqualTo(direct.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(JsonCodec.fromJson(direct, ForecastRecord.class)).isEqualTo(r);
        }
    }

    /** A record type extending ForecastRecord, with a property of its own. */
    public static final class Annotated extends ForecastRecord {
        public String getNote() {
            return "extra";
        }
    }

    @Test
    void aSubclassKeepsItsOwnProperties() throws Exception {
        Annotated a = new Annotated();
        a.setKey("k");
        assertThat(JsonCodec.toJson(a)).isEqualTo(BEANS.writeValueAsString(a)).contains("\"note\":\"extra\"");
        assertThat(JsonCodec.mapper().writeValueAsString(a)).contains("\"note\":\"extra\"");
    }

    @Test
    void numbersReadBackBitForBit() {
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Double.isFinite(d) || !Float.isFinite(f)) {
                continue;
            }
            ForecastRecord r = new ForecastRecord("k", 0L, d, new float[] {f, (float) d}, null, null, 0, false, 0, 0, 0, false,
                    "v");
            ForecastRecord back = JsonCodec.fromJson(JsonCodec.toJsonBytes(r), ForecastRecord.class);
            assertThat(Double.doubleToLongBits(back.getValue())).as("%s", d).isEqualTo(Double.doubleToLongBits(d));
            assertThat(Float.floatToIntBits(back.getForecast()[0])).as("%s", f).isEqualTo(Float.floatToIntBits(f));
            assertThat(back.getForecast()[1]).isEqualTo((float) d);
        }
    }

    @Test
    void forecastsAreWrittenAsTheShortestDecimalOfTheirFloat() {
        float f = 101.23457f; // as a double: 101.2345733642578125
        ForecastRecord r = new ForecastRecord("k", 0L, 1.0, new float[] {f, 0.1f, 1e-8f}, null, null, 0, false, 0, 0, 0,
                false, "v");
        assertThat(JsonCodec.toJson(r)).contains("\"forecast\":[101.23457,0.1,1.0E-8]");
    }
}
