package io.streamcast.learner.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The learner's settings, validated in one place.
 *
 * <p>Defaults and why: 1,024 keys × 1,024 points (13.1 MB bound, {@link WindowSample#boundBytes}) — a few weeks of
 * hourly data per key, enough sequences for a 32-unit LSTM, and a training round of a few minutes on one core;
 * a round every 100,000 events or 7 days of event time, whichever comes first (a week holds every hour-of-week
 * once); 48 held-back points per key for validation (two days of hourly data, and at least one full horizon of the
 * models trained here); a candidate must be 2% better than the serving model (a smaller gain is within the noise of
 * a few thousand validation points) and not worse than the better of persistence and seasonal naive; training: 8
 * epochs at most with patience 2 (the trainer's other defaults), seed 42; training takes the CPU it can (a share of 1:
 * give less where the learner shares cores with the forecast job, see docs/benchmarks.md).
 *
 * @param maxKeys         keys held in the sample
 * @param pointsPerKey    most recent events held per key
 * @param holdout         most recent unseen events per key held back to validate a candidate
 * @param everyEvents     run a round after this many events (0: no event-count trigger)
 * @param everyEventTime  run a round after this much event time (null or zero: no time trigger)
 * @param minPoints       points the sample must hold before the first round
 * @param margin          relative improvement over the serving model a candidate needs, in [0, 1)
 * @param epochs          most training epochs per round
 * @param patience        early-stopping patience in epochs (0: none)
 * @param seed            training seed (each round adds its number, so rounds differ)
 * @param versionPrefix   learned versions are named {@code <prefix>-<round>-<event time>}
 * @param trainingCpuShare share of one core a training round takes at most, in (0, 1]: after each minibatch it pauses
 *                        for the rest ({@code Trainer.fit}); 1: no pause
 */
public record LearnerConfig(int maxKeys, int pointsPerKey, int holdout, long everyEvents, Duration everyEventTime,
        long minPoints, double margin, int epochs, int patience, long seed, String versionPrefix,
        double trainingCpuShare) implements java.io.Serializable {

    public static final int DEFAULT_MAX_KEYS = 1024;
    public static final int DEFAULT_POINTS_PER_KEY = 1024;
    public static final int DEFAULT_HOLDOUT = 48;
    public static final long DEFAULT_EVERY_EVENTS = 100_000;
    public static final Duration DEFAULT_EVERY_EVENT_TIME = Duration.ofDays(7);
    public static final long DEFAULT_MIN_POINTS = 2_000;
    public static final double DEFAULT_MARGIN = 0.02;
    public static final int DEFAULT_EPOCHS = 8;
    public static final int DEFAULT_PATIENCE = 2;
    public static final long DEFAULT_SEED = 42;
    public static final String DEFAULT_VERSION_PREFIX = "learned";
    public static final double DEFAULT_TRAINING_CPU_SHARE = 1.0;

    public LearnerConfig {
        List<String> p = new ArrayList<>();
        if (maxKeys < 1) {
            p.add("maxKeys must be >= 1, got " + maxKeys);
        }
        if (pointsPerKey < 16) {
            p.add("pointsPerKey must be >= 16, got " + pointsPerKey);
        }
        if (holdout < 1 || holdout >= pointsPerKey) {
            p.add("holdout must be in [1, pointsPerKey), got " + holdout);
        }
        if (everyEvents < 0) {
            p.add("everyEvents must be >= 0 (0 = no event-count trigger), got " + everyEvents);
        }
        if (everyEventTime != null && everyEventTime.isNegative()) {
            p.add("everyEventTime must not be negative, got " + everyEventTime);
        }
        if (everyEvents == 0 && (everyEventTime == null || everyEventTime.isZero())) {
            p.add("give everyEvents or everyEventTime: with neither the learner never runs");
        }
        if (!(trainingCpuShare > 0 && trainingCpuShare <= 1)) {
            p.add("trainingCpuShare must be in (0, 1], got " + trainingCpuShare);
        }
        if (minPoints < 0) {
            p.add("minPoints must be >= 0, got " + minPoints);
        }
        if (!(margin >= 0 && margin < 1)) {
            p.add("margin must be in [0, 1), got " + margin);
        }
        if (epochs < 1) {
            p.add("epochs must be >= 1, got " + epochs);
        }
        if (patience < 0) {
            p.add("patience must be >= 0, got " + patience);
        }
        if (versionPrefix == null || versionPrefix.isBlank() || !versionPrefix.matches("[A-Za-z0-9._-]+")) {
            p.add("versionPrefix must be letters, digits, '.', '_' or '-', got '" + versionPrefix + "'");
        }
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("invalid learner settings: " + String.join("; ", p));
        }
    }

    public static LearnerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxKeys(maxKeys).pointsPerKey(pointsPerKey).holdout(holdout).everyEvents(everyEvents)
                .everyEventTime(everyEventTime).minPoints(minPoints).margin(margin).epochs(epochs).patience(patience)
                .seed(seed).versionPrefix(versionPrefix).trainingCpuShare(trainingCpuShare);
    }

    /** The sample's memory bound in bytes. */
    public long sampleBoundBytes() {
        return WindowSample.boundBytes(maxKeys, pointsPerKey);
    }

    public static final class Builder {
        private int maxKeys = DEFAULT_MAX_KEYS;
        private int pointsPerKey = DEFAULT_POINTS_PER_KEY;
        private int holdout = DEFAULT_HOLDOUT;
        private long everyEvents = DEFAULT_EVERY_EVENTS;
        private Duration everyEventTime = DEFAULT_EVERY_EVENT_TIME;
        private long minPoints = DEFAULT_MIN_POINTS;
        private double margin = DEFAULT_MARGIN;
        private int epochs = DEFAULT_EPOCHS;
        private int patience = DEFAULT_PATIENCE;
        private long seed = DEFAULT_SEED;
        private String versionPrefix = DEFAULT_VERSION_PREFIX;
        private double trainingCpuShare = DEFAULT_TRAINING_CPU_SHARE;

        public Builder maxKeys(int v) { maxKeys = v; return this; }
        public Builder pointsPerKey(int v) { pointsPerKey = v; return this; }
        public Builder holdout(int v) { holdout = v; return this; }
        public Builder everyEvents(long v) { everyEvents = v; return this; }
        public Builder everyEventTime(Duration v) { everyEventTime = v; return this; }
        public Builder minPoints(long v) { minPoints = v; return this; }
        public Builder margin(double v) { margin = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder versionPrefix(String v) { versionPrefix = v; return this; }
        public Builder trainingCpuShare(double v) { trainingCpuShare = v; return this; }

        public LearnerConfig build() {
            return new LearnerConfig(maxKeys, pointsPerKey, holdout, everyEvents, everyEventTime, minPoints, margin,
                    epochs, patience, seed, versionPrefix, trainingCpuShare);
        }
    }
}
