package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
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
 * </pre>
 *
 * Every stateful operator has a fixed {@code uid}; renaming one breaks savepoint compatibility.
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

    private final ForecastJobConfig config;
    private final ModelBundle model;
    private final Source<ParsedEvent, ?, ?> source;
    private final Sink<ForecastRecord> forecastsSink;
    private final Sink<ForecastRecord> anomaliesSink;
    private final Sink<DeadLetter> deadLetterSink;

    public ForecastJob(ForecastJobConfig config, ModelBundle model, Source<ParsedEvent, ?, ?> source,
                       Sink<ForecastRecord> forecastsSink, Sink<ForecastRecord> anomaliesSink,
                       Sink<DeadLetter> deadLetterSink) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        this.source = Objects.requireNonNull(source, "source");
        this.forecastsSink = Objects.requireNonNull(forecastsSink, "forecastsSink");
        this.anomaliesSink = Objects.requireNonNull(anomaliesSink, "anomaliesSink");
        this.deadLetterSink = Objects.requireNonNull(deadLetterSink, "deadLetterSink");
    }

    /** Adds the pipeline to {@code env}; the caller executes it. */
    public void build(StreamExecutionEnvironment env) {
        env.setMaxParallelism(config.maxParallelism());
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(config.checkpointInterval().toMillis());
        }

        SingleOutputStreamOperator<ParsedEvent> valid = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                .uid(UID_SOURCE)
                .process(new ValidateFunction())
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

        SingleOutputStreamOperator<ForecastRecord> forecasts = timed
                .keyBy(ForecastJob::keyOf)
                .process(new ForecastFunction(model, config))
                .uid(UID_FORECAST).name("forecast");
        deadLetters = deadLetters.union(forecasts.getSideOutput(DeadLetters.TAG));

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

    static String keyOf(ParsedEvent e) {
        return e.getEvent().getKey();
    }

    private static DeadLetter lateDeadLetter(ParsedEvent e) {
        return new DeadLetter(JsonCodec.toJson(e.getEvent()), DeadLetterReason.OUT_OF_ORDER,
                "event time " + e.getEvent().getTimestampMillis() + " is behind the watermark: its bucket was already emitted",
                e.getTopic(), e.getPartition(), e.getOffset(), System.currentTimeMillis());
    }
}
