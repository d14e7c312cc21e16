package io.streamcast.connectors.event;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The shared part of the project's explicit, stateless serializers of records and state (no Kryo, no POJO
 * reflection): one instance per type, variable length, and a copy between views that goes through the record so that
 * a layout written by an earlier release is rewritten in this one's. A subclass writes and reads its layout, copies a
 * value, and names its snapshot.
 */
public abstract class ExplicitSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }
}
