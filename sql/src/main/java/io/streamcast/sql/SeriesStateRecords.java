package io.streamcast.sql;

import io.streamcast.jobs.forecast.SeriesStateSerializer;
import io.streamcast.model.core.series.SeriesState;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A key's {@link SeriesState} as {@link StreamcastForecast} keeps it: the bytes the DataStream job's
 * {@link SeriesStateSerializer} writes (versioned, the layout version in the first byte), written and read by that
 * serializer, so the two front doors share one layout and the function reads every layout the job reads.
 *
 * <p>The function stores the record as the one value of a {@code MapView<INT, BYTES>} state entry (Flink's
 * {@code MapState}, explicit types, no Kryo). Why not a row or structured type of the state's fields: the process
 * table function runtime converts such a value state entry from and to internal rows and hashes it before and after
 * every call (to skip unchanged writes); for the fields and two float arrays that cost more than the step, and even
 * for one {@code BYTES} field the conversion and the two hashes over ~370 bytes were a tenth of the function's time.
 * A map view is handed to the function as it is, read and written by key.
 *
 * <p>A write always stores a new array: a state backend that keeps objects (the heap backend) must not see the stored
 * array change under it, e.g. while a snapshot is being written. One instance per function instance (not thread safe;
 * a function instance is not called concurrently).
 */
final class SeriesStateRecords {

    /** The key of the record in the function's map state: the map has this one entry or none. */
    static final Integer KEY = 0;

    private final DataInputDeserializer in = new DataInputDeserializer();
    private final DataOutputSerializer out = new DataOutputSerializer(512);

    /** Reads {@code record} into {@code reuse} (reusing its arrays when they fit) and returns it. */
    SeriesState read(byte[] record, SeriesState reuse) {
        in.setBuffer(record);
        try {
            return SeriesStateSerializer.INSTANCE.deserialize(reuse, in);
        } catch (IOException e) {
            throw new UncheckedIOException("the state of a key of " + StreamcastForecast.NAME + " cannot be read ("
                    + e.getMessage() + "): it was not written by this function", e);
        }
    }

    /** {@code s} as a new record. */
    byte[] write(SeriesState s) {
        out.clear();
        try {
            SeriesStateSerializer.INSTANCE.serialize(s, out);
        } catch (IOException e) {
            throw new UncheckedIOException("the state of a key of " + StreamcastForecast.NAME + " cannot be written: "
                    + e.getMessage(), e);
        }
        return out.getCopyOfBuffer();
    }
}
