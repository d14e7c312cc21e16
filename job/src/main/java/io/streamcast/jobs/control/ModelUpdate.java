package io.streamcast.jobs.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Objects;

/**
 * A message on the {@code models} control topic: put model {@code version}, whose artifact is at {@code uri}
 * and has SHA-256 {@code sha256} (hex), in service in every parallel instance of the forecast operator.
 *
 * <p>{@code uri} is read by the tasks, not the publisher: a path or URI of a file system every TaskManager
 * can read ({@code /models/x.scm}, {@code file:///models/x.scm}, or a Flink file system plugin's scheme).
 * On the wire: {@code {"version":"lstm-h32-v2","uri":"/models/lstm-h32-v2.scm","sha256":"9f2c…"}}.
 * A Flink POJO.
 */
@JsonPropertyOrder({"version", "uri", "sha256"})
@JsonIgnoreProperties(ignoreUnknown = true)
public class ModelUpdate {

    private String version;
    private String uri;
    private String sha256;

    /** For Flink's POJO serializer and Jackson. */
    public ModelUpdate() {}

    public ModelUpdate(String version, String uri, String sha256) {
        this.version = version;
        this.uri = uri;
        this.sha256 = sha256;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdate m && Objects.equals(version, m.version) && Objects.equals(uri, m.uri)
                && Objects.equals(sha256, m.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, uri, sha256);
    }

    @Override
    public String toString() {
        return "ModelUpdate{version=" + version + ", uri=" + uri + ", sha256=" + sha256 + "}";
    }
}
