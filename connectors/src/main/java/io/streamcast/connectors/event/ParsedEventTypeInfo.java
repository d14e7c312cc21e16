package io.streamcast.connectors.event;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink type information of {@link ParsedEvent}: serialized by {@link ParsedEventSerializer}. Attached to the
 * class with {@code @TypeInfo}, so {@code TypeInformation.of(ParsedEvent.class)} and type extraction from
 * functions return it.
 */
public final class ParsedEventTypeInfo extends ExplicitTypeInfo<ParsedEvent> {

    private static final long serialVersionUID = 1L;

    public static final ParsedEventTypeInfo INSTANCE = new ParsedEventTypeInfo();

    public ParsedEventTypeInfo() {
        super(ParsedEvent.class, ParsedEventSerializer.INSTANCE);
    }

    /** The factory named by {@link ParsedEvent}'s {@code @TypeInfo} annotation. */
    public static final class Factory extends TypeInfoFactory<ParsedEvent> {
        @Override
        public TypeInformation<ParsedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
