package io.streamcast.jobs.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A refused model update, written to the control-errors topic ({@code model-errors} by default). The model in
 * service stays as it was ({@code activeVersion}).
 *
 * <p>The forecast operator's parallel instances each load and check an update, so a refused artifact gives
 * one record per refusing instance ({@code subtask}); a malformed message gives one record from the parser.
 * {@code reason} is a {@link ModelRefusal#code()}; {@code detail} says what was wrong; {@code seenAt} is the
 * wall-clock time in epoch millis. A Flink POJO.
 */
@JsonPropertyOrder({"version", "uri", "sha256", "reason", "detail", "activeVersion", "subtask", "seenAt"})
@JsonIgnoreProperties(ignoreUnknown = true)
public class ModelControlError {

    private String version;
    private String uri;
    private String sha256;
    private String reason;
    private String detail;
    private String activeVersion;
    private int subtask;
    private long seenAt;

    /** For Flink's POJO serializer and Jackson. */
    public ModelControlError() {}

    public ModelControlError(ModelUpdate update, ModelRefusal reason, String detail, String activeVersion, int subtask,
                             long seenAt) {
        this.version = update == null ? null : update.getVersion();
        this.uri = update == null ? null : update.getUri();
        this.sha256 = update == null ? null : update.getSha256();
        this.reason = reason.code();
        this.detail = detail;
        this.activeVersion = activeVersion;
        this.subtask = subtask;
        this.seenAt = seenAt;
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

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }

    public String getActiveVersion() {
        return activeVersion;
    }

    public void setActiveVersion(String activeVersion) {
        this.activeVersion = activeVersion;
    }

    public int getSubtask() {
        return subtask;
    }

    public void setSubtask(int subtask) {
        this.subtask = subtask;
    }

    public long getSeenAt() {
        return seenAt;
    }

    public void setSeenAt(long seenAt) {
        this.seenAt = seenAt;
    }

    @Override
    public String toString() {
        return "ModelControlError{version=" + version + ", reason=" + reason + ", detail=" + detail
                + ", activeVersion=" + activeVersion + ", subtask=" + subtask + "}";
    }
}
