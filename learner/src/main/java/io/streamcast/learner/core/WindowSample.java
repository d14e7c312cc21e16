package io.streamcast.learner.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The learner's bounded sample of the stream: for each of at most {@code maxKeys} keys, the most recent
 * {@code pointsPerKey} events (timestamp and value) in a ring.
 *
 * <p>Why this shape. The trainer learns from contiguous stretches of a series (it cuts sequences and scales each
 * series itself), so the unit kept is a key's recent history, not loose points. Every key gets the same ring: a key
 * sending a thousand events a second keeps no more than one sending one an hour, so busy keys cannot crowd out rare
 * ones. When {@code maxKeys} keys are held and a new one arrives:
 * <ul>
 *   <li>if the key whose last event is the oldest went quiet, {@value #QUIET_DAYS} days of event time before the new
 *       event (the forecast job's default state TTL), it is dropped and the new key takes its place: the sample
 *       follows the keys that are live;
 *   <li>else the sample keeps the keys with the smallest hashes of their names (a bottom-k sample: a uniform,
 *       deterministic sample of the live keys): the new key is admitted, in place of the held key with the largest
 *       hash, only if its own hash is smaller. More live keys than {@code maxKeys} then give a stable sample whose
 *       keys keep their history, instead of each new key pushing out one that is about to send again (with keys
 *       arriving in turn, dropping the least recently seen would keep no key long enough for a second point).
 * </ul>
 *
 * <p>Memory bound. A point costs 12 bytes (a {@code long} timestamp and a {@code float} value) and the rings are
 * allocated at their full size, so the sample never holds more than {@link #boundBytes()}:
 * {@code maxKeys · (12 · pointsPerKey + }{@value #KEY_OVERHEAD_BYTES}{@code  + 2 · }{@value #MAX_KEY_CHARS}{@code )}
 * bytes (keys longer than {@value #MAX_KEY_CHARS} characters are stored shortened, with a hash of the whole key).
 * {@link #usedBytes()} counts what is held, by the same accounting.
 *
 * <p>"Seen up to": each key remembers the timestamp up to which the serving model's training may have read it
 * ({@link #markTrainedThrough}); {@link #split} holds back, per key, only events after that time, so validation
 * data is data no training saw. Not thread-safe.
 */
public final class WindowSample {

    /**
     * Per-key bytes besides the ring and the key's characters: the objects, array headers, map entry, fields (160),
     * and the key's entry in the index by hash (64).
     */
    public static final int KEY_OVERHEAD_BYTES = 224;
    /** Longest key stored as given; a longer one is kept as a prefix and a hash of the whole key. */
    public static final int MAX_KEY_CHARS = 128;
    private static final int LAYOUT = 1;
    /** Days of event time after which a key's silence lets a new key take its place in a full sample. */
    public static final int QUIET_DAYS = 7;
    private static final long QUIET_MILLIS = QUIET_DAYS * 86_400_000L;

    private final int maxKeys;
    private final int pointsPerKey;
    private final LinkedHashMap<String, Ring> rings;
    /** The held keys by the hash of their names (for the bottom-k admission). */
    private final java.util.TreeSet<HashedKey> byHash = new java.util.TreeSet<>();

    /** A held key with its hash, ordered by the hash, then the name. */
    private record HashedKey(long hash, String key) implements Comparable<HashedKey> {
        @Override
        public int compareTo(HashedKey o) {
            int c = Long.compare(hash, o.hash);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }
    private long points;

    public WindowSample(int maxKeys, int pointsPerKey) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, got " + maxKeys);
        }
        if (pointsPerKey < 2) {
            throw new IllegalArgumentException("pointsPerKey must be >= 2, got " + pointsPerKey);
        }
        this.maxKeys = maxKeys;
        this.pointsPerKey = pointsPerKey;
        // access order: the eldest entry is the key whose last event came longest ago
        this.rings = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The most bytes this sample can hold, by the accounting in the class comment. */
    public static long boundBytes(int maxKeys, int pointsPerKey) {
        return (long) maxKeys * (12L * pointsPerKey + KEY_OVERHEAD_BYTES + 2L * MAX_KEY_CHARS);
    }

    public long boundBytes() {
        return boundBytes(maxKeys, pointsPerKey);
    }

    /** Bytes held now, by the same accounting as {@link #boundBytes()}. */
    public long usedBytes() {
        long b = 0;
        for (Map.Entry<String, Ring> e : rings.entrySet()) {
            b += 12L * e.getValue().ts.length + KEY_OVERHEAD_BYTES + 2L * e.getKey().length();
        }
        return b;
    }

    public int maxKeys() {
        return maxKeys;
    }

    public int pointsPerKey() {
        return pointsPerKey;
    }

    public int keys() {
        return rings.size();
    }

    /** Points held over all keys. */
    public long points() {
        return points;
    }

    /** The key as the sample stores it (shortened if longer than {@value #MAX_KEY_CHARS} characters). */
    public static String storedKey(String key) {
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        return key.substring(0, MAX_KEY_CHARS - 17) + "#" + String.format("%016x", longHash(key));
    }

    private static long longHash(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /**
     * Adds an event. An event not newer than the key's last one is ignored (the forecast job dead-letters it too)
     * and {@code false} returned; so is a non-finite value.
     */
    public boolean add(String key, long timestamp, double value) {
        Objects.requireNonNull(key, "key");
        if (!Double.isFinite(value)) {
            return false;
        }
        String k = storedKey(key);
        Ring r = rings.get(k);
        if (r == null) {
            long hash = keyHash(k);
            if (rings.size() >= maxKeys) {
                Iterator<Map.Entry<String, Ring>> eldest = rings.entrySet().iterator();
                Map.Entry<String, Ring> quietest = eldest.next();
                Ring q = quietest.getValue();
                if (q.last() < timestamp - QUIET_MILLIS) { // a held key has at least one point
                    drop(quietest.getKey());
                } else {
                    HashedKey candidate = new HashedKey(hash, k);
                    HashedKey largest = byHash.last();
                    if (candidate.compareTo(largest) > 0) {
                        return false; // not in the sample: its hash is above every held key's
                    }
                    drop(largest.key());
                }
            }
            r = new Ring(pointsPerKey, hash);
            rings.put(k, r);
            byHash.add(new HashedKey(hash, k));
        } else if (r.size > 0 && timestamp <= r.last()) {
            return false;
        }
        if (r.size < r.ts.length) {
            points++;
        }
        r.add(timestamp, (float) value);
        return true;
    }

    private void drop(String k) {
        Ring r = rings.remove(k);
        points -= r.size;
        byHash.remove(new HashedKey(r.hash, k));
    }

    /**
     * The hash that orders keys for the bottom-k admission: 64 well-mixed bits of the stored key (the same in every
     * JVM and after a restore; two held keys sharing one are told apart by a tie-break on the name).
     */
    static long keyHash(String storedKey) {
        long h = longHash(storedKey);
        h ^= h >>> 33; // MurmurHash3's 64-bit finaliser
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Records that a model trained on every held event of every key up to its split has gone into service. */
    void markTrainedThrough(Map<String, Long> throughByKey) {
        // by iteration, not get(): a lookup would count as activity in the access order
        for (Map.Entry<String, Ring> e : rings.entrySet()) {
            Long through = throughByKey.get(e.getKey());
            if (through != null) {
                e.getValue().trainedThrough = Math.max(e.getValue().trainedThrough, through);
            }
        }
    }

    /** One key's held history, cut into the part a candidate may train on and the part that validates it. */
    public record KeySplit(String key, long[] timestamps, double[] values, int validationStart) {
        public int size() {
            return timestamps.length;
        }

        /** Timestamp of the last training point, or Long.MIN_VALUE if none. */
        public long trainedThrough() {
            return validationStart == 0 ? Long.MIN_VALUE : timestamps[validationStart - 1];
        }
    }

    /**
     * Every key's history, oldest key first. For each key, the last up to {@code holdout} events after the time the
     * serving model's training may have read the key ({@link #markTrainedThrough}) are held back for validation;
     * the events before them are the training part.
     */
    public List<KeySplit> split(int holdout) {
        List<KeySplit> out = new ArrayList<>(rings.size());
        for (Map.Entry<String, Ring> e : rings.entrySet()) {
            Ring r = e.getValue();
            long[] ts = new long[r.size];
            double[] v = new double[r.size];
            int unseen = 0;
            for (int i = 0; i < r.size; i++) {
                int at = (r.start + i) % r.ts.length;
                ts[i] = r.ts[at];
                v[i] = r.v[at];
                if (ts[i] > r.trainedThrough) {
                    unseen++;
                }
            }
            out.add(new KeySplit(e.getKey(), ts, v, r.size - Math.min(unseen, holdout)));
        }
        return out;
    }

    /** Writes the sample (layout 1): its bounds, then per key the name, trained-through time and its points. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(LAYOUT);
        out.writeInt(maxKeys);
        out.writeInt(pointsPerKey);
        out.writeInt(rings.size());
        for (Map.Entry<String, Ring> e : rings.entrySet()) {
            Ring r = e.getValue();
            out.writeUTF(e.getKey());
            out.writeLong(r.trainedThrough);
            out.writeInt(r.size);
            for (int i = 0; i < r.size; i++) {
                int at = (r.start + i) % r.ts.length;
                out.writeLong(r.ts[at]);
                out.writeFloat(r.v[at]);
            }
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into a sample with the given bounds (they may differ from the written
     * ones: keys beyond {@code maxKeys} are admitted as {@link #add} admits new keys, and each key's oldest points
     * beyond {@code pointsPerKey} are dropped).
     */
    public static WindowSample readFrom(DataInput in, int maxKeys, int pointsPerKey) throws IOException {
        int layout = in.readByte();
        if (layout != LAYOUT) {
            throw new IOException("learner sample layout " + layout + " is not known (this version reads " + LAYOUT
                    + ")");
        }
        in.readInt();
        in.readInt();
        int keys = in.readInt();
        WindowSample s = new WindowSample(maxKeys, pointsPerKey);
        for (int k = 0; k < keys; k++) {
            String key = in.readUTF();
            long trainedThrough = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.add(key, in.readLong(), in.readFloat());
            }
            Ring r = s.rings.get(key);
            if (r != null) {
                r.trainedThrough = trainedThrough;
            }
        }
        return s;
    }

    private static final class Ring {
        final long[] ts;
        final float[] v;
        int start;
        int size;
        final long hash;
        long trainedThrough = Long.MIN_VALUE;

        Ring(int capacity, long hash) {
            ts = new long[capacity];
            v = new float[capacity];
            this.hash = hash;
        }

        long last() {
            return ts[(start + size - 1) % ts.length];
        }

        void add(long t, float value) {
            if (size < ts.length) {
                int at = (start + size) % ts.length;
                ts[at] = t;
                v[at] = value;
                size++;
            } else {
                ts[start] = t;
                v[start] = value;
                start = (start + 1) % ts.length;
            }
        }
    }
}
