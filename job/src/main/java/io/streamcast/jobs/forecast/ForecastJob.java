package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import io.streamcast.jobs.control.ModelControl;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelControlError;
import io.streamcast.jobs.control.ModelUpdate;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Objects;

/**
 * The forecast job: parsed events in; forecasts, anomalies and dead letters out. It is handed its source
 * and sinks, so the same pipeline runs on Kafka, on a recorded file, or on test collections.
 *
 * <pre>
 *   source ─► validate ─► watermarks ─► [bucketing] ─► keyBy(key) ─► forecast ─► forecasts sink
 *               │ bad                        │ late                    │ out-of-order └─► filter ─► anomalies sink
 *               └────────────────────────────┴─────────────────────────┴──► dead-letter sink
 *
 *   [models topic ─► parse] ─► broadcast ─► forecast (second input)      ─► model-errors sink
 * </pre>
 *
 * The forecast operator always has the broadcast input (see {@link ForecastFunction}); without
 * {@link #withModelControl model control} it is fed by an operator that never emits, so the operator and its
 * state are the same whether or not a job reads the models topic.
 *
 * Every stateful operator has a fixed {@code uid}; renaming one breaks savepoint compatibility.
 *
 * <p>{@link #build} enables object reuse on the environment: chained operators pass records by reference. A sink
 * handed to this job may keep the records it receives (each is a new object), but must not modify them.
 */
public final class ForecastJob {

    public static final String UID_SOURCE = "events-source";
    public static final String UID_VALIDATE = "validate";
    public static final String UID_WATERMARKS = "watermarks";
    public static final String UID_BUCKETING = "bucketing";
    public static final String UID_FORECAST = "forecast";
    public static final String UID_ANOMALY_FILTER = "anomaly-filter";
    public static final String UID_LATE = "late-events";
    public static final String UID_FORECASTS_SINK = "forecasts-sink";
    public static final String UID_ANOMALIES_SINK = "anomalies-sink";
    public static final String UID_DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String UID_MODEL_UPDATES_SOURCE = "model-updates-source";
    public static final String UID_MODEL_UPDATES_PARSE = "model-updates-parse";
    public static final String UID_MODEL_UPDATES_WATERMARKS = "model-updates-watermarks";
    public static final String UID_NO_MODEL_UPDATES = "no-model-updates";
    public static final String UID_MODEL_ERRORS_SINK = "model-errors-sink";

    private final ForecastJobConfig config;
    private final ModelBundle model;
    private final Source<ParsedEvent, ?, ?> source;
    private final Sink<ForecastRecord> forecastsSink;
    private final Sink<ForecastRecord> anomaliesSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final ModelControlConfig control;
    private final Source<String, ?, ?> modelUpdates;
    private final Sink<ModelControlError> modelErrorsSink;

    public ForecastJob(ForecastJobConfig config, ModelBundle model, Source<ParsedEvent, ?, ?> source,
                       Sink<ForecastRecord> forecastsSink, Sink<ForecastRecord> anomaliesSink,
                       Sink<DeadLetter> deadLetterSink) {
        this(config, model, source, forecastsSink, anomaliesSink, deadLetterSink, ModelControlConfig.defaults(), null, null);
    }

