package io.streamcast.connectors.event;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink type information of {@link DeadLetter}: serialized by {@link DeadLetterSerializer}. Attached to the
 * class with {@code @TypeInfo}, so {@code TypeInformation.of(DeadLetter.class)} and type extraction from
 * functions return it.
 */
public final class DeadLetterTypeInfo extends ExplicitTypeInfo<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final DeadLetterTypeInfo INSTANCE = new DeadLetterTypeInfo();

    public DeadLetterTypeInfo() {
        super(DeadLetter.class, DeadLetterSerializer.INSTANCE);
    }

    /** The factory named by {@link DeadLetter}'s {@code @TypeInfo} annotation. */
    public static final class Factory extends TypeInfoFactory<DeadLetter> {
        @Override
        public TypeInformation<DeadLetter> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
