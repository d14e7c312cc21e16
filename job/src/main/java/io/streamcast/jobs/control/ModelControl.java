package io.streamcast.jobs.control;

import io.streamcast.connectors.json.JsonCodec;
import io.streamcast.connectors.kafka.JsonKafkaSink;
import io.streamcast.connectors.kafka.KafkaClientProperties;
import io.streamcast.jobs.forecast.ForecastJobConfig;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The model-control path of the forecast job: the {@code models} topic's source, the parser of its messages,
 * the broadcast state that holds the model in service, and the control-errors output.
 *
 * <pre>
 *   models topic ─► parse ─► broadcast(active-model, model-lineage) ─► forecast operator (every parallel instance)
 *                     │ malformed                          │ refused
 *                     └────────────────────────────────────┴──► model-errors topic
 * </pre>
 */
public final class ModelControl {

    private ModelControl() {}

    /** Name of the forecast operator's broadcast state; keep it, savepoints refer to it. */
    public static final String STATE_NAME = "active-model";

    /** The one key of the broadcast state. */
    public static final String ACTIVE_KEY = "active";

    /** Broadcast state of the forecast operator: the model in service after the last accepted update. */
    public static final MapStateDescriptor<String, ActiveModel> ACTIVE_MODEL =
            new MapStateDescriptor<>(STATE_NAME, StringSerializer.INSTANCE, ActiveModelSerializer.INSTANCE);

    /** Name of the forecast operator's model-lineage broadcast state; keep it, savepoints refer to it. */
    public static final String LINEAGE_STATE_NAME = "model-lineage";

    /**
     * Broadcast state of the forecast operator: the architecture tag of every model it has served, by model tag. A
     * key's state names only the model it was computed with; when another model is in service, this says whether the
     * two share an architecture, so that the key's recurrent state can continue. 8 bytes per model ever served, the
     * same in every parallel instance (all of them apply the same updates).
     */
    public static final MapStateDescriptor<Integer, Integer> MODEL_LINEAGE =
            new MapStateDescriptor<>(LINEAGE_STATE_NAME, IntSerializer.INSTANCE, IntSerializer.INSTANCE);

    /** Side output of refused updates. */
    public static final OutputTag<ModelControlError> ERRORS =
            new OutputTag<>("model-errors", TypeInformation.of(ModelControlError.class));

    /**
     * The source of the models topic: from the earliest offset for a new consumer group, so a job started
     * afresh applies the published updates in order and ends on the latest one; from its checkpointed offsets
     * on restore.
     *
     * @param bounded stop at the offsets that are the latest when the job starts (with a bounded events source)
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
    public static KafkaSource<String> source(ForecastJobConfig c, ModelControlConfig control, boolean bounded) {
        KafkaSourceBuilder<String> b = KafkaSource.<String>builder()
                .setBootstrapServers(c.requireBootstrapServers())
                .setTopics(control.modelsTopic())
                .setGroupId(c.groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setValueOnlyDeserializer(new SimpleStringSchema());
        if (c.kafkaPropertiesFile() != null) {
            Map<String, String> props = new TreeMap<>(KafkaClientProperties.load(Path.of(c.kafkaPropertiesFile())));
            props.remove("bootstrap.servers");
            props.remove("group.id");
            Properties p = new Properties();
            p.putAll(props);
            b.setProperties(p);
        }
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** The sink of refused updates, with the job's delivery guarantee. */
    public static KafkaSink<ModelControlError> errorsSink(ForecastJobConfig c, ModelControlConfig control) {
        JsonKafkaSink.Builder<ModelControlError> b = JsonKafkaSink.<ModelControlError>builder()
                .bootstrapServers(c.requireBootstrapServers())
                .topic(control.modelErrorsTopic())
                .keyExtractor(ModelControlError::getVersion)
                .deliveryGuarantee(c.deliveryGuarantee())
                .transactionalIdPrefix(c.transactionalIdPrefix() + "-model-errors");
        if (c.kafkaPropertiesFile() != null) {
            b.clientPropertiesFile(Path.of(c.kafkaPropertiesFile()));
        }
        return b.build();
    }

    /**
     * Watermarks for the control input: always the end of time, so the control stream never holds back the
     * event time of the forecast operator (whose timers expire idle keys).
     */
    public static <T> WatermarkStrategy<T> neverHoldsBackWatermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    /** Parses the models topic's JSON messages; malformed ones go to {@link #ERRORS}. */
    public static final class Parse extends ProcessFunction<String, ModelUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(String json, Context ctx, Collector<ModelUpdate> out) {
            ModelUpdate update;
            try {
                update = JsonCodec.fromJson(json, ModelUpdate.class);
                ModelLoader.checkComplete(update);
            } catch (RuntimeException | ModelRefusal.RefusedException e) {
                String why = e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
                ModelControlError error = new ModelControlError(null, ModelRefusal.MALFORMED_UPDATE,
                        why + "; message: " + abbreviate(json), null,
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), System.currentTimeMillis());
                ctx.output(ERRORS, error);
                return;
            }
            update.setSha256(update.getSha256().trim().toLowerCase(java.util.Locale.ROOT));
            update.setUri(update.getUri().trim());
            out.collect(update);
        }

        private static String abbreviate(String s) {
            return s == null ? "null" : s.length() <= 512 ? s : s.substring(0, 512) + "…";
        }
    }
}
