package io.streamcast.jobs.control;

import io.streamcast.connectors.json.JsonCodec;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The model-control contract of the forecast job: the broadcast state that holds the model in service and the
 * lineage of the models served (names and serializers savepoints refer to), the side output of refused updates,
 * the parser of the {@code models} topic's messages and the watermarks of that input. The Kafka source of the
 * models topic and the sink of the model-errors topic are built with the job's other Kafka clients, in
 * {@code io.streamcast.jobs.forecast.KafkaWiring}.
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

    /** Parses the models topic's JSON messages; malformed ones go to {@link #ERRORS}. */
    /**
     * One message of the models topic as every reader takes it (the tasks' parser, and the client deciding the model
     * at start-up): a complete update ({@link ModelLoader#checkComplete}), its SHA-256 in lower case, its uri trimmed.
     *
     * @throws ModelRefusal.RefusedException ({@code malformed-update}) saying what is wrong with the message
     */
    public static ModelUpdate parse(String json) throws ModelRefusal.RefusedException {
        ModelUpdate update;
        try {
            update = JsonCodec.fromJson(json, ModelUpdate.class);
        } catch (RuntimeException e) {
            throw new ModelRefusal.RefusedException(ModelRefusal.MALFORMED_UPDATE, e.getMessage(), e.getCause());
        }
        ModelLoader.checkComplete(update);
        update.setSha256(update.getSha256().trim().toLowerCase(java.util.Locale.ROOT));
        update.setUri(update.getUri().trim());
        return update;
    }

    public static final class Parse extends ProcessFunction<String, ModelUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(String json, Context ctx, Collector<ModelUpdate> out) {
            ModelUpdate update;
            try {
                update = parse(json);
            } catch (ModelRefusal.RefusedException e) {
                String why = e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
                ModelControlError error = new ModelControlError(null, ModelRefusal.MALFORMED_UPDATE,
                        why + "; message: " + abbreviate(json), null,
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), System.currentTimeMillis());
                ctx.output(ERRORS, error);
                return;
            }
            out.collect(update);
        }

        private static String abbreviate(String s) {
            return s == null ? "null" : s.length() <= 512 ? s : s.substring(0, 512) + "…";
        }
    }
}
