package io.streamcast.jobs.forecast;

import io.streamcast.model.core.series.SeriesState;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.model.core.DenseHead;
import io.streamcast.model.core.ForecastModel;
import io.streamcast.model.core.Forecaster;
import io.streamcast.model.core.PersistenceBlend;
import io.streamcast.model.core.artifact.ModelArtifact;
import io.streamcast.model.core.artifact.ModelArtifactWriter;
import io.streamcast.model.core.artifact.Provenance;
import io.streamcast.model.core.cell.CellType;
import io.streamcast.model.core.cell.LayerWeights;
import io.streamcast.model.core.feature.FeatureEncoder;
import io.streamcast.model.core.feature.FeatureSpec;
import io.streamcast.model.core.feature.OnlineScaler;
import io.streamcast.model.core.feature.ScalerPolicy;

import java.time.Instant;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small deterministic models and series for the job's tests, and the reference forecasts to hold it to. */
public final class TestModels {

    public static final String VERSION = "test-lstm-h8-v1";
    public static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    public static final long FIVE_MINUTES = 300_000L;

    private TestModels() {}

    /** One LSTM layer of {@code hidden} units over value + calendar features, horizon 4, seeded weights. */
    public static ForecastModel lstm(int hidden, long seed) {
        return lstm(hidden, seed, FeatureSpec.VALUE_AND_CALENDAR);
    }

    /** As {@link #lstm(int, long)} over the given features. */
    public static ForecastModel lstm(int hidden, long seed, FeatureSpec features) {
        return lstm(hidden, seed, features, 4);
    }

    /** As {@link #lstm(int, long, FeatureSpec)} with horizon {@code k}. */
    public static ForecastModel lstm(int hidden, long seed, FeatureSpec features, int k) {
        int d = features.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        int g = 4 * hidden;
        double a = 1.0 / Math.sqrt(hidden);
        LayerWeights layer = new LayerWeights(CellType.LSTM, d, hidden, random(rnd, d * g, a), random(rnd, hidden * g, a),
                random(rnd, g, a));
        DenseHead head = new DenseHead(hidden, k, random(rnd, hidden * k, a), random(rnd, k, 0.1));
        return new ForecastModel(List.of(layer), head, features, k);
    }

    public static ModelBundle bundle(int hidden, long seed, String version) {
        ModelArtifact artifact = ModelArtifact.of(lstm(hidden, seed), ScalerPolicy.DEFAULT, Provenance.none(Instant.EPOCH),
                version);
        return ModelBundle.fromBytes(ModelArtifactWriter.toBytes(artifact), version);
    }

    public static ModelBundle bundle() {
        return bundle(8, 11L, VERSION);
    }

