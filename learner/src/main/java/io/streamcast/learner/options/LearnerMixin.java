package io.streamcast.learner.options;

import io.streamcast.learner.core.LearnerConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The learner's settings on a command line, declared once: {@code evaluate --prequential}, {@code run --learn} and the
 * learner job take them. Every default is {@link LearnerConfig}'s.
 */
public final class LearnerMixin {

    @Option(names = "--learn-every-events", paramLabel = "N",
            description = "Run a learning round after N events (0: no count trigger; default "
                    + LearnerConfig.DEFAULT_EVERY_EVENTS + ").")
    Long everyEvents;

    @Option(names = "--learn-every", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run a learning round after this much event time, e.g. 7d, 12h, 30min (0: no time trigger; "
                    + "default 7d).")
    Duration everyEventTime;

    @Option(names = "--learn-max-keys", paramLabel = "N",
            description = "Keys the learner's sample holds (default " + LearnerConfig.DEFAULT_MAX_KEYS + ").")
    Integer maxKeys;

    @Option(names = "--learn-points-per-key", paramLabel = "N",
            description = "Most recent events held per key (default " + LearnerConfig.DEFAULT_POINTS_PER_KEY
                    + "). The sample's bound is keys x (12 x points + 416) bytes.")
    Integer pointsPerKey;

    @Option(names = "--learn-holdout", paramLabel = "N",
            description = "Most recent unseen events per key held back to validate a candidate (default "
                    + LearnerConfig.DEFAULT_HOLDOUT + ").")
    Integer holdout;

    @Option(names = "--learn-min-points", paramLabel = "N",
            description = "Events the sample must hold before the first round (default "
                    + LearnerConfig.DEFAULT_MIN_POINTS + ").")
    Long minPoints;

    @Option(names = "--learn-margin", paramLabel = "F",
            description = "Relative improvement over the serving model a candidate needs (default "
                    + LearnerConfig.DEFAULT_MARGIN + ").")
    Double margin;

    @Option(names = "--learn-epochs", paramLabel = "N",
            description = "Most training epochs per round (default " + LearnerConfig.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--learn-patience", paramLabel = "N",
            description = "Early-stopping patience per round (default " + LearnerConfig.DEFAULT_PATIENCE + ").")
    Integer patience;

    @Option(names = "--learn-seed", paramLabel = "N",
            description = "Training seed; round r trains with seed + r (default " + LearnerConfig.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--learn-cpu-share", paramLabel = "F",
            description = "Share of one core a training round takes at most, in (0, 1]: it pauses after each minibatch "
                    + "for the rest, so that a learner sharing cores with the forecast job leaves it its CPU (default "
                    + LearnerConfig.DEFAULT_TRAINING_CPU_SHARE + ": no pause).")
    Double cpuShare;

    /** The settings, every option not given at its default. */
    public LearnerConfig config() {
        return config(LearnerConfig.builder());
    }

    /** The options given, over {@code b} (a command's own defaults). */
    public LearnerConfig config(LearnerConfig.Builder b) {
        if (everyEvents != null) {
            b.everyEvents(everyEvents);
        }
        if (everyEventTime != null) {
            b.everyEventTime(everyEventTime);
        }
        if (maxKeys != null) {
            b.maxKeys(maxKeys);
        }
        if (pointsPerKey != null) {
            b.pointsPerKey(pointsPerKey);
        }
        if (holdout != null) {
            b.holdout(holdout);
        }
        if (minPoints != null) {
            b.minPoints(minPoints);
        }
        if (margin != null) {
            b.margin(margin);
        }
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (patience != null) {
            b.patience(patience);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (cpuShare != null) {
            b.trainingCpuShare(cpuShare);
        }
        return b.build();
    }

    /** The options given, as they would be typed again (for the command line recorded in reports). */
    public String commandLine() {
        StringBuilder sb = new StringBuilder();
        append(sb, "--learn-every-events", everyEvents);
        append(sb, "--learn-every", everyEventTime == null ? null : DurationConverter.format(everyEventTime));
        append(sb, "--learn-max-keys", maxKeys);
        append(sb, "--learn-points-per-key", pointsPerKey);
        append(sb, "--learn-holdout", holdout);
        append(sb, "--learn-min-points", minPoints);
        append(sb, "--learn-margin", margin);
        append(sb, "--learn-epochs", epochs);
        append(sb, "--learn-patience", patience);
        append(sb, "--learn-seed", seed);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(' ').append(name).append(' ').append(value);
        }
    }

    /** Durations as {@code 7d}, {@code 12h}, {@code 30min}, {@code 45s}, {@code 500ms}, or ISO-8601 ({@code PT12H}). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "min", "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (v.equals("0")) {
                return Duration.ZERO;
            }
            try {
                return Duration.parse(value.trim());
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 7d, 12h, "
                        + "30min, 45s, 500ms or PT12H");
            }
        }

        static String format(Duration d) {
            return d.toMillis() % 86_400_000L == 0 ? d.toDays() + "d" : d.toMillis() + "ms";
        }
    }
}
