package io.streamcast.learner.job;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.kafka.JsonKafkaSink;
import io.streamcast.connectors.kafka.KafkaEventSource;
import io.streamcast.jobs.control.ModelControlConfig;
import io.streamcast.jobs.control.ModelUpdate;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import io.streamcast.jobs.forecast.KafkaWiring;
import io.streamcast.jobs.forecast.ModelBundle;
import io.streamcast.learner.core.LearnerConfig;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The learner job: the events topic in (its own consumer group, so it reads beside the forecast job without taking
 * its records), valid events to one {@link LearnerFunction}, accepted versions out to the models topic as
 * {@code {version, uri, sha256}}, where the forecast job's model control picks them up and hot-swaps.
 *
 * <p>The schedule's clock is the watermark, generated in the source per partition of the events topic, so one
 * partition read ahead of the others does not start a round the stream as a whole has not reached.
 *
 * <p>Handed its source and sink (tests pass their own). Every stateful operator has a fixed uid: the source
 * ({@value #UID_SOURCE}), the learner ({@value #UID_LEARNER}), the models sink ({@value #UID_MODELS_SINK}).
 */
public final class LearnerJob {
    public static final String UID_SOURCE = "learner-events-source";
    public static final String UID_LEARNER = "learner";
    public static final String UID_MODELS_SINK = "learner-models-sink";
    /** Appended to the forecast job's consumer group for the learner's. */
    public static final String GROUP_SUFFIX = "-learner";

    private final LearnerConfig config;
    private final ModelBundle initial;
    private final String store;
    private final Source<ParsedEvent, ?, ?> events;
    private final Sink<ModelUpdate> models;
    private final Duration outOfOrderness;
    private final Duration idleness;

    /** With the forecast job's default out-of-orderness and idleness for the watermarks. */
    public LearnerJob(LearnerConfig config, ModelBundle initial, String store, Source<ParsedEvent, ?, ?> events,
            Sink<ModelUpdate> models) {
        this(config, initial, store, events, models, ForecastJobConfig.defaults().outOfOrderness(),
                ForecastJobConfig.defaults().idleness());
    }

    /**
     * @param outOfOrderness the watermarks' bound, per partition of the events topic
     * @param idleness       a partition without events this long does not hold the watermark back
     */
    public LearnerJob(LearnerConfig config, ModelBundle initial, String store, Source<ParsedEvent, ?, ?> events,
            Sink<ModelUpdate> models, Duration outOfOrderness, Duration idleness) {
        this.outOfOrderness = Objects.requireNonNull(outOfOrderness, "outOfOrderness");
        this.idleness = Objects.requireNonNull(idleness, "idleness");
        this.config = Objects.requireNonNull(config, "config");
        this.initial = Objects.requireNonNull(initial, "initial");
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.models = Objects.requireNonNull(models, "models");
    }

    public void build(StreamExecutionEnvironment env) {
        // watermarks in the source, per partition: the learner's clock is the slowest partition's event time
        long bound = outOfOrderness.toMillis(); // a local: the lambda must not capture this job object
        WatermarkStrategy<ParsedEvent> watermarks = WatermarkStrategy.<ParsedEvent>forGenerator(
                        ctx -> new EveryEventWatermarks(bound))
                .withTimestampAssigner((e, previous) -> e.isValid() ? e.getEvent().getTimestampMillis()
                        : Long.MIN_VALUE)
                .withIdleness(idleness);
        env.fromSource(events, watermarks, "learner events").uid(UID_SOURCE)
                .filter(ParsedEvent::isValid).name("valid events")
                .map(ParsedEvent::getEvent).returns(Event.class).name("event")
                .transform("learner", TypeInformation.of(ModelUpdate.class),
                        new LearnerOperator(new LearnerFunction(config, initial, store)))
                .uid(UID_LEARNER).name("learner").setParallelism(1).setMaxParallelism(1)
                .sinkTo(models).uid(UID_MODELS_SINK).name("models topic").setParallelism(1);
    }

    /**
     * Bounded out-of-orderness watermarks emitted at every event, not only periodically, so a partition's watermark
     * keeps up with a burst of its events. Each follows the event it was made from, and after a restore a partition
     * without events holds the combined watermark back until it is idle: {@link LearnerOperator} runs the round a
     * watermark makes due when that watermark arrives, with or without an event after it.
     */
    static final class EveryEventWatermarks implements WatermarkGenerator<ParsedEvent> {
        private final long outOfOrderness;
        private long max = Long.MIN_VALUE;
        private long emitted = Long.MIN_VALUE;

        EveryEventWatermarks(long outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
        }

        @Override
        public void onEvent(ParsedEvent event, long timestamp, WatermarkOutput output) {
            if (timestamp == Long.MIN_VALUE) {
                return;
            }
            max = Math.max(max, timestamp);
            onPeriodicEmit(output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (max == Long.MIN_VALUE) {
                return;
            }
            long w = max - outOfOrderness - 1;
            if (w > emitted) {
                emitted = w;
                output.emitWatermark(new Watermark(w));
            }
        }
    }

    /** The events topic of {@code c}, from the earliest offset, in the learner's own consumer group. */
    public static KafkaSource<ParsedEvent> eventsSource(ForecastJobConfig c, boolean bounded) {
        KafkaEventSource.Builder b = KafkaEventSource.builder().client(c.kafkaClient()).topics(c.eventsTopic())
                .groupId(c.groupId() + GROUP_SUFFIX).startingOffsets("earliest")
                .validation(KafkaWiring.validation(c));
        if (bounded) {
            b.bounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The models topic, at least once: an announcement repeated after a restart names the same version and
     * artifact, and model control refuses nothing for it (the version is already in service).
     */
    public static KafkaSink<ModelUpdate> modelsSink(ForecastJobConfig c, ModelControlConfig control) {
        return JsonKafkaSink.<ModelUpdate>builder().client(c.kafkaClient()).topic(control.modelsTopic())
                .keyExtractor(ModelUpdate::getVersion).deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
    }
}
