package io.streamcast.model.core;

/**
 * Per-key online combination of the model's forecast with persistence (the last value), so that a key
 * whose series the model forecasts worse than "no change" is served something at least about as good as
 * "no change", and a key the model forecasts well is served the model. All per-key state is
 * {@value #STATE_SIZE} floats of a caller's {@code float[]}.
 *
 * <h2>Definition</h2>
 * With {@code y} the key's latest value and {@code f_k} the model's forecast k steps ahead, the served
 * forecast is
 * <pre>
 *   c_k = y + W · (f_k − y),      W = clip(N / D, 0, 1)
 * </pre>
 * the same weight for every horizon. {@code W} is the weight that minimises the exponentially weighted
 * squared error of the combined one-step forecast over the key's past: with {@code e_p = v − y_prev}
 * (persistence's error) and {@code d = f − y_prev} (the model's predicted change), both observed when the
 * next value {@code v} arrives,
 * <pre>
 *   N = EW mean of u · e_p · d,      D = EW mean of u · d²      (half-life {@code halfLife} events)
 * </pre>
 * since the one-step error of {@code c} is {@code e_p − W·d}; {@code u = 1} for plain least squares, and with the
 * caller's typical error ({@link #observe(float[], int, double, double)}) Huber's weight {@code min(1, L/|e_p −
 * W·d|)}, which makes W minimise the Huber loss instead: the job passes it, so one wild error cannot hand a
 * key's forecasts to the model or to persistence for a thousand events. Before the first observation (D = 0)
 * {@code W = 0.5}; before the key's first finite value there is no {@code y} and the model's forecast is
 * served as it is. Both sums start at 0; the ratio does not depend on that start. Sums in value units hold
 * changes up to ~1e19 (an update that would overflow is skipped); changes below ~1e-19 underflow to D = 0,
 * which keeps {@code W = 0.5}.
 *
 * <h2>State layout</h2>
 * {@link #STATE_SIZE} = 4 floats from the caller's offset:
 * <pre>
 *  +0 NUMERATOR   N
 *  +1 DENOMINATOR D
 *  +2 LAST_VALUE  y, the key's latest value (NaN before the first)
 *  +3 PENDING     the model's (not the served) one-step forecast made at the latest value (NaN if none)
 * </pre>
 * Instances are immutable and thread-safe (all mutable state is in the caller's arrays).
 */
public final class PersistenceBlend {

    /** Floats of per-key state. */
    public static final int STATE_SIZE = 4;
    /** Default half-life, in events, of the sums behind the weight. */
    public static final double DEFAULT_HALF_LIFE = 1000;
    /** Huber's tuning constant, in standard deviations of the error (95% efficiency at Gaussian errors). */
    public static final double HUBER_K = 1.345;
    /** Huber's constant in mean absolute errors: {@link #HUBER_K}·√(π/2). */
    static final double HUBER_LIMIT = HUBER_K * Math.sqrt(Math.PI / 2.0);
    /** The weight before any observation. */
    public static final double INITIAL_WEIGHT = 0.5;

    static final int NUMERATOR = 0;
    static final int DENOMINATOR = 1;
    static final int LAST_VALUE = 2;
    static final int PENDING = 3;

    private final double halfLife;
    private final double alpha;

    public PersistenceBlend() {
        this(DEFAULT_HALF_LIFE);
    }

