package io.streamcast.tools.bench;

import io.streamcast.connectors.output.ForecastRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Discards forecast records after counting them and, in latency mode, recording each record's
 * wall-clock age (now − event timestamp, in ms) into a shared sample array. For in-process mini-cluster
 * runs only: the counters are static.
 */
public final class CountingSink implements Sink<ForecastRecord> {

    private static final long serialVersionUID = 1L;

    static final AtomicLong COUNT = new AtomicLong();
    static final int MAX_SAMPLES = 4_000_000;
    static final AtomicLongArray LATENCIES = new AtomicLongArray(MAX_SAMPLES);
    static final AtomicInteger SAMPLES = new AtomicInteger();
    static volatile boolean recordLatency;

    static void reset(boolean latency) {
        COUNT.set(0);
        SAMPLES.set(0);
        recordLatency = latency;
    }

    @Override
    public SinkWriter<ForecastRecord> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(ForecastRecord r, Context ctx) {
                COUNT.incrementAndGet();
                if (recordLatency) {
                    int i = SAMPLES.getAndIncrement();
                    if (i < MAX_SAMPLES) {
                        LATENCIES.set(i, System.currentTimeMillis() - r.getTs());
                    }
                }
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
