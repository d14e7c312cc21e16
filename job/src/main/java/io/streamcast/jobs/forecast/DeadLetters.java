package io.streamcast.jobs.forecast;

import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;

/** The dead-letter side output shared by the job's operators, and its per-reason counters. */
public final class DeadLetters {

    private DeadLetters() {}

    /** Side output of every operator that rejects input. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Metric group {@code deadLettered} with one counter per reason code, e.g. {@code deadLettered.malformed-json}. */
    public static final class Counters {
        private final EnumMap<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

        public Counters(MetricGroup operatorGroup) {
            MetricGroup group = operatorGroup.addGroup("deadLettered");
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                counters.put(reason, group.counter(reason.code()));
            }
        }

        public void count(DeadLetterReason reason) {
            counters.get(reason).inc();
        }
    }
}
