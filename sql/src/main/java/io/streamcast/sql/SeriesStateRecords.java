package io.streamcast.sql;

import io.streamcast.jobs.forecast.SeriesStateSerializer;
import io.streamcast.model.core.series.SeriesState;
import org.apache.flink.core.memory.DataInputDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A key's {@link SeriesState} as the previous release of {@link StreamcastForecast} kept it: the bytes the DataStream
 * job's {@link SeriesStateSerializer} writes (versioned, the layout version in the first byte), the one value of the
 * {@code MapView<INT, BYTES>} entry {@code series}. This release keeps the object itself (entry {@code seriesState},
 * the same serializer as a {@code RAW} type) and reads these records only to move a restored key's state over.
 *
 * <p>One instance per function instance (not thread safe; a function instance is not called concurrently).
 */
final class SeriesStateRecords {

    /** The key of the record in the function's map states: each map has this one entry or none. */
    static final Integer KEY = 0;

    private final DataInputDeserializer in = new DataInputDeserializer();

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
}