    private ForecastJob(ForecastJobConfig config, ModelBundle model, Source<ParsedEvent, ?, ?> source,
                        Sink<ForecastRecord> forecastsSink, Sink<ForecastRecord> anomaliesSink,
                        Sink<DeadLetter> deadLetterSink, ModelControlConfig control, Source<String, ?, ?> modelUpdates,
                        Sink<ModelControlError> modelErrorsSink) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        this.source = Objects.requireNonNull(source, "source");
        this.forecastsSink = Objects.requireNonNull(forecastsSink, "forecastsSink");
        this.anomaliesSink = Objects.requireNonNull(anomaliesSink, "anomaliesSink");
        this.deadLetterSink = Objects.requireNonNull(deadLetterSink, "deadLetterSink");
        this.control = Objects.requireNonNull(control, "control");
        this.modelUpdates = modelUpdates;
        this.modelErrorsSink = modelErrorsSink;
    }

    /**
     * This job with model hot-swap: JSON {@link io.streamcast.jobs.control.ModelUpdate}s read from
     * {@code updates} (the models topic), refusals written to {@code errors}.
     */
    public ForecastJob withModelControl(ModelControlConfig control, Source<String, ?, ?> updates,
                                        Sink<ModelControlError> errors) {
        return new ForecastJob(config, model, source, forecastsSink, anomaliesSink, deadLetterSink, control,
                Objects.requireNonNull(updates, "updates"), Objects.requireNonNull(errors, "errors"));
    }

    /** This job with another swap policy (and no model updates unless {@link #withModelControl} was called). */
    public ForecastJob withSwapPolicy(ModelControlConfig control) {
        return new ForecastJob(config, model, source, forecastsSink, anomaliesSink, deadLetterSink, control,
                modelUpdates, modelErrorsSink);
    }

    /** Adds the pipeline to {@code env}; the caller executes it. */
    public void build(StreamExecutionEnvironment env) {
        env.setMaxParallelism(config.maxParallelism());
        // Chained operators hand records on without a serializer copy. Safe here: every operator of this job
        // (sources, validate, bucketing, forecast) emits a new object per record and none keeps or mutates a
        // record it was given, so a downstream operator never sees an object change under it.
        env.getConfig().enableObjectReuse();
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(config.checkpointInterval().toMillis());
        }
        // Kafka offsets and every key's learned state live only in checkpoints: keep the latest when the job is
        // cancelled or the cluster stops (a suspended job), so that it can be resumed with -s. An explicit setting
        // (execution.checkpointing.externalized-checkpoint-retention) is left as it is.
        if (env.getCheckpointConfig().getExternalizedCheckpointRetention()
                == ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS) {
            env.getCheckpointConfig().setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }

        SingleOutputStreamOperator<ParsedEvent> valid = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                .uid(UID_SOURCE)
                .process(new ValidateFunction(config.eventTimeBounds()))
                .uid(UID_VALIDATE).name("validate");
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(DeadLetters.TAG);

        DataStream<ParsedEvent> timed = valid
                .assignTimestampsAndWatermarks(watermarks())
                .uid(UID_WATERMARKS).name("watermarks");

        if (config.bucketing().isPresent()) {
            Duration interval = config.bucketing().get();
            OutputTag<ParsedEvent> late = new OutputTag<>("late-events", TypeInformation.of(ParsedEvent.class));
            SingleOutputStreamOperator<ParsedEvent> bucketed = timed
                    .keyBy(ForecastJob::keyOf)
                    .window(TumblingEventTimeWindows.of(interval))
                    .sideOutputLateData(late)
                    .aggregate(new Bucketing.Aggregate(config.bucketAggregate()), new Bucketing.Emit("bucket:" + interval))
                    .uid(UID_BUCKETING).name("bucketing " + interval + " " + config.bucketAggregate());
            deadLetters = deadLetters.union(bucketed.getSideOutput(late)
                    .map(ForecastJob::lateDeadLetter).uid(UID_LATE).name("late events"));
            timed = bucketed;
        }

        DataStream<ModelUpdate> updates;
        DataStream<ModelControlError> modelErrors = null;
        if (modelUpdates != null) {
            SingleOutputStreamOperator<ModelUpdate> parsed = env
                    .fromSource(modelUpdates, WatermarkStrategy.noWatermarks(), "model updates")
                    .uid(UID_MODEL_UPDATES_SOURCE).setParallelism(1)
                    .process(new ModelControl.Parse()).uid(UID_MODEL_UPDATES_PARSE).name("parse model updates")
                    .setParallelism(1);
            modelErrors = parsed.getSideOutput(ModelControl.ERRORS);
            // idle for good: the control input neither holds back nor advances the forecast operator's event time
            updates = parsed.assignTimestampsAndWatermarks(controlInputWatermarks())
                    .uid(UID_MODEL_UPDATES_WATERMARKS).name("model updates: no event time").setParallelism(1);
        } else {
            updates = timed.flatMap(new NoModelUpdates()).uid(UID_NO_MODEL_UPDATES).name("no model updates");
        }
        BroadcastStream<ModelUpdate> broadcast = updates.broadcast(ModelControl.ACTIVE_MODEL, ModelControl.MODEL_LINEAGE);

        SingleOutputStreamOperator<ForecastRecord> forecasts = timed
                .keyBy(ForecastJob::keyOf)
                .connect(broadcast)
                .process(new ForecastFunction(model, config, control))
                .uid(UID_FORECAST).name("forecast");
        deadLetters = deadLetters.union(forecasts.getSideOutput(DeadLetters.TAG));
        if (modelErrorsSink != null) {
            modelErrors.union(forecasts.getSideOutput(ModelControl.ERRORS))
                    .sinkTo(modelErrorsSink).uid(UID_MODEL_ERRORS_SINK).name("model errors");
        }

        forecasts.sinkTo(forecastsSink).uid(UID_FORECASTS_SINK).name("forecasts");
        forecasts.filter(ForecastRecord::isAnomaly).uid(UID_ANOMALY_FILTER).name("anomalies only")
                .sinkTo(anomaliesSink).uid(UID_ANOMALIES_SINK).name("anomalies");
        deadLetters.sinkTo(deadLetterSink).uid(UID_DEAD_LETTER_SINK).name("dead letters");
    }

    private WatermarkStrategy<ParsedEvent> watermarks() {
        return WatermarkStrategy.<ParsedEvent>forBoundedOutOfOrderness(config.outOfOrderness())
                .withTimestampAssigner((e, previous) -> e.getEvent().getTimestampMillis())
                .withIdleness(config.idleness());
    }

    /**
     * The model-control input's watermarks: none, and the input marked idle at every periodic emit, so that it neither
     * holds back the forecast operator's combined watermark (an idle input is left out of the minimum) nor advances it.
     * It must never emit {@code Long.MAX_VALUE} instead: once the events input idles (no events for
     * {@code streamcast.watermark.idleness}), the minimum over the active inputs would be that, the forecast operator's
     * watermark would jump to the end of time and every key's expiry timer would fire (issue 12: a quiet input wiped
     * all learned state). With both inputs idle the watermark stays where the events left it.
     */
    static <T> WatermarkStrategy<T> controlInputWatermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }

    /** Feeds the forecast operator's broadcast input when the job reads no model updates: emits nothing. */
    static final class NoModelUpdates implements FlatMapFunction<ParsedEvent, ModelUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ParsedEvent value, Collector<ModelUpdate> out) {}
    }

    static String keyOf(ParsedEvent e) {
        return e.getEvent().getKey();
    }

    private static DeadLetter lateDeadLetter(ParsedEvent e) {
        return new DeadLetter(JsonCodec.toJson(e.getEvent()), DeadLetterReason.OUT_OF_ORDER,
                "event time " + e.getEvent().getTimestampMillis() + " is behind the watermark: its bucket was already emitted",
                e.getTopic(), e.getPartition(), e.getOffset(), System.currentTimeMillis());
    }
}