    /** @param halfLife half-life, in events, of the sums behind the weight; finite and &gt; 0 */
    public PersistenceBlend(double halfLife) {
        if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
            throw new IllegalArgumentException("halfLife must be a finite number > 0, got " + halfLife);
        }
        this.halfLife = halfLife;
        this.alpha = 1.0 - Math.pow(0.5, 1.0 / halfLife);
    }

    public double halfLife() {
        return halfLife;
    }

    /** Writes a fresh key's state. */
    public void init(float[] state, int offset) {
        checkRegion(state, offset);
        state[offset + NUMERATOR] = 0f;
        state[offset + DENOMINATOR] = 0f;
        state[offset + LAST_VALUE] = Float.NaN;
        state[offset + PENDING] = Float.NaN;
    }

    /**
     * Writes the state of a key that so far was served the model's forecast alone (restored from a release
     * without this combination): weight 1 until the sums have seen data, and the model's pending one-step
     * forecast (for the caller's anomaly residual; without the last value, the next event only sets it, and the
     * sums start learning at the one after).
     */
    public void initServingModel(float[] state, int offset, float pendingModelForecast) {
        checkRegion(state, offset);
        // equal, negligible sums: W = 1 now, and after one observation the data outweigh them by ~10^35
        state[offset + NUMERATOR] = Float.MIN_NORMAL;
        state[offset + DENOMINATOR] = Float.MIN_NORMAL;
        state[offset + LAST_VALUE] = Float.NaN;
        state[offset + PENDING] = pendingModelForecast;
    }

    /** Starts the weight afresh (a new model) while keeping the key's latest value. */
    public void resetWeight(float[] state, int offset) {
        checkRegion(state, offset);
        state[offset + NUMERATOR] = 0f;
        state[offset + DENOMINATOR] = 0f;
        state[offset + PENDING] = Float.NaN;
    }

    /** The model's weight W now, in [0, 1]. */
    public double weight(float[] state, int offset) {
        checkRegion(state, offset);
        double d = state[offset + DENOMINATOR];
        if (!(d > 0)) {
            return INITIAL_WEIGHT;
        }
        double w = state[offset + NUMERATOR] / d;
        return w > 0 ? (w > 1 ? 1 : w) : 0; // NaN (an infinite sum) counts as 0: persistence
    }

    /**
     * Observes the key's next value: updates the sums with the errors of the forecasts made at the previous
     * value, then remembers the value. A non-finite value is not observed and changes nothing. Without a typical
     * error the weight is the plain least-squares one.
     */
    public void observe(float[] state, int offset, double value) {
        observe(state, offset, value, Double.NaN);
    }

    /**
     * {@link #observe(float[], int, double)} for a weight that minimises the Huber loss of the combined one-step
     * forecast instead of its squared error: an observation whose error under the current weight, {@code r = e_p −
     * W·d}, is larger than {@code L = }{@value #HUBER_K}{@code ·√(π/2)·typicalError} enters both sums with the
     * weight {@code L/|r|} (one step of iteratively reweighted least squares per observation), so a few huge errors
     * (spikes, the model's rare wild forecasts) count linearly, not squared, and cannot pull W away from what serves
     * the other events best. {@value #HUBER_K} standard deviations is Huber's constant (95% efficiency at Gaussian
     * errors), and √(π/2) converts a mean absolute error into a standard deviation for Gaussian errors.
     *
     * @param typicalError the served one-step forecast's typical absolute error now, value units (e.g. the
     *                     intervals' horizon-1 scale); NaN, 0 or less: none yet, plain least squares
     */
    public void observe(float[] state, int offset, double value, double typicalError) {
        checkRegion(state, offset);
        if (!Double.isFinite(value)) {
            return;
        }
        double last = state[offset + LAST_VALUE];
        double pending = state[offset + PENDING];
        if (!Double.isNaN(last) && !Double.isNaN(pending)) {
            double change = pending - last;
            double persistenceError = value - last;
            double n = state[offset + NUMERATOR];
            double d = state[offset + DENOMINATOR];
            double u = 1.0;
            if (typicalError > 0 && Double.isFinite(typicalError)) {
                double r = Math.abs(persistenceError - weight(state, offset) * change);
                double limit = HUBER_LIMIT * typicalError;
                if (r > limit) {
                    u = limit / r;
                }
            }
            float nextN = (float) (n + alpha * (u * persistenceError * change - n));
            float nextD = (float) (d + alpha * (u * change * change - d));
            if (Float.isFinite(nextN) && Float.isFinite(nextD)) { // changes beyond ~1e19 would overflow a float
                state[offset + NUMERATOR] = nextN;
                state[offset + DENOMINATOR] = nextD;
            }
        }
        state[offset + LAST_VALUE] = (float) value;
    }

    /**
     * Turns the model's forecasts, made at the key's latest value (after {@link #observe}), into the served
     * ones in place, and remembers the model's one-step forecast for the next observation.
     *
     * @param forecast the model's forecasts for the next {@code horizon} events in value units; replaced by
     *                 the served ones
     * @return the weight W used
     */
    public double blend(float[] state, int offset, float[] forecast, int horizon) {
        checkRegion(state, offset);
        if (horizon < 1 || forecast.length < horizon) {
            throw new IllegalArgumentException("horizon must be in [1, " + forecast.length + "], got " + horizon);
        }
        state[offset + PENDING] = forecast[0];
        double last = state[offset + LAST_VALUE];
        if (Double.isNaN(last)) {
            return 1.0;
        }
        double w = weight(state, offset);
        for (int k = 0; k < horizon; k++) {
            forecast[k] = (float) (last + w * (forecast[k] - last));
        }
        return w;
    }

    /** The key's latest value (NaN before the first). */
    public static float lastValue(float[] state, int offset) {
        return state[offset + LAST_VALUE];
    }

    /** The model's own one-step forecast made at the latest value (NaN if none). */
    public static float pendingModelForecast(float[] state, int offset) {
        return state[offset + PENDING];
    }

    /**
     * The one-step forecast served at the latest value (NaN if none): what {@link #blend} made of the model's,
     * recomputed from this state bit for bit, so a caller that needs it at the next value (e.g. to judge it) need
     * not keep it. Valid until the next {@link #observe}.
     */
    public float pendingServedForecast(float[] state, int offset) {
        checkRegion(state, offset);
        float pending = state[offset + PENDING];
        double last = state[offset + LAST_VALUE];
        if (Float.isNaN(pending) || Double.isNaN(last)) {
            return pending;
        }
        return (float) (last + weight(state, offset) * (pending - last));
    }

    private static void checkRegion(float[] state, int offset) {
        StateRegions.check(state, offset, STATE_SIZE);
    }
}
