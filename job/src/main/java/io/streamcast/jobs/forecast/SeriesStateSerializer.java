package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.ExplicitSerializer;
import io.streamcast.model.core.HalfFloat;
import io.streamcast.model.core.HorizonCombination;
import io.streamcast.model.core.anomaly.AnomalyScorer;
import io.streamcast.model.core.series.SeriesState;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The explicit serializer of {@link SeriesState}: a compact, versioned binary layout, so state survives
 * savepoints and upgrades without Kryo.
 *
 * <p>Each record starts with its layout version, so a later release reads records written by this one
 * (and refuses, with a message, a version it does not know). Layout version 10, written by this release:
 * <pre>
 *   byte    version (10)
 *   varlong lastTimestamp, zigzag-coded      (6 bytes for today's epoch milliseconds)
 *   int     modelTag                         (the model's architecture is in the operator's model lineage)
 *   varlong scalerCount                      (7 bits per byte, low groups first: 1 byte below 128, 3 below 2^21)
 *   varlong modelSince                       (0, one byte, unless the key adopted a model afresh)
 *   double  scalerMean, double scalerM2
 *   varint  n, half[n] recurrent             (IEEE binary16, 2 bytes each: the per-key step keeps it in half precision)
 *   varint  n, stats                         (anomaly scorer with its daily profile, intervals of the tracked horizons, combination;
 *                                            for a key without a season the daily-profile candidate's two floats after them,
 *                                            for a key with a season the per-horizon combination's block instead,
 *                                            with the weekly candidate and a ring of a week for a daily season):
 *                                            floats, except the scorer's {@value AnomalyScorer#PROFILE_SLOTS} profile codes
 *                                            (at {@value AnomalyScorer#PROFILE}, when n ≥ {@value AnomalyScorer#STATE_SIZE}),
 *                                            16-bit integers each, {@code -32768} for a slot not seen (NaN)
 *   varint  weekAt                           where the combination's block of a key with a week's ring starts in the stats
 *                                            ({@link SeriesState#weekAt}), 0 if none; then, for such a key, the stats in three parts:
 *                                            those before the block (as above), the block's last {@value HorizonCombination#WEEK_RING_TAIL}
 *                                            floats (the codes' origin and exponent, the ring's length and the season), then the rest
 *                                            of the block: floats, but weekly naive's pending forecasts and the ring's values older
 *                                            than a season 16-bit codes ({@link HorizonCombination#isCode}, {@code -32768} for NaN)
 * </pre>
 * That is 32 to 36 bytes (a key of up to 2^21 events that started with its model, arrays shorter than 128 numbers, a
 * block that starts before the 16,384th number) + 2 × (recurrent) + 4 × (stats) − 2 × 48 − 2 × (codes of the week). The step writes only values these reproduce exactly (half-precision
 * recurrent state, integer profile codes), so a record reads back what was written, bit for bit; anything else (not
 * made by the step) is rounded to the nearest. Still read, and written back for a key restored from them and not
 * seen since (records are read field by field and tagged with their layout, {@link SeriesState#layout}; the one
 * conversion of a key's statistics to this release's layout is {@code StateLayouts}', at the key's next event, since
 * it needs the serving model):
 * <ul>
 *   <li>layout version 9: the same record; the stats of a key without a season end before the daily-profile
 *       candidate's floats;
 *   <li>layout version 8: the same record without {@code weekAt}, its stats as version 7's (a week's ring all floats,
 *       without the codes' origin and exponent);
 *   <li>layout version 7: the same record as 8; its stats' combination block has three candidates and a ring of one
 *       season;
 *   <li>layout version 6: the same fields, all numbers floats; its stats hold the daily profile's means as floats
 *       and no origin or step of the codes;
 *   <li>layout version 5: the same fields; its stats hold the anomaly scorer's first eight floats only (no daily
 *       profile);
 *   <li>layout version 4: the same fields as 5; its stats never hold the per-horizon combination's block;
 *   <li>layout version 3: {@code lastTimestamp} as a long, {@code archTag} after {@code modelTag}, no
 *       {@code modelSince}; its stats hold the scorer's event
 *       count and the intervals' counter and served one-step forecast;
 *   <li>layout version 2: as 3 but {@code scalerCount} a long and both lengths shorts, and the intervals of every
 *       horizon; layout version 1 is version 2 without {@code archTag},
 *       which then reads as 0 (unknown).
 * </ul>
 */
public final class SeriesStateSerializer extends ExplicitSerializer<SeriesState> {

    private static final long serialVersionUID = 1L;

    /** The layout version this serializer writes ({@link SeriesState#LAYOUT}). */
    public static final byte LAYOUT_VERSION = SeriesState.LAYOUT;

    /** The ninth layout version: the same record as 10 (its stats without the daily-profile candidate's floats); read, written back until converted. */
    public static final byte LAYOUT_VERSION_9 = SeriesState.LAYOUT_9;

    /** The eighth layout version: as 9 without the week's ring in codes; read, written back until converted. */
    public static final byte LAYOUT_VERSION_8 = SeriesState.LAYOUT_8;

    /** The seventh layout version: as 8 (the same record; its stats' combination block without the weekly candidate); read, written back until converted. */
    public static final byte LAYOUT_VERSION_7 = SeriesState.LAYOUT_7;

    /** The sixth layout version: as 7, floats everywhere; read, written back until converted. */
    public static final byte LAYOUT_VERSION_6 = SeriesState.LAYOUT_6;

    /** The fifth layout version: as 6, without the anomaly scorer's daily profile; read, written back until converted. */
    public static final byte LAYOUT_VERSION_5 = SeriesState.LAYOUT_5;

    /** The fourth layout version: as 5, without the combination's block; read, written back until converted. */
    public static final byte LAYOUT_VERSION_4 = SeriesState.LAYOUT_4;

    /** The third layout version: fixed-width time, counts inside the stats; read, written back until converted. */
    public static final byte LAYOUT_VERSION_3 = SeriesState.LAYOUT_3;

    /** The first layout version, without the architecture tag; read, written back as version 2 (archTag 0). */
    public static final byte LAYOUT_VERSION_1 = SeriesState.LAYOUT_1;

    /** The second layout version: fixed-width counts, intervals of every horizon; read, written back until converted. */
    public static final byte LAYOUT_VERSION_2 = SeriesState.LAYOUT_2;

    /** A profile slot not seen yet (NaN in the state), in a record of layout 7. */
    private static final short NO_PROFILE_CODE = Short.MIN_VALUE;

    /** Longest array a record may hold (far above any model's state). */
    private static final int MAX_ARRAY = 1 << 20;

    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    @Override
    public SeriesState copy(SeriesState from) {
        return from.copy();
    }

    @Override
    public SeriesState copy(SeriesState from, SeriesState reuse) {
        return from.copyInto(reuse);
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        // restored state is converted at the key's next event; a key not seen since the restore keeps the layout it
        // was read in, which only that layout version can express
        if (s.layout <= LAYOUT_VERSION_2) {
            serializeVersion2(s, out);
            return;
        }
        // layouts 3 and 4 differ in three fields, as deserialize reads them; 4, 5 and 6 in the stats only, 7 in how
        // its numbers are written
        boolean current = s.layout >= LAYOUT_VERSION_4;
        out.writeByte(current ? s.layout : LAYOUT_VERSION_3);
        if (current) {
            writeUnsignedVarLong(zigzag(s.lastTimestamp), out);
        } else {
            out.writeLong(s.lastTimestamp);
        }
        out.writeInt(s.modelTag);
        if (!current) {
            out.writeInt(s.archTag);
        }
        writeVarLong(s.scalerCount, out);
        if (current) {
            writeVarLong(s.modelSince, out);
        }
        out.writeDouble(s.scalerMean);
        out.writeDouble(s.scalerM2);
        writeVarLong(s.recurrent.length, out);
        if (s.layout >= LAYOUT_VERSION_7) {
            writeHalfValues(s.recurrent, out);
        } else {
            writeFloatValues(s.recurrent, out);
        }
        writeVarLong(s.stats.length, out);
        if (s.layout >= LAYOUT_VERSION_9) {
            writeVarLong(s.weekAt, out);
        }
        if (s.layout >= LAYOUT_VERSION_9 && s.weekAt > 0) {
            writeStatsWithWeek(s.stats, s.weekAt, out);
        } else if (s.layout >= LAYOUT_VERSION_7 && s.stats.length >= AnomalyScorer.STATE_SIZE) {
            writeStatsWithProfileCodes(s.stats, 0, s.stats.length, out);
        } else {
            writeFloatValues(s.stats, out);
        }
    }

    /** The stats of a key whose block with a week's ring starts at {@code weekAt}: before it, its tail, the rest. */
    private static void writeStatsWithWeek(float[] a, int weekAt, DataOutputView out) throws IOException {
        checkWeek(a, weekAt);
        int tail = a.length - HorizonCombination.WEEK_RING_TAIL;
        writeStatsWithProfileCodes(a, 0, weekAt, out);
        for (int i = tail; i < a.length; i++) {
            out.writeFloat(a[i]);
        }
        for (int i = weekAt; i < tail; i++) {
            if (HorizonCombination.isCode(a, weekAt, i)) {
                float code = HorizonCombination.codeOf(a, a[i]);
                out.writeShort(Float.isNaN(code) ? NO_PROFILE_CODE : (int) code);
            } else {
                out.writeFloat(a[i]);
            }
        }
    }

    private static float[] readStatsWithWeek(float[] reuse, int n, int weekAt, DataInputView in) throws IOException {
        if (weekAt < AnomalyScorer.STATE_SIZE || weekAt > n - HorizonCombination.WEEK_RING_TAIL) {
            throw corruptWeek(weekAt, n);
        }
        int tail = n - HorizonCombination.WEEK_RING_TAIL;
        float[] a = readStatsWithProfileCodes(reuse, n, weekAt, in);
        for (int i = tail; i < n; i++) {
            a[i] = in.readFloat();
        }
        checkWeek(a, weekAt);
        for (int i = weekAt; i < tail; i++) {
            if (HorizonCombination.isCode(a, weekAt, i)) {
                short code = in.readShort();
                a[i] = code == NO_PROFILE_CODE ? Float.NaN : HorizonCombination.valueOfCode(a, code);
            } else {
                a[i] = in.readFloat();
            }
        }
        return a;
    }

    private static void checkWeek(float[] a, int weekAt) throws IOException {
        if (weekAt < AnomalyScorer.STATE_SIZE || !HorizonCombination.isWeekBlock(a, weekAt)) {
            throw corruptWeek(weekAt, a.length);
        }
    }

    private static IOException corruptWeek(int weekAt, int n) {
        return new IOException("series state whose block with a week of values starts at " + weekAt + " of its " + n
                + " statistics does not hold one there: the state is corrupt");
    }

    private static void writeHalfValues(float[] a, DataOutputView out) throws IOException {
        for (float v : a) {
            out.writeShort(HalfFloat.fromFloat(v));
        }
    }

    /** {@code a[0, end)}: floats, but the scorer's profile codes (which end before {@code end}) in 16 bits. */
    private static void writeStatsWithProfileCodes(float[] a, int start, int end, DataOutputView out) throws IOException {
        int from = AnomalyScorer.PROFILE;
        int to = from + AnomalyScorer.PROFILE_SLOTS;
        for (int i = start; i < from; i++) {
            out.writeFloat(a[i]);
        }
        for (int i = from; i < to; i++) {
            float code = a[i];
            out.writeShort(Float.isNaN(code) ? NO_PROFILE_CODE
                    : (int) Math.max(-AnomalyScorer.MAX_PROFILE_CODE, Math.min(AnomalyScorer.MAX_PROFILE_CODE, Math.rint(code))));
        }
        for (int i = to; i < end; i++) {
            out.writeFloat(a[i]);
        }
    }

    private static float[] readHalves(float[] reuse, int n, DataInputView in) throws IOException {
        float[] a = reuse != null && reuse.length == n ? reuse : new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = HalfFloat.toFloat(in.readShort());
        }
        return a;
    }

    /** Stats of {@code n} numbers, of which {@code a[0, end)} are read here ({@link #writeStatsWithProfileCodes}). */
    private static float[] readStatsWithProfileCodes(float[] reuse, int n, int end, DataInputView in) throws IOException {
        float[] a = reuse != null && reuse.length == n ? reuse : new float[n];
        int from = AnomalyScorer.PROFILE;
        int to = from + AnomalyScorer.PROFILE_SLOTS;
        for (int i = 0; i < from; i++) {
            a[i] = in.readFloat();
        }
        for (int i = from; i < to; i++) {
            short code = in.readShort();
            a[i] = code == NO_PROFILE_CODE ? Float.NaN : code;
        }
        for (int i = to; i < end; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    private static void serializeVersion2(SeriesState s, DataOutputView out) throws IOException {
        out.writeByte(LAYOUT_VERSION_2);
        out.writeLong(s.lastTimestamp);
        out.writeInt(s.modelTag);
        out.writeInt(s.archTag);
        out.writeLong(s.scalerCount);
        out.writeDouble(s.scalerMean);
        out.writeDouble(s.scalerM2);
        writeShortLength(s.recurrent, out);
        writeFloatValues(s.recurrent, out);
        writeShortLength(s.stats, out);
        writeFloatValues(s.stats, out);
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        return deserialize(new SeriesState(), in);
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        int version = in.readByte();
        if (version == LAYOUT_VERSION || version == LAYOUT_VERSION_9 || version == LAYOUT_VERSION_8 || version == LAYOUT_VERSION_7 || version == LAYOUT_VERSION_6 || version == LAYOUT_VERSION_5
                || version == LAYOUT_VERSION_4 || version == LAYOUT_VERSION_3) {
            boolean current = version != LAYOUT_VERSION_3;
            reuse.lastTimestamp = current ? unzigzag(readVarLong(in)) : in.readLong();
            reuse.modelTag = in.readInt();
            reuse.archTag = current ? 0 : in.readInt();
            reuse.scalerCount = readVarLong(in);
            reuse.modelSince = current ? readVarLong(in) : 0;
            if (reuse.scalerCount < 0 || reuse.modelSince < 0 || reuse.modelSince > reuse.scalerCount) {
                throw new IOException("series state with an event count of " + Long.toUnsignedString(reuse.scalerCount)
                        + " and its model taken up at event " + Long.toUnsignedString(reuse.modelSince)
                        + ": the state is corrupt");
            }
            reuse.scalerMean = in.readDouble();
            reuse.scalerM2 = in.readDouble();
            boolean halves = version >= LAYOUT_VERSION_7;
            int n = readLength(in);
            reuse.recurrent = halves ? readHalves(reuse.recurrent, n, in) : readFloats(reuse.recurrent, n, in);
            n = readLength(in);
            reuse.weekAt = version >= LAYOUT_VERSION_9 ? readLength(in) : 0;
            if (reuse.weekAt > 0) {
                reuse.stats = readStatsWithWeek(reuse.stats, n, reuse.weekAt, in);
            } else {
                reuse.stats = halves && n >= AnomalyScorer.STATE_SIZE ? readStatsWithProfileCodes(reuse.stats, n, n, in)
                        : readFloats(reuse.stats, n, in);
            }
            reuse.layout = (byte) version;
            return reuse;
        }
        if (version != LAYOUT_VERSION_2 && version != LAYOUT_VERSION_1) {
            throw new IOException("series state layout version " + version + " is not supported by this release "
                    + "(it reads versions " + LAYOUT_VERSION_1 + " to " + LAYOUT_VERSION + "); restore with the release "
                    + "that wrote the savepoint or a newer one");
        }
        reuse.lastTimestamp = in.readLong();
        reuse.modelTag = in.readInt();
        reuse.archTag = version == LAYOUT_VERSION_1 ? 0 : in.readInt();
        reuse.scalerCount = in.readLong();
        reuse.modelSince = 0;
        reuse.scalerMean = in.readDouble();
        reuse.scalerM2 = in.readDouble();
        reuse.recurrent = readFloats(reuse.recurrent, in.readShort(), in);
        reuse.stats = readFloats(reuse.stats, in.readShort(), in);
        reuse.weekAt = 0;
        reuse.layout = (byte) version;
        return reuse;
    }

    private static void writeShortLength(float[] a, DataOutputView out) throws IOException {
        if (a.length > Short.MAX_VALUE) {
            throw new IOException("state array of " + a.length + " floats exceeds " + Short.MAX_VALUE);
        }
        out.writeShort(a.length);
    }

    private static void writeFloatValues(float[] a, DataOutputView out) throws IOException {
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    /** Unsigned LEB128: 7 bits per byte, lowest group first, high bit set on every byte but the last. */
    static void writeVarLong(long v, DataOutputView out) throws IOException {
        if (v < 0) {
            throw new IOException("a count of " + v + " cannot be written: it must not be negative");
        }
        writeUnsignedVarLong(v, out);
    }

    /** Zigzag coding: small magnitudes of either sign become small unsigned numbers. */
    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    /** {@code v}'s 64 bits as an unsigned number, LEB128 (up to 10 bytes). */
    private static void writeUnsignedVarLong(long v, DataOutputView out) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("a variable-length count in series state runs over 10 bytes: the state is corrupt");
    }

    private static int readLength(DataInputView in) throws IOException {
        long n = readVarLong(in);
        if (n < 0 || n > MAX_ARRAY) {
            throw new IOException("series state array length " + n + " exceeds " + MAX_ARRAY + ": the state is corrupt");
        }
        return (int) n;
    }

    private static float[] readFloats(float[] reuse, int n, DataInputView in) throws IOException {
        if (n < 0) {
            throw new IOException("series state array length " + n + " is negative: the state is corrupt");
        }
        float[] a = reuse != null && reuse.length == n ? reuse : new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of this serializer's configuration (it has none: the layout version is in every record). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
