package io.streamcast.learner.core;

import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactReader;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.LayerWeights;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps learning from the stream: every event goes into the {@link WindowSample}; when the {@link RetrainSchedule}
 * says so, a round trains a candidate on the sample's training part ({@link CandidateTrainer}), checks its weights
 * are finite, scores it and the serving model on the held-back part ({@link CandidateValidator}), and accepts it only
 * if its network beats the serving model's by the margin, its served forecasts are not worse than the serving
 * model's (beyond a quarter of the margin: a tie) and not worse than the better baseline. An accepted candidate is
 * written to the {@link ModelStore} with its provenance (data window, validation metrics, parent version) and becomes
 * the serving model; the round returns its {@link ModelAnnouncement}. A refused one (any failure included: training
 * that diverges, non-finite weights or forecasts, a store that cannot be written) is logged with its metrics and the
 * serving model stays. Not thread-safe; plain Java (no Flink), so the Flink job and the prequential evaluation run the
 * same rounds.
 */
public final class Learner {
    private static final Logger LOG = LoggerFactory.getLogger(Learner.class);
    /**
     * The served forecasts combine the network with persistence and seasonal naive, so a network better by the margin
     * can leave them unchanged, up to the validation's noise: served scores within this fraction of the margin of the
     * serving model's are a tie, not a reason to keep the weaker network (2% margin: 0.5%).
     */
    static final double SERVED_TIE = 0.25;

    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    /** What a round decided, with the numbers behind it. */
    public record Round(int number, boolean accepted, String reason, String candidateVersion, String parentVersion,
            CandidateValidator.Scores candidate, CandidateValidator.Scores serving, ModelAnnouncement announcement,
            int trainKeys, long trainPoints, long dataFrom, long dataTo, Duration elapsed) {

        /** One line for logs and summaries. */
        public String describe() {
            String scores = candidate == null ? "" : String.format(Locale.ROOT,
                    "; validation (MASE-scaled MAE, %d keys, %d pairs): model candidate %.4f, serving %.4f; served "
                            + "candidate %.4f, serving %.4f; persistence %.4f, seasonal naive %.4f", candidate.keys(),
                    candidate.pairs(), candidate.model(), serving == null ? Double.NaN : serving.model(),
                    candidate.served(), serving == null ? Double.NaN : serving.served(), candidate.persistence(),
                    candidate.seasonalNaive());
            return String.format(Locale.ROOT, "learner round %d: %s %s (parent %s, trained on %d keys, %d points, "
                            + "event time %s..%s, %.1f s)%s", number, accepted ? "accepted" : "refused",
                    candidateVersion, parentVersion, trainKeys, trainPoints, time(dataFrom), time(dataTo),
                    elapsed.toMillis() / 1000.0, scores) + (accepted ? "" : ": " + reason);
        }

        private static String time(long t) {
            return t == Long.MIN_VALUE || t == Long.MAX_VALUE ? "-" : Instant.ofEpochMilli(t).toString();
        }
    }

    private final LearnerConfig config;
    private final CandidateTrainer trainer;
    private final ModelStore store;
    private final CandidateValidator validator = new CandidateValidator();
    private WindowSample sample;
    private final RetrainSchedule schedule;
    private ModelArtifact serving;
    private String servingSha;
    private int rounds;
    private int accepted;
    private int refused;

    /**
     * @param serving    the model in service when the learner starts (its architecture is kept by every candidate)
     * @param servingSha its artifact's SHA-256
     */
    public Learner(LearnerConfig config, ModelArtifact serving, String servingSha, CandidateTrainer trainer,
            ModelStore store) {
        this.config = Objects.requireNonNull(config, "config");
        this.serving = Objects.requireNonNull(serving, "serving");
        this.servingSha = Objects.requireNonNull(servingSha, "servingSha");
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.store = Objects.requireNonNull(store, "store");
        this.sample = new WindowSample(config.maxKeys(), config.pointsPerKey());
        this.schedule = RetrainSchedule.of(config);
    }

    /**
     * Takes one event; runs a round if one is due after it and returns what it decided. A non-finite value or an
     * event not newer than its key's last is left out of the sample (the forecast job dead-letters those).
     */
    public Optional<Round> onEvent(String key, long timestamp, double value) {
        return onEvent(key, timestamp, value, timestamp);
    }

    /**
     * As {@link #onEvent(String, long, double)}, the schedule's clock reading {@code clock} (the watermark in a
     * stream read from several partitions; Long.MIN_VALUE while there is none).
     */
    public Optional<Round> onEvent(String key, long timestamp, double value, long clock) {
        if (!sample.add(key, timestamp, value)) {
            return Optional.empty();
        }
        schedule.observe(clock);
        return roundIfDue();
    }

