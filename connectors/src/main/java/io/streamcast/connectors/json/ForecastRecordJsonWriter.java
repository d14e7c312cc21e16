package io.streamcast.connectors.json;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.streamcast.connectors.output.ForecastRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link ForecastRecord} as JSON bytes straight into a reused buffer: the same bytes as
 * {@link ForecastRecordJsonSerializer} through Jackson's generator (same names and order; longs and doubles
 * formatted by Jackson's {@link NumberOutput} with the fast double writer; non-finite doubles as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), without a generator, a serializer provider and a
 * {@code String} copy per number. Strings that need JSON escaping are not written here: {@link #write} then
 * returns {@code null} and the caller uses Jackson. Not thread-safe: one per thread.
 */
final class ForecastRecordJsonWriter {

    private static final byte[] KEY = ascii("{\"key\":");
    private static final byte[] TS = ascii(",\"ts\":");
    private static final byte[] VALUE = ascii(",\"value\":");
    private static final byte[] FORECAST = ascii(",\"forecast\":");
    private static final byte[] LOWER = ascii(",\"lower\":");
    private static final byte[] UPPER = ascii(",\"upper\":");
    private static final byte[] ANOMALY_SCORE = ascii(",\"anomalyScore\":");
    private static final byte[] ANOMALY_LIKELIHOOD = ascii(",\"anomalyLikelihood\":");
    private static final byte[] DETECTION_SCORE = ascii(",\"detectionScore\":");
    private static final byte[] IS_ANOMALY = ascii(",\"isAnomaly\":");
    private static final byte[] MODEL_VERSION = ascii(",\"modelVersion\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NAN = ascii("\"NaN\"");
    private static final byte[] POSITIVE_INFINITY = ascii("\"Infinity\"");
    private static final byte[] NEGATIVE_INFINITY = ascii("\"-Infinity\"");

    private byte[] buf = new byte[1024];
    private int pos;

    /** The record's JSON, or {@code null} when its key or model version needs escaping (write it with Jackson). */
    byte[] write(ForecastRecord r) {
        pos = 0;
        raw(KEY);
        if (!string(r.getKey())) {
            return null;
        }
        raw(TS);
        ensure(20);
        pos = NumberOutput.outputLong(r.getTs(), buf, pos);
        raw(VALUE);
        number(r.getValue());
        raw(FORECAST);
        array(r.getForecast());
        raw(LOWER);
        array(r.getLower());
        raw(UPPER);
        array(r.getUpper());
        raw(ANOMALY_SCORE);
        number(r.getAnomalyScore());
        raw(ANOMALY_LIKELIHOOD);
        number(r.getAnomalyLikelihood());
        raw(DETECTION_SCORE);
        number(r.getDetectionScore());
        raw(IS_ANOMALY);
        raw(r.isAnomaly() ? TRUE : FALSE);
        raw(MODEL_VERSION);
        if (!string(r.getModelVersion())) {
            return null;
        }
        ensure(1);
        buf[pos++] = '}';
        return Arrays.copyOf(buf, pos);
    }

    /** Writes a string that needs no escaping (printable ASCII without quote or backslash); false if it needs some. */
    private boolean string(String s) {
        if (s == null) {
            raw(NULL);
            return true;
        }
        int n = s.length();
        ensure(n + 2);
        buf[pos] = '"';
        int p = pos + 1;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
            buf[p++] = (byte) c;
        }
        buf[p++] = '"';
        pos = p;
        return true;
    }

    private void array(double[] a) {
        if (a == null) {
            raw(NULL);
            return;
        }
        ensure(1);
        buf[pos++] = '[';
        for (int i = 0; i < a.length; i++) {
            if (i > 0) {
                ensure(1);
                buf[pos++] = ',';
            }
            number(a[i]);
        }
        ensure(1);
        buf[pos++] = ']';
    }

    private void number(double d) {
        if (Double.isNaN(d)) {
            raw(NAN);
        } else if (d == Double.POSITIVE_INFINITY) {
            raw(POSITIVE_INFINITY);
        } else if (d == Double.NEGATIVE_INFINITY) {
            raw(NEGATIVE_INFINITY);
        } else {
            String s = NumberOutput.toString(d, true);
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[pos + i] = (byte) s.charAt(i);
            }
            pos += n;
        }
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