    /** A noisy daily sine around {@code level}, one point every five minutes from {@link #T0}. */
    public static List<Event> series(String key, int n, double level, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            double v = level * (1 + 0.3 * Math.sin(2 * Math.PI * t / 288.0) + 0.02 * (rnd.nextDouble() - 0.5));
            out.add(new Event(key, T0 + t * FIVE_MINUTES, v));
        }
        return out;
    }

    /** A noisy daily sine around {@code level}, one point an hour from {@link #T0}: a key with a season of 24. */
    public static List<Event> hourlySeries(String key, int n, double level, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            double v = level * (1 + 0.3 * Math.sin(2 * Math.PI * t / 24.0) + 0.02 * (rnd.nextDouble() - 0.5));
            out.add(new Event(key, T0 + t * 3_600_000L, v));
        }
        return out;
    }

    public static ParsedEvent parsed(Event e, long offset) {
        return ParsedEvent.valid(e, "events", 0, offset);
    }

    /**
     * The forecasts the job must emit for one key, computed by the per-key algorithm ({@link SeriesStep}) directly
     * over the key's values.
     */
    public static List<float[]> referenceForecasts(ModelBundle bundle, List<Event> events) throws Exception {
        return referenceForecasts(bundle, events, -1);
    }

    /**
     * As {@link #referenceForecasts(ModelBundle, List)} for a key whose state was written, before event
     * {@code restoredAt}, by a release that served the model's forecast alone: the model and scaler continue, and
     * the combination with persistence starts at the restore as that release left it (weight 1, the model's
     * pending one-step forecast). Forecasts before {@code restoredAt} are the model's own.
     */
    public static List<float[]> referenceForecastsRestoredFromUncombinedState(ModelBundle bundle, List<Event> events,
                                                                              int restoredAt) throws Exception {
        return referenceForecasts(bundle, events, restoredAt);
    }

    private static List<float[]> referenceForecasts(ModelBundle bundle, List<Event> events, int restoredAt)
            throws Exception {
        return referenceForecasts(List.of(bundle), new int[] {0}, true, events, restoredAt);
    }

    /**
     * The forecasts of one key when the model in service changes: {@code models.get(i)} serves from event
     * {@code from[i]} on ({@code from[0] == 0}). At each change the recurrent state is kept if {@code keepState},
     * else started afresh; the scaler statistics always continue.
     */
    public static List<float[]> referenceForecasts(List<ModelBundle> models, int[] from, boolean keepState,
                                                    List<Event> events) throws Exception {
        return referenceForecasts(models, from, keepState, events, -1);
    }

    /**
     * As {@link #referenceForecasts(List, int[], boolean, List)} for a key restored at event {@code restoredAt} from
     * state of a release that served the model's forecast alone (see
     * {@link #referenceForecastsRestoredFromUncombinedState(ModelBundle, List, int)}).
     */
    public static List<float[]> referenceForecastsRestoredFromUncombinedState(List<ModelBundle> models, int[] from,
            boolean keepState, List<Event> events, int restoredAt) throws Exception {
        return referenceForecasts(models, from, keepState, events, restoredAt);
    }

    private static List<float[]> referenceForecasts(List<ModelBundle> models, int[] from, boolean keepState,
                                                     List<Event> events, int restoredAt) throws Exception {
        if (restoredAt < 0) {
            return stepForecasts(models, from, keepState, events);
        }
        // a key restored from a release that served the model alone: what that release computed up to the restore,
        // which no class of this release does, is composed here from the model-core parts
        List<float[]> forecasts = new ArrayList<>();
        OnlineScaler scaler = null;
        float[] state = null;
        PersistenceBlend blend = new PersistenceBlend();
        float[] blendState = new float[PersistenceBlend.STATE_SIZE];
        blend.init(blendState, 0);
        float lastModelForecast = Float.NaN;
        for (int i = 0; i < models.size(); i++) {
            ModelArtifact a = models.get(i).load();
            Forecaster f = a.model().newForecaster();
            FeatureEncoder enc = new FeatureEncoder(a.model().features());
            scaler = scaler == null ? new OnlineScaler(a.scaler())
                    : new OnlineScaler(a.scaler(), scaler.count(), scaler.mean(), scaler.m2());
            if (state == null || !keepState || state.length != a.model().stateSize()) {
                state = a.model().newState();
                blend.resetWeight(blendState, 0); // a new model's weight is learnt afresh
                lastModelForecast = Float.NaN;
            }
            float[] x = new float[a.model().inputSize()];
            float[] out = new float[a.model().horizon()];
            float[] served = new float[out.length];
            int end = i + 1 < models.size() ? from[i + 1] : events.size();
            for (int t = from[i]; t < end; t++) {
                Event e = events.get(t);
                boolean combined = t >= restoredAt;
                if (t == restoredAt) {
                    blend.initServingModel(blendState, 0, lastModelForecast);
                }
                if (combined) {
                    blend.observe(blendState, 0, e.getValue());
                }
                scaler.observe(e.getValue());
                enc.encode(scaler.scale(e.getValue()), e.getTimestampMillis(), x);
                f.step(x, state, out);
                if (combined) {
                    // this release keeps the recurrent state in half precision (series state layout 7)
                    io.streamcast.model.core.HalfFloat.roundInPlace(state);
                }
                for (int j = 0; j < out.length; j++) {
                    served[j] = (float) scaler.unscale(out[j]);
                }
                lastModelForecast = served[0];
                if (combined) {
                    blend.blend(blendState, 0, served, served.length);
                }
                forecasts.add(served.clone());
            }
        }
        return forecasts;
    }

    /**
     * The forecasts of one key computed by the per-key algorithm itself ({@link SeriesStep}), outside any stream
     * processor: what the operator must emit, record for record.
     */
    private static List<float[]> stepForecasts(List<ModelBundle> models, int[] from, boolean keepState,
                                               List<Event> events) throws Exception {
        SeriesStep step = new SeriesStep(AnomalyConfig.defaults(), true);
        List<ServingModel> serving = new ArrayList<>();
        for (ModelBundle b : models) {
            serving.add(new ServingModel(b.load(), b.sha256()));
        }
        SeriesState state = step.newState(serving.get(0));
        List<float[]> forecasts = new ArrayList<>();
        for (int i = 0; i < serving.size(); i++) {
            ServingModel m = serving.get(i);
            if (i > 0) {
                // the outcome asked for, whatever the operator's policy and lineage would decide: kept (if the sizes
                // allow it) or afresh
                int arch = keepState ? m.archTag : ServingModel.OTHER_ARCHITECTURE;
                step.adopt(state, m, tag -> arch, false);
            }
            int end = i + 1 < serving.size() ? from[i + 1] : events.size();
            for (int t = from[i]; t < end; t++) {
                Event e = events.get(t);
                step.step(state, m, e.getTimestampMillis(), e.getValue(), SeriesStep.Lineage.NONE);
                forecasts.add(step.forecast().clone());
            }
        }
        return forecasts;
    }

    /** The artifact bytes of {@link #bundle(int, long, String)}. */
    public static byte[] artifactBytes(int hidden, long seed, String version) {
        return artifactBytes(hidden, seed, version, FeatureSpec.VALUE_AND_CALENDAR);
    }

    public static byte[] artifactBytes(int hidden, long seed, String version, FeatureSpec features) {
        return ModelArtifactWriter.toBytes(ModelArtifact.of(lstm(hidden, seed, features), ScalerPolicy.DEFAULT,
                Provenance.none(Instant.EPOCH), version));
    }

    private static float[] random(SplittableRandom rnd, int n, double a) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) rnd.nextDouble(-a, a);
        }
        return w;
    }
}
