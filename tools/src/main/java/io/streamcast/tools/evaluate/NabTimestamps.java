package io.streamcast.tools.evaluate;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads the timestamps of recorded files and label files for matching one against the other: ISO-8601 with a
 * space or {@code T}, optional fractional seconds, optional offset ({@code 2014-04-10 07:15:00.000000} equals
 * {@code 2014-04-10 07:15:00}). Timestamps with an offset are compared in UTC.
 */
public final class NabTimestamps {

    private NabTimestamps() {}

    /** Parses {@code text}; offsets are converted to UTC. */
    public static LocalDateTime parse(String text) {
        String s = text.strip();
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            if (iso.length() == 10) {
                return LocalDate.parse(iso).atStartOfDay();
            }
            if (iso.endsWith("Z") || iso.endsWith("z") || hasOffset(iso)) {
                String z = iso.endsWith("z") ? iso.substring(0, iso.length() - 1) + "Z" : iso;
                return OffsetDateTime.parse(z).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
            return LocalDateTime.parse(iso);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unparseable timestamp '" + text + "' (expected ISO-8601, e.g. "
                    + "2014-04-10 07:15:00)", e);
        }
    }

    private static boolean hasOffset(String iso) {
        int t = iso.indexOf('T');
        if (t < 0) {
            return false;
        }
        String time = iso.substring(t + 1);
        return time.contains("+") || time.contains("-");
    }
}
