package io.streamcast.learner.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What the learner puts on the {@code models} topic for an accepted version: {@code {"version", "uri", "sha256"}},
 * the message the forecast job's model control reads.
 */
public record ModelAnnouncement(String version, String uri, String sha256) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelAnnouncement {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", version);
        n.put("uri", uri);
        n.put("sha256", sha256);
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
