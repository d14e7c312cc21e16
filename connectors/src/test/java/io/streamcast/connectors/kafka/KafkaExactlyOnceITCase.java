package io.streamcast.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcast.broker.EmbeddedKafkaBrokerExtension;
import io.streamcast.connectors.event.DeadLetter;
import io.streamcast.connectors.event.DeadLetterReason;
import io.streamcast.connectors.event.Event;
import io.streamcast.connectors.event.EventValidation;
import io.streamcast.connectors.event.ParsedEvent;
import io.streamcast.connectors.testing.TestClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka → parse → split → two exactly-once Kafka sinks, against a real in-process broker and a
 * Flink mini-cluster; the outputs are read with {@code read_committed}.
 */
@Timeout(180)
class KafkaExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    private static final int VALID_EVENTS = 300;
    private static final int MAX_BYTES = 512;
    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    @RegisterExtension
    static final EmbeddedKafkaBrokerExtension kafka = new EmbeddedKafkaBrokerExtension(2);

    /** Routes events to the main output and dead letters to a side output. */
    static final class SplitParsed extends ProcessFunction<ParsedEvent, Event> {
        @Override
        public void processElement(ParsedEvent in, Context ctx, Collector<Event> out) {
            if (in.isValid()) {
                out.collect(in.getEvent());
            } else {
                ctx.output(DEAD_LETTERS, in.getDeadLetter());
            }
        }
    }

    @Test
    void validEventsAndDeadLettersArriveExactlyOnce() throws Exception {
        String input = TestClusters.unique("events");
        String validTopic = TestClusters.unique("valid");
        String deadTopic = TestClusters.unique("dead");
        kafka.createTopics(input, validTopic, deadTopic);

        List<Event> expectedEvents = new ArrayList<>();
        for (int i = 0; i < VALID_EVENTS; i++) {
            expectedEvents.add(new Event("series-" + (i % 7), 1_700_000_000_000L + i * 1000L, i * 0.25 - 10));
        }
        Map<String, DeadLetterReason> bad = new LinkedHashMap<>();
        bad.put("{\"key\":\"series-1\",\"ts\":", DeadLetterReason.MALFORMED_JSON);
        bad.put("{\"ts\":1700000000000,\"value\":1}", DeadLetterReason.MISSING_KEY);
        bad.put("{\"key\":\"  \",\"ts\":1700000000000,\"value\":1}", DeadLetterReason.BLANK_KEY);
        bad.put("{\"key\":\"series-1\",\"ts\":\"last tuesday\",\"value\":1}", DeadLetterReason.BAD_TIMESTAMP);
        bad.put("{\"key\":\"series-1\",\"ts\":1700000000000,\"value\":NaN}", DeadLetterReason.NON_FINITE_VALUE);
        bad.put("{\"key\":\"series-1\",\"ts\":1700000000000,\"value\":1e9}", DeadLetterReason.VALUE_OUT_OF_BOUNDS);
        bad.put("{\"key\":\"series-1\",\"ts\":1700000000000,\"value\":1,\"pad\":\"" + "x".repeat(MAX_BYTES) + "\"}",
                DeadLetterReason.OVERSIZED_MESSAGE);
        produce(input, expectedEvents, bad.keySet());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(TestClusters.jobConfiguration());
        env.setParallelism(TestClusters.PARALLELISM);
        env.enableCheckpointing(500);
        SingleOutputStreamOperator<Event> events = env
                .fromSource(KafkaEventSource.builder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .topics(input)
                                .groupId(TestClusters.unique("it-group"))
                                .startingOffsets(OffsetsInitializer.earliest())
                                .bounded(OffsetsInitializer.latest())
                                .validation(EventValidation.builder()
                                        .valueBounds(-1e6, 1e6).maxMessageBytes(MAX_BYTES).build())
                                .build(),
                        WatermarkStrategy.noWatermarks(), "kafka-events")
                .uid("kafka-events")
                .process(new SplitParsed())
                .uid("split-parsed")
                .name("split-parsed");
        events.sinkTo(JsonKafkaSink.<Event>builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .topic(validTopic)
                        .keyExtractor(Event::getKey)
                        .transactionalIdPrefix(TestClusters.unique("it-valid"))
                        .transactionTimeout(Duration.ofMinutes(2))
                        .build())
                .uid("valid-sink");
        events.getSideOutput(DEAD_LETTERS).sinkTo(JsonKafkaSink.<DeadLetter>builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .topic(deadTopic)
                        .transactionalIdPrefix(TestClusters.unique("it-dead"))
                        .build())
                .uid("dead-letter-sink");
        env.execute("kafka-exactly-once-it");

        List<ConsumerRecord<byte[], byte[]>> validRecords = TestClusters.readCommitted(
                kafka.bootstrapServers(), validTopic, VALID_EVENTS, Duration.ofSeconds(60), Duration.ofSeconds(1));
        List<ConsumerRecord<byte[], byte[]>> deadRecords = TestClusters.readCommitted(
                kafka.bootstrapServers(), deadTopic, bad.size() + 1, Duration.ofSeconds(60), Duration.ofSeconds(1));

        assertThat(TestClusters.values(validRecords, Event.class)).containsExactlyInAnyOrderElementsOf(expectedEvents);
        assertThat(validRecords).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                .isEqualTo(com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                        .readTree(r.value()).get("key").asText()));

        List<DeadLetter> deadLetters = TestClusters.values(deadRecords, DeadLetter.class);
        Map<DeadLetterReason, Long> expectedReasons = bad.values().stream()
                .collect(Collectors.groupingBy(r -> r, Collectors.counting()));
        expectedReasons.merge(DeadLetterReason.MALFORMED_JSON, 1L, Long::sum); // the tombstone
        assertThat(deadLetters.stream().collect(Collectors.groupingBy(DeadLetter::getReason, Collectors.counting())))
                .isEqualTo(expectedReasons);
        assertThat(deadLetters).allSatisfy(dl -> {
            assertThat(dl.getTopic()).isEqualTo(input);
            assertThat(dl.getPartition()).isBetween(0, 1);
            assertThat(dl.getSeenAt()).isPositive();
        });
        assertThat(deadLetters).extracting(dl -> dl.getPartition() + "@" + dl.getOffset()).doesNotHaveDuplicates();
        for (DeadLetter dl : deadLetters) {
            if (dl.getReason() != DeadLetterReason.OVERSIZED_MESSAGE && dl.getRaw() != null && !dl.getRaw().isEmpty()) {
                assertThat(bad).containsKey(dl.getRaw());
                assertThat(bad.get(dl.getRaw())).isEqualTo(dl.getReason());
            }
        }
    }

    private static void produce(String topic, List<Event> events, Iterable<String> badRecords) throws Exception {
        Map<String, Object> conf = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (Event e : events) {
                producer.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8),
                        io.streamcast.connectors.json.JsonCodec.toJsonBytes(e)));
                if (i++ % 50 == 0) {
                    for (String b : badRecords) {
                        // the bad records go in once, among the first events
                        producer.send(new ProducerRecord<>(topic, null, b.getBytes(StandardCharsets.UTF_8)));
                    }
                    badRecords = List.of();
                }
            }
            producer.send(new ProducerRecord<>(topic, "series-1".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();
        }
    }
}
