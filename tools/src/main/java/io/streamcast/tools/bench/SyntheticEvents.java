package io.streamcast.tools.bench;

import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.ParsedEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A generator source of keyed events for the pipeline benchmark. The sequence 0..N-1 is split evenly
 * over the source readers; each reader owns {@code keys / readers} keys and visits them round-robin, so
 * every key's events come from one reader with increasing timestamps (none is out of order) and the keyed
 * operator sees a cold key on almost every event, as with many live series.
 */
public final class SyntheticEvents {

    private SyntheticEvents() {}

    /** Fixed event-time base: Monday 2026-01-05 00:00 UTC. */
    public static final long T0 = 1_767_571_200_000L;

    /**
     * @param keys      distinct keys, a multiple of {@code readers}
     * @param perKey    events per key
     * @param readers   source parallelism
     * @param wallClock stamp events with the wall clock (latency runs) instead of a one-minute event-time grid
     * @param rate      events per second over all readers; 0 = unlimited
     */
    public static DataGeneratorSource<ParsedEvent> source(int keys, long perKey, int readers, boolean wallClock, double rate) {
        return source(keys, perKey, readers, wallClock, rate, MINUTE);
    }

    /** One minute: the event-time step of {@link #source(int, long, int, boolean, double)}. */
    static final long MINUTE = 60_000L;

    /**
     * As {@link #source(int, long, int, boolean, double)}, with events {@code stepMillis} apart in event time (an
     * hour: keys with a daily season); the values keep a daily cycle at any step.
     */
    public static DataGeneratorSource<ParsedEvent> source(int keys, long perKey, int readers, boolean wallClock, double rate,
                                                          long stepMillis) {
        if (keys % readers != 0) {
            throw new IllegalArgumentException("keys (" + keys + ") must be a multiple of the source parallelism (" + readers + ")");
        }
        long total = (long) keys * perKey;
        GeneratorFunction<Long, ParsedEvent> f = new Generator(keys, (long) keys * perKey / readers, keys / readers, wallClock,
                stepMillis);
        RateLimiterStrategy limiter = rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp();
        return new DataGeneratorSource<>(f, total, limiter, TypeInformation.of(ParsedEvent.class));
    }

    /** The events of {@link #source}, by sequence number: {@code map(n)} for n in 0..keys × perKey − 1. */
    static Generator generator(int keys, long perKey, int readers, boolean wallClock) {
        return new Generator(keys, (long) keys * perKey / readers, keys / readers, wallClock, MINUTE);
    }

    static final class Generator implements GeneratorFunction<Long, ParsedEvent> {
        private static final long serialVersionUID = 1L;
        private final int keys;
        private final long perReader;
        private final int keysPerReader;
        private final boolean wallClock;
        private final long stepMillis;

        Generator(int keys, long perReader, int keysPerReader, boolean wallClock, long stepMillis) {
            this.keys = keys;
            this.perReader = perReader;
            this.keysPerReader = keysPerReader;
            this.wallClock = wallClock;
            this.stepMillis = stepMillis;
        }

        @Override
        public ParsedEvent map(Long n) {
            long reader = n / perReader;
            long local = n - reader * perReader;
            int key = (int) (reader * keysPerReader + local % keysPerReader);
            long step = local / keysPerReader;
            long ts = wallClock ? System.currentTimeMillis() : T0 + step * stepMillis;
            double value = 100.0 + 10.0 * Math.sin(2 * Math.PI * step * stepMillis / 86_400_000.0) + (key % 17)
                    + ((n * 2654435761L) & 1023) / 512.0;
            return ParsedEvent.valid(new Event("k" + key, ts, value), "generator", (int) reader, n);
        }

        int keys() {
            return keys;
        }
    }
}