    /**
     * The schedule's clock moves to {@code clock} without an event: in a stream, the watermark passing after the
     * events it covers have arrived. Runs the round if that makes one due, so a round does not wait for an event
     * after its time (after a restore the source may have nothing more to deliver until new data comes).
     */
    public Optional<Round> onClock(long clock) {
        schedule.advance(clock);
        return roundIfDue();
    }

    private Optional<Round> roundIfDue() {
        if (!schedule.due(sample.points())) {
            return Optional.empty();
        }
        schedule.roundRan();
        return Optional.of(runRound());
    }

    /** Runs a round now, whatever the schedule says. */
    public Round runRound() {
        long started = System.nanoTime();
        rounds++;
        String parent = serving.modelVersion();
        String version = config.versionPrefix() + "-" + rounds + "-"
                + VERSION_TIME.format(Instant.ofEpochMilli(Math.max(0, schedule.eventTime())));
        List<WindowSample.KeySplit> splits = sample.split(config.holdout());
        List<CandidateTrainer.TrainingSeries> train = new ArrayList<>();
        Map<String, Long> trainedThrough = new HashMap<>();
        long points = 0;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        int validationKeys = 0;
        for (WindowSample.KeySplit s : splits) {
            int n = s.validationStart();
            if (n < s.size() && n >= 2) {
                validationKeys++;
            }
            if (n == 0) {
                continue;
            }
            long[] ts = java.util.Arrays.copyOf(s.timestamps(), n);
            double[] v = java.util.Arrays.copyOf(s.values(), n);
            train.add(new CandidateTrainer.TrainingSeries(s.key(), ts, v));
            trainedThrough.put(s.key(), ts[n - 1]);
            points += n;
            from = Math.min(from, ts[0]);
            to = Math.max(to, ts[n - 1]);
        }
        if (validationKeys == 0 || train.isEmpty()) {
            return refuse(version, parent, validationKeys == 0
                    ? "no key has events after the serving model's training data to validate on"
                    : "no key has events to train on", null, null, train.size(), points, from, to, started);
        }
        CandidateTrainer.Trained trained;
        try {
            trained = trainer.train(train, serving, config.seed() + rounds);
        } catch (Exception | OutOfMemoryError e) {
            if (Thread.currentThread().isInterrupted()) {
                // the task is being cancelled (a paused round is interrupted): not a refusal of the candidate
                throw new IllegalStateException("learning round of " + version + " interrupted", e);
            }
            return refuse(version, parent, "training failed: " + e.getMessage(), null, null, train.size(), points,
                    from, to, started);
        }
        String nonFinite = nonFiniteWeight(trained.model());
        if (nonFinite != null) {
            return refuse(version, parent, "the candidate has a non-finite weight (" + nonFinite + ")", null, null,
                    train.size(), points, from, to, started);
        }
        CandidateValidator.Scores cand;
        CandidateValidator.Scores serv;
        ModelArtifact candidate;
        try {
            serv = validator.score(serving, splits);
            Map<String, Double> metrics = new LinkedHashMap<>();
            // the candidate is scored before its artifact is final: score a provisional artifact of the same model
            // the serving model's week model (trained across keys offline) goes on with the retrained network
            io.streamcast.model.core.WeekModel week = serving.weekModel() != null
                    && serving.weekModel().horizon() == trained.model().horizon() ? serving.weekModel() : null;
            ModelArtifact provisional = ModelArtifact.of(trained.model(), trained.scaler(),
                    Provenance.none(Instant.now()), version).withWeekModel(week);
            cand = validator.score(provisional, splits);
            metrics.put("round", (double) rounds);
            metrics.put("val_score", cand.model());
            metrics.put("val_score_parent", serv.model());
            metrics.put("val_served", cand.served());
            metrics.put("val_served_parent", serv.served());
            metrics.put("val_score_persistence", cand.persistence());
            metrics.put("val_score_seasonal_naive", cand.seasonalNaive());
            metrics.put("val_keys", (double) cand.keys());
            metrics.put("val_pairs", (double) cand.pairs());
            metrics.put("data_from_ms", (double) from);
            metrics.put("data_to_ms", (double) to);
            metrics.put("train_keys", (double) train.size());
            String data = String.format(Locale.ROOT, "stream sample: %d keys, %d points, event time %s..%s; parent %s%s",
                    train.size(), points, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), parent,
                    week == null ? "" : " (its week model kept)");
            candidate = ModelArtifact.of(trained.model(), trained.scaler(), new Provenance(data, points,
                    trained.seed(), trained.epochs(), trained.learningRate(), trained.tbptt(), trained.clip(),
                    Instant.now(), metrics), version).withWeekModel(week);
        } catch (Exception e) {
            return refuse(version, parent, "validation failed: " + e, null, null, train.size(), points, from, to,
                    started);
        }
        if (!Double.isFinite(cand.model()) || !Double.isFinite(cand.served())) {
            return refuse(version, parent, "the candidate's validation forecasts are not finite", cand, serv,
                    train.size(), points, from, to, started);
        }
        double needed = serv.model() * (1 - config.margin());
        if (!(cand.model() <= needed)) {
            return refuse(version, parent, String.format(Locale.ROOT, "not better than the serving model by the margin "
                    + "%.3f (needs <= %.4f)", config.margin(), needed), cand, serv, train.size(), points, from, to,
                    started);
        }
        double servedLimit = serv.served() * (1 + config.margin() * SERVED_TIE);
        if (!(cand.served() <= servedLimit)) {
            return refuse(version, parent, String.format(Locale.ROOT, "its served forecasts would be worse than the "
                    + "serving model's (%.4f against %.4f; allowed up to %.4f)", cand.served(), serv.served(),
                    servedLimit), cand, serv, train.size(), points, from, to, started);
        }
        if (!(cand.served() <= cand.bestBaseline())) {
            return refuse(version, parent, String.format(Locale.ROOT, "its served forecasts would be worse than the "
                    + "better baseline (%.4f against %.4f)", cand.served(), cand.bestBaseline()), cand, serv,
                    train.size(), points, from, to, started);
        }
        byte[] bytes = ModelArtifactWriter.toBytes(candidate);
        String sha = ModelArtifactReader.sha256(bytes);
        String uri;
        try {
            uri = store.put(version, bytes);
        } catch (Exception e) {
            return refuse(version, parent, "the model store " + store.describe() + " cannot be written: "
                    + e.getMessage(), cand, serv, train.size(), points, from, to, started);
        }
        serving = candidate;
        servingSha = sha;
        sample.markTrainedThrough(trainedThrough);
        accepted++;
        Round r = new Round(rounds, true, "accepted", version, parent, cand, serv, new ModelAnnouncement(version, uri,
                sha), train.size(), points, from, to, Duration.ofNanos(System.nanoTime() - started));
        LOG.info(r.describe());
        return r;
    }

    private Round refuse(String version, String parent, String reason, CandidateValidator.Scores cand,
            CandidateValidator.Scores serv, int keys, long points, long from, long to, long started) {
        refused++;
        Round r = new Round(rounds, false, reason, version, parent, cand, serv, null, keys, points, from, to,
                Duration.ofNanos(System.nanoTime() - started));
        LOG.warn(r.describe());
        return r;
    }

    /** The first non-finite weight of {@code m} as {@code "layer 0 W[12] = NaN"}, or null if all are finite. */
    public static String nonFiniteWeight(ForecastModel m) {
        List<LayerWeights> layers = m.layers();
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights w = layers.get(l);
            String at = firstNonFinite(w.w(), "layer " + l + " W");
            at = at != null ? at : firstNonFinite(w.rw(), "layer " + l + " RW");
            at = at != null ? at : firstNonFinite(w.b(), "layer " + l + " b");
            if (at != null) {
                return at;
            }
        }
        String at = firstNonFinite(m.head().w(), "head W");
        return at != null ? at : firstNonFinite(m.head().b(), "head b");
    }

    private static String firstNonFinite(float[] a, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return name + "[" + i + "] = " + a[i];
            }
        }
        return null;
    }

    public ModelArtifact serving() {
        return serving;
    }

    public String servingSha() {
        return servingSha;
    }

    public WindowSample sample() {
        return sample;
    }

    public RetrainSchedule schedule() {
        return schedule;
    }

    public LearnerConfig config() {
        return config;
    }

    public int rounds() {
        return rounds;
    }

    public int accepted() {
        return accepted;
    }

    public int refused() {
        return refused;
    }

    /** Restores a checkpointed learner's sample, serving model and counts (the schedule through {@link #schedule}). */
    public void restore(WindowSample sample, ModelArtifact serving, String servingSha, int rounds, int accepted,
            int refused) {
        if (sample.maxKeys() != config.maxKeys() || sample.pointsPerKey() != config.pointsPerKey()) {
            throw new IllegalArgumentException("the sample's bounds differ from the settings");
        }
        this.sample = sample;
        this.serving = serving;
        this.servingSha = servingSha;
        this.rounds = rounds;
        this.accepted = accepted;
        this.refused = refused;
    }
}
