package io.streamcast.jobs.forecast;

import org.apache.flink.connector.kafka.source.enumerator.subscriber.KafkaSubscriber;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The partitions of the models topic for the Kafka source's partition discovery, with the topic allowed to be
 * missing. The connector's subscriber to a list of topics throws when a topic does not exist, and its enumerator then
 * fails the whole job: the forecast job would stop serving (and, restarted, fail again at its first discovery) for as
 * long as the models topic is gone, although serving does not need it. Here a missing topic has no partitions: the
 * source reads nothing from it (the partitions it already reads are kept), one WARN line says so, and the topic is
 * read again once it exists, found by the next partition discovery (the same partitions are taken up where they are;
 * see {@link ModelsTopicSource} for a topic created again). Any other failure to describe the topic (the broker unreachable, not authorised) still fails
 * the discovery, as for the events topic.
 */
final class ModelsTopicSubscriber implements KafkaSubscriber {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelsTopicSubscriber.class);

    private final String topic;
    private transient boolean missing;

    ModelsTopicSubscriber(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public Set<TopicPartition> getSubscribedTopicPartitions(AdminClient admin) {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                if (!missing) {
                    LOG.warn("The models topic {} does not exist: no model updates are read until it does; the model in "
                            + "service stays", topic);
                    missing = true;
                }
                return Set.of();
            }
            throw new RuntimeException("Failed to describe the models topic " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException("Interrupted while describing the models topic " + topic, e);
        }
        if (missing) {
            LOG.info("The models topic {} exists again", topic);
            missing = false;
        }
        return description.partitions().stream().map(TopicPartitionInfo::partition)
                .map(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }
}
