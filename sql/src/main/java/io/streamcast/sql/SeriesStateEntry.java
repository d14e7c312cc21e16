package io.streamcast.sql;

import io.streamcast.jobs.forecast.SeriesStateSerializer;
import io.streamcast.model.core.series.SeriesState;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A key's {@link SeriesState} as the state entry of {@link StreamcastForecast}: a structured type with one
 * {@code BYTES} field, {@link #record}, holding the state in the DataStream job's own record layout: the bytes its
 * {@link SeriesStateSerializer} writes (versioned, the layout version in the first byte), written and read by that
 * serializer, so the two front doors share one layout and the SQL function reads every layout the job reads.
 *
 * <p>Why bytes and not a structured type of the state's fields: the process table function runtime converts its state
 * entry from and to Flink's internal rows and hashes both on every row (to skip unchanged writes). For one
 * {@code BYTES} field that is a reference and one hash over ~370 bytes; for the fields and two float arrays it was a
 * copy of each array and an element-by-element hash, which made the state's handling cost more than the step itself.
 * Flink's table runtime still types and serializes the entry explicitly (no Kryo, no RAW type).
 *
 * <p>{@link #record} is {@code null} while the key has no state (the framework creates this object with its default
 * values for a new key, and after the state was cleared). A write always stores a new array: the runtime compares
 * the entry before and after the call, and a state backend that keeps objects (the heap backend) must not see the
 * stored array change.
 */
public class SeriesStateEntry {

    /** The state record in {@link SeriesStateSerializer}'s layout; {@code null} for a key without state. */
    public byte[] record;

    public SeriesStateEntry() {}

    /** Whether the key has state (it has seen an accepted row since it was created or expired). */
    public boolean present() {
        return record != null;
    }

    /**
     * Reads and writes {@link SeriesStateEntry#record}s, reusing its buffers: one per function instance (not thread
     * safe, as a function instance is not called concurrently).
     */
    static final class Codec {
        private final DataInputDeserializer in = new DataInputDeserializer();
        private final DataOutputSerializer out = new DataOutputSerializer(512);

        /** Reads {@code entry}'s record into {@code reuse} (reusing its arrays when they fit) and returns it. */
        SeriesState read(SeriesStateEntry entry, SeriesState reuse) {
            in.setBuffer(entry.record);
            try {
                return SeriesStateSerializer.INSTANCE.deserialize(reuse, in);
            } catch (IOException e) {
                throw new UncheckedIOException("the state of a key of " + StreamcastForecast.NAME + " cannot be read ("
                        + e.getMessage() + "): it was not written by this function", e);
            }
        }

        /** Writes {@code s} into {@code entry} as a new record. */
        void write(SeriesState s, SeriesStateEntry entry) {
            out.clear();
            try {
                SeriesStateSerializer.INSTANCE.serialize(s, out);
            } catch (IOException e) {
                throw new UncheckedIOException("the state of a key of " + StreamcastForecast.NAME
                        + " cannot be written: " + e.getMessage(), e);
            }
            entry.record = out.getCopyOfBuffer();
        }
    }
}
