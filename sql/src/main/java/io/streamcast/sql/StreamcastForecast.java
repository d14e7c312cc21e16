package io.streamcast.sql;

import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.jobs.forecast.ExpiryGrid;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.jobs.forecast.SeriesStateSerializer;
import io.streamcast.model.core.anomaly.AnomalyConfig;
import io.streamcast.model.core.anomaly.AnomalyResult;
import io.streamcast.model.core.series.SeriesState;
import io.streamcast.model.core.series.SeriesStep;
import io.streamcast.model.core.series.ServingModel;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.functions.TableSemantics;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.StateTypeStrategy;
import org.apache.flink.table.types.inference.TypeStrategies;
import org.apache.flink.table.types.inference.TypeStrategy;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.types.Row;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code STREAMCAST_FORECAST}: Streamcast's per-key forecasting and anomaly scoring as a Flink SQL process table
 * function (FLIP-440). It runs the same per-key step as the DataStream job ({@link SeriesStep}, model core) over a table
 * partitioned by the series key, in event time:
 *
 * <pre>{@code
 * SELECT * FROM STREAMCAST_FORECAST(
 *   input     => TABLE events PARTITION BY series_key,
 *   on_time   => DESCRIPTOR(ts),
 *   model     => 'file:///models/default.scm',   -- optional; default: the bundled model
 *   state_ttl => INTERVAL '7' DAY)               -- optional
 * }</pre>
 *
 * <p>Arguments ({@code input} and {@code on_time} required, the rest optional and named):
 * <ul>
 *   <li>{@code input}: any append-only table, set semantics, {@code PARTITION BY} the series key (one or more columns);
 *   <li>{@code on_time}: the event-time attribute (a column with a watermark);
 *   <li>{@code value_column} (STRING, default {@code 'value'}): the numeric column forecast;
 *   <li>{@code model} (STRING): the model artifact, see {@link ModelSource}; read and checked when the statement is
 *       planned (a missing file or a corrupt artifact fails the statement) and again when the function opens;
 *   <li>{@code state_ttl} (INTERVAL, default 7 days, as the job's {@code streamcast.state.ttl}): a key with no row
 *       for this long in event time is forgotten (its state and timer cleared when the watermark passes);
 *   <li>{@code warm_up_events} (INT, default {@value AnomalyConfig#DEFAULT_WARM_UP_EVENTS}) and
 *       {@code anomaly_threshold} (DOUBLE, default {@link AnomalyConfig#DEFAULT_THRESHOLD}): the anomaly scorer's, as
 *       the job's {@code streamcast.anomaly.*};
 *   <li>{@code emit_rejected} (BOOLEAN, default FALSE): also emit a row for every rejected input row, with the reason
 *       in {@code rejected} and the forecast columns {@code NULL} (where the job dead-letters).
 * </ul>
 *
 * <p>Output: the partition key column(s), then the function's columns ({@link #OUTPUT_TYPE}: {@code ts, value, forecast,
 * lower, upper, anomaly_score, is_anomaly, anomaly_likelihood, residual_surprise, profile_surprise, outside_seen_range,
 * model_version, rejected}), then
 * {@code rowtime}.
 * Record for record the same as the job's {@code ForecastRecord}s for the same rows and model.
 *
 * <p>Rows that cannot be forecast change nothing and are counted (metric {@code rejected.<reason>}, the job's
 * dead-letter codes): all partition columns {@code NULL} ({@code missing-key}), a {@code NULL} value
 * ({@code missing-value}), NaN or infinite ({@code non-finite-value}), and an event time not after the key's last
 * accepted one ({@code out-of-order}; rows are taken in arrival order, as the job does). Other metrics:
 * {@code forecastsOut}, {@code anomalies}, {@code keysExpired}.
 *
 * <p>Late rows (at or behind the watermark) never reach this function: Flink 2.2's process table function runtime
 * drops them before {@code eval} (FLINK-39436), unlike the job, which forecasts a late row newer than its key's last.
 *
 * <p>State: one entry per key, {@value #SERIES_STATE}, a {@code MapView<INT, RAW>} holding the key's {@link SeriesState}
 * object, typed with the job's {@code SeriesStateSerializer} ({@link #SERIES_STATE_TYPE}; declared without Flink's state
 * TTL), so that the heap backend keeps the object and a row serializes nothing; the previous release's entry
 * {@value #LEGACY_SERIES} (the same record as bytes, {@link SeriesStateRecords}) is read and moved at a key's next row
 * or timer. Plus one named event-time timer ({@value #EXPIRY_TIMER}) at the key's expiry, moved on a grid of TTL/8 so a busy key
 * re-registers it rarely.
 */
@FunctionHint(output = @DataTypeHint(value = StreamcastForecast.OUTPUT_TYPE, bridgedTo = RowData.class))
public class StreamcastForecast extends ProcessTableFunction<RowData> {

    private static final long serialVersionUID = 1L;

    /** The name to register the function under in SQL. */
    public static final String NAME = "STREAMCAST_FORECAST";
    public static final String INPUT = "input";
    public static final String VALUE_COLUMN = "value_column";
    public static final String MODEL = "model";
    public static final String STATE_TTL = "state_ttl";
    public static final String WARM_UP_EVENTS = "warm_up_events";
    public static final String ANOMALY_THRESHOLD = "anomaly_threshold";
    public static final String EMIT_REJECTED = "emit_rejected";
    public static final String DEFAULT_VALUE_COLUMN = "value";
    /**
     * The job's default {@code streamcast.state.ttl} (not read from {@code ForecastOptions}, whose class needs the
     * Kafka connector's classes, which the function's jar does not carry; the test holds the two equal).
     */
    public static final Duration DEFAULT_STATE_TTL = Duration.ofDays(7);
    static final String EXPIRY_TIMER = "expire";
    /** The state entry holding a key's {@link SeriesState}. */
    static final String SERIES_STATE = "seriesState";
    /** The previous release's state entry: the same state as the job serializer's record, in bytes. */
    static final String LEGACY_SERIES = "series";

    /**
     * The type of {@value #SERIES_STATE}'s values: {@code RAW} with the DataStream job's own explicit serializer
     * ({@code SeriesStateSerializer}, versioned records; no Kryo). Flink keeps a map view's values as they are on the
     * heap backend and serializes them with this serializer only for a snapshot (or on RocksDB, on every access).
     */
    static final DataType SERIES_STATE_TYPE = MapView.newMapViewDataType(DataTypes.INT(),
            DataTypes.RAW(SeriesState.class, SeriesStateSerializer.INSTANCE).bridgedTo(SeriesState.class));

    /**
     * The function's columns (the framework puts the partition key columns before them and {@code rowtime} after):
     * the row's event time in epoch milliseconds (as the job's records carry it; {@code rowtime} is the same instant),
     * the row's value, the forecast for horizons 1..K with the prediction interval, the anomaly score (what the
     * threshold is applied to), the decision and the score's ingredients, and the model's version, as the DataStream
     * job's {@code ForecastRecord}.
     * {@code rejected} is {@code NULL} for a forecast; for a rejected row (only with {@code emit_rejected => TRUE})
     * it is the reason, the job's dead-letter code, and the forecast columns are {@code NULL}.
     */
    public static final String OUTPUT_TYPE = "ROW<`ts` BIGINT, `value` DOUBLE, `forecast` ARRAY<FLOAT NOT NULL>, "
            + "`lower` ARRAY<FLOAT NOT NULL>, `upper` ARRAY<FLOAT NOT NULL>, `anomaly_score` DOUBLE, `is_anomaly` BOOLEAN, "
            + "`anomaly_likelihood` DOUBLE, `residual_surprise` DOUBLE, `profile_surprise` DOUBLE, "
            + "`outside_seen_range` BOOLEAN, `model_version` STRING, `rejected` STRING>";

    /**
     * {@link #OUTPUT_TYPE} as the function emits it: Flink's internal data structures ({@link RowData}, the
     * forecast arrays as primitive {@code float[]}, one copy of the step's buffers each), so the runtime passes the
     * rows on without converting them.
     */
    static final DataType OUTPUT_DATA_TYPE = DataTypes.ROW(
            DataTypes.FIELD("ts", DataTypes.BIGINT()),
            DataTypes.FIELD("value", DataTypes.DOUBLE()),
            DataTypes.FIELD("forecast", floats()),
            DataTypes.FIELD("lower", floats()),
            DataTypes.FIELD("upper", floats()),
            DataTypes.FIELD("anomaly_score", DataTypes.DOUBLE()),
            DataTypes.FIELD("is_anomaly", DataTypes.BOOLEAN()),
            DataTypes.FIELD("anomaly_likelihood", DataTypes.DOUBLE()),
            DataTypes.FIELD("residual_surprise", DataTypes.DOUBLE()),
            DataTypes.FIELD("profile_surprise", DataTypes.DOUBLE()),
            DataTypes.FIELD("outside_seen_range", DataTypes.BOOLEAN()),
            DataTypes.FIELD("model_version", DataTypes.STRING()),
            DataTypes.FIELD("rejected", DataTypes.STRING())).bridgedTo(RowData.class);

    private static DataType floats() {
        return DataTypes.ARRAY(DataTypes.FLOAT().notNull());
    }

    private transient MetricGroup metrics;
    private transient Counter forecastsOut;
    private transient Counter anomalies;
    private transient Counter keysExpired;
    private transient Map<DeadLetterReason, Counter> rejected;

    // set up at the first row, from the call's arguments (constant for a call)
    private transient ServingModel serving;
    private transient SeriesStep step;
    private transient SeriesStep.Lineage lineage;
    private transient SeriesStateRecords records;
    private transient int valueIndex;
    private transient StringData modelVersion;
    private transient int[] keyColumns;
    private transient ExpiryGrid expiry;
    private transient boolean emitRejected;

    @Override
    public void open(FunctionContext context) throws Exception {
        metrics = context.getMetricGroup();
        forecastsOut = metrics.counter("forecastsOut");
        anomalies = metrics.counter("anomalies");
        keysExpired = metrics.counter("keysExpired");
        records = new SeriesStateRecords();
        rejected = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : List.of(DeadLetterReason.MISSING_KEY, DeadLetterReason.MISSING_VALUE,
                DeadLetterReason.NON_FINITE_VALUE, DeadLetterReason.OUT_OF_ORDER, DeadLetterReason.BAD_TIMESTAMP)) {
            rejected.put(r, metrics.counter("rejected." + r.code()));
        }
    }

    public void eval(
            Context ctx,
            // no Flink state TTL: a key expires by this function's own event-time timer (state_ttl). Without a
            // declaration the planner enables a TTL of Long.MAX_VALUE, whose bookkeeping costs on every access.
            // the key's state as the object itself: getTypeInference declares its type, SERIES_STATE_TYPE (RAW with
            // the job's serializer, which an annotation cannot name); the hint's type only lets the extraction pass
            @StateHint(name = SERIES_STATE, ttl = "0 ms", type = @DataTypeHint("MAP<INT, BYTES>"))
            MapView<Integer, SeriesState> state,
            // the previous release's entry, the same record as bytes: read once per key, moved into `state`
            @StateHint(name = LEGACY_SERIES, ttl = "0 ms") MapView<Integer, byte[]> legacy,
            @ArgumentHint(name = INPUT, value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.REQUIRE_ON_TIME}) Row input,
            @ArgumentHint(name = VALUE_COLUMN, isOptional = true) String valueColumn,
            @ArgumentHint(name = MODEL, isOptional = true) String model,
            @ArgumentHint(name = STATE_TTL, isOptional = true, type = @DataTypeHint("INTERVAL SECOND(3)")) Duration stateTtl,
            @ArgumentHint(name = WARM_UP_EVENTS, isOptional = true) Integer warmUpEvents,
            @ArgumentHint(name = ANOMALY_THRESHOLD, isOptional = true) Double anomalyThreshold,
            @ArgumentHint(name = EMIT_REJECTED, isOptional = true) Boolean emitRejectedRows) throws Exception {
        if (serving == null) {
            setUp(ctx, valueColumn, model, stateTtl, warmUpEvents, anomalyThreshold, emitRejectedRows);
        }
        TimeContext<Long> time = ctx.timeContext(Long.class);
        Long eventTime = time.time();
        if (eventTime == null) {
            reject(DeadLetterReason.BAD_TIMESTAMP, null, null);
            return;
        }
        if (keyIsNull(input)) {
            reject(DeadLetterReason.MISSING_KEY, eventTime, null);
            return;
        }
        Object raw = input.getField(valueIndex);
        if (raw == null) {
            reject(DeadLetterReason.MISSING_VALUE, eventTime, null);
            return;
        }
        double value = ((Number) raw).doubleValue();
        if (!Double.isFinite(value)) {
            reject(DeadLetterReason.NON_FINITE_VALUE, eventTime, value);
            return;
        }
        long ts = eventTime;
        ServingModel m = serving;
        SeriesState s;
        long previousTimer = Long.MIN_VALUE;
        s = state.get(SeriesStateRecords.KEY);
        if (s == null && (s = migrate(legacy)) != null) {
            // moved out of the previous release's entry: kept also when this row is rejected below
            state.put(SeriesStateRecords.KEY, s);
        }
        if (s == null) {
            s = step.newState(m);
        } else {
            if (!SeriesStep.accepts(s, ts)) {
                reject(DeadLetterReason.OUT_OF_ORDER, eventTime, value);
                return;
            }
            previousTimer = expiry.timerFor(s.lastTimestamp);
        }
        step.step(s, m, ts, value, lineage);
        // the same object on the heap backend; written for backends that serialize (and for a new key)
        state.put(SeriesStateRecords.KEY, s);
        long timer = expiry.timerFor(ts);
        if (timer != previousTimer) {
            time.registerOnTime(EXPIRY_TIMER, timer);
        }

        AnomalyResult result = step.anomaly();
        boolean anomaly = result.isAnomaly();
        if (anomaly) {
            anomalies.inc();
        }
        forecastsOut.inc();
        collect(GenericRowData.of(ts, value, new GenericArrayData(step.forecast().clone()),
                new GenericArrayData(step.lower().clone()), new GenericArrayData(step.upper().clone()),
                result.anomalyScore(), anomaly, result.anomalyLikelihood(), result.residualSurprise(),
                result.profileSurprise(), result.outsideSeenRange(), modelVersion, null));
    }

    /**
     * The key's expiry timer: no row for the TTL, so its state goes. A timer registered under another TTL (state
     * restored into a query with a longer {@code state_ttl}) that fires while the key is still live under this
     * instance's TTL is moved instead; before this instance has seen a row (and so its arguments) it is obeyed.
     */
    public void onTimer(OnTimerContext ctx, MapView<Integer, SeriesState> state, MapView<Integer, byte[]> legacy)
            throws Exception {
        SeriesState s = state.get(SeriesStateRecords.KEY);
        if (s == null && (s = migrate(legacy)) != null) {
            state.put(SeriesStateRecords.KEY, s);
        }
        if (serving != null && s != null) {
            long now = ctx.timeContext(Long.class).time();
            long lastTimestamp = s.lastTimestamp;
            if (!expiry.expired(lastTimestamp, now)) {
                ctx.timeContext(Long.class).registerOnTime(EXPIRY_TIMER, expiry.timerFor(lastTimestamp));
                return;
            }
        }
        ctx.clearAll();
        keysExpired.inc();
    }

    /**
     * The key's state from the previous release's entry ({@value #LEGACY_SERIES}, the record as bytes), or
     * {@code null} when it has none. The entry is removed: the caller writes the state to {@value #SERIES_STATE}
     * (or the timer clears the key).
     */
    private SeriesState migrate(MapView<Integer, byte[]> legacy) throws Exception {
        byte[] record = legacy.get(SeriesStateRecords.KEY);
        if (record == null) {
            return null;
        }
        legacy.remove(SeriesStateRecords.KEY);
        return records.read(record, new SeriesState());
    }

    private void reject(DeadLetterReason reason, Long eventTime, Double value) {
        rejected.get(reason).inc();
        if (emitRejected) {
            // every column but the event's time, value and the reason is NULL (forecast, bounds, anomaly columns,
            // model version)
            collect(GenericRowData.of(eventTime, value, null, null, null, null, null, null, null, null, null, null,
                    StringData.fromString(reason.code())));
        }
    }

    private boolean keyIsNull(Row input) {
        for (int k : keyColumns) {
            if (input.getField(k) != null) {
                return false;
            }
        }
        return keyColumns.length > 0;
    }

    private void setUp(Context ctx, String valueColumn, String model, Duration stateTtl, Integer warmUpEvents,
                       Double anomalyThreshold, Boolean emitRejectedRows) {
        Settings settings = Settings.of(valueColumn, stateTtl, warmUpEvents, anomalyThreshold);
        TableSemantics semantics = ctx.tableSemanticsFor(INPUT);
        valueIndex = valueColumnIndex(semantics.dataType(), settings.valueColumn);
        keyColumns = semantics.partitionByColumns();
        ModelBundle bundle = ModelSource.load(model);
        try {
            serving = new ServingModel(bundle.load(), bundle.sha256());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("model '" + model + "' cannot be read: " + e.getMessage(), e);
        }
        step = new SeriesStep(AnomalyConfig.builder()
                .warmUpEvents(settings.warmUpEvents)
                .threshold(settings.anomalyThreshold)
                .build(), true);
        ServingModel m = serving;
        modelVersion = StringData.fromString(m.version);
        // one model per call: a key's state from another model (a restore after the model argument changed) has
        // an unknown architecture, so the key starts its model state afresh (its scaler and anomaly statistics stay)
        lineage = tag -> tag == m.modelTag ? m.archTag : 0;
        expiry = ExpiryGrid.of(settings.stateTtl);
        emitRejected = Boolean.TRUE.equals(emitRejectedRows);
        metrics.<String, org.apache.flink.metrics.Gauge<String>>gauge("modelVersion", () -> m.version);
    }

    /** The validated scalar arguments, with their defaults. */
    record Settings(String valueColumn, Duration stateTtl, int warmUpEvents, double anomalyThreshold) {

        static Settings of(String valueColumn, Duration stateTtl, Integer warmUpEvents, Double anomalyThreshold) {
            Settings s = new Settings(
                    valueColumn == null ? DEFAULT_VALUE_COLUMN : valueColumn,
                    stateTtl == null ? DEFAULT_STATE_TTL : stateTtl,
                    warmUpEvents == null ? AnomalyConfig.DEFAULT_WARM_UP_EVENTS : warmUpEvents,
                    anomalyThreshold == null ? AnomalyConfig.DEFAULT_THRESHOLD : anomalyThreshold);
            if (s.stateTtl.isNegative() || s.stateTtl.isZero()) {
                throw new IllegalArgumentException(STATE_TTL + " must be positive, got " + s.stateTtl);
            }
            if (s.warmUpEvents < 0) {
                throw new IllegalArgumentException(WARM_UP_EVENTS + " must be >= 0, got " + s.warmUpEvents);
            }
            if (!(s.anomalyThreshold > 0 && s.anomalyThreshold <= 1)) {
                throw new IllegalArgumentException(ANOMALY_THRESHOLD + " must be in (0, 1], got " + s.anomalyThreshold);
            }
            return s;
        }
    }

    /** The position of the numeric column {@code name} in the input rows. */
    static int valueColumnIndex(DataType inputType, String name) {
        LogicalType t = inputType.getLogicalType();
        if (!(t instanceof RowType row)) {
            throw new IllegalArgumentException("the input of " + NAME + " must be a table of rows, got " + t);
        }
        int i = row.getFieldNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("the input has no column '" + name + "' (columns: "
                    + row.getFieldNames() + "): name the value column with " + VALUE_COLUMN + " => 'column'");
        }
        LogicalType type = row.getTypeAt(i);
        if (!type.is(LogicalTypeFamily.NUMERIC)) {
            throw new IllegalArgumentException("the value column '" + name + "' must be numeric, it is " + type);
        }
        return i;
    }

    /**
     * The type inference Flink extracts from {@link #eval}, with the configuration checked when the statement is
     * planned: the value column exists and is numeric, the scalar arguments are in range and the model (when given as
     * a literal) exists and is a valid artifact. A mistake fails the statement with a {@link ValidationException}
     * rather than the job.
     */
    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        TypeInference extracted = super.getTypeInference(typeFactory);
        List<StaticArgument> args = extracted.getStaticArguments().orElseThrow();
        TypeStrategy checked = call -> {
            validate(call, args);
            return Optional.of(OUTPUT_DATA_TYPE);
        };
        TypeInference.Builder b = TypeInference.newBuilder()
                .staticArguments(args)
                .inputTypeStrategy(extracted.getInputTypeStrategy())
                .stateTypeStrategies(stateTypes(extracted.getStateTypeStrategies()))
                .outputTypeStrategy(checked)
                .disableSystemArguments(extracted.disableSystemArguments());
        return b.build();
    }

    /** The extracted state entries with {@value #SERIES_STATE} typed as {@link #SERIES_STATE_TYPE}. */
    private static LinkedHashMap<String, StateTypeStrategy> stateTypes(Map<String, StateTypeStrategy> extracted) {
        LinkedHashMap<String, StateTypeStrategy> out = new LinkedHashMap<>(extracted);
        out.put(SERIES_STATE, StateTypeStrategy.of(TypeStrategies.explicit(SERIES_STATE_TYPE), Duration.ZERO));
        return out;
    }

    private static void validate(CallContext call, List<StaticArgument> args) {
        try {
            Settings s = Settings.of(
                    literal(call, args, VALUE_COLUMN, String.class),
                    literal(call, args, STATE_TTL, Duration.class),
                    literal(call, args, WARM_UP_EVENTS, Integer.class),
                    literal(call, args, ANOMALY_THRESHOLD, Double.class));
            Optional<TableSemantics> input = call.getTableSemantics(indexOf(args, INPUT));
            if (input.isPresent()) {
                valueColumnIndex(input.get().dataType(), s.valueColumn);
            }
            int model = indexOf(args, MODEL);
            if (call.isArgumentLiteral(model)) {
                ModelSource.load(literal(call, args, MODEL, String.class));
            }
        } catch (IllegalArgumentException e) {
            throw new ValidationException(NAME + ": " + e.getMessage(), e);
        }
    }

    private static <T> T literal(CallContext call, List<StaticArgument> args, String name, Class<T> type) {
        int i = indexOf(args, name);
        if (!call.isArgumentLiteral(i) || call.isArgumentNull(i)) {
            return null;
        }
        return call.getArgumentValue(i, type).orElse(null);
    }

    private static int indexOf(List<StaticArgument> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no argument " + name);
    }
}
