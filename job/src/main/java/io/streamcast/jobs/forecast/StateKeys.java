package io.streamcast.jobs.forecast;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.state.DefaultKeyedStateStore;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.stream.Stream;

/**
 * Counts the keys a subtask holds in one keyed state, once, when it starts: the base of the forecast operator's
 * {@code keysInState} gauge, so that the gauge is exact after a restore and a rescale (the keys of the key groups
 * this subtask was given), not only the keys it created itself.
 *
 * <p>A user function has no public access to its keyed state backend outside a broadcast element, so this reads it
 * through the runtime context's keyed state store (fields of Flink's {@link StreamingRuntimeContext} and
 * {@link DefaultKeyedStateStore}). If a Flink release changes them, the count is unknown: {@link #UNKNOWN} is
 * returned and a warning logged ({@code StateKeysTest} fails first). The count iterates the state's keys once (for
 * RocksDB, an iterator over the column family: about a second per million keys).
 */
final class StateKeys {

    static final long UNKNOWN = -1;

    private static final Logger LOG = LoggerFactory.getLogger(StateKeys.class);

    private StateKeys() {}

    /** How many keys have a value in the (void-namespace) keyed state {@code stateName}; {@link #UNKNOWN} if unreadable. */
    static long count(RuntimeContext context, String stateName) {
        try {
            KeyedStateBackend<?> backend = backendOf(context);
            if (backend == null) {
                return UNKNOWN;
            }
            try (Stream<?> keys = backend.getKeys(stateName, VoidNamespace.INSTANCE)) {
                return keys.count();
            }
        } catch (Exception | LinkageError e) {
            LOG.warn("Could not count the keys of state {} at start-up ({}); the keysInState gauge then counts from 0",
                    stateName, e.toString());
            return UNKNOWN;
        }
    }

    private static KeyedStateBackend<?> backendOf(RuntimeContext context) throws ReflectiveOperationException {
        if (!(context instanceof StreamingRuntimeContext)) {
            return null;
        }
        Field store = StreamingRuntimeContext.class.getDeclaredField("keyedStateStore");
        store.setAccessible(true);
        Object s = store.get(context);
        if (!(s instanceof DefaultKeyedStateStore)) {
            return null;
        }
        Field backend = DefaultKeyedStateStore.class.getDeclaredField("keyedStateBackend");
        backend.setAccessible(true);
        return (KeyedStateBackend<?>) backend.get(s);
    }
}
