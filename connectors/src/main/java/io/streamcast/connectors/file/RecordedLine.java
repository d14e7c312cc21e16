package io.streamcast.connectors.file;

import io.streamcast.connectors.event.ParsedEvent;

/**
 * One line of a recorded file read under a {@link KeyFrom} rule: the event (or dead letter) it yields, and for a
 * JSON line the text to send (with its {@code key} field replaced under {@link KeyFrom#FILENAME}).
 */
public final class RecordedLine {

    private final ParsedEvent parsed;
    private final String json;
    private final boolean lacksKey;

    RecordedLine(ParsedEvent parsed, String json, boolean lacksKey) {
        this.parsed = parsed;
        this.json = json;
        this.lacksKey = lacksKey;
    }

    /** The event, or the dead letter saying why the line is not one. */
    public ParsedEvent parsed() {
        return parsed;
    }

    public boolean isJson() {
        return json != null;
    }

    /** For a JSON line, the JSON to send; {@code null} for a CSV line (send the parsed event). */
    public String json() {
        return json;
    }

    /**
     * Under {@link KeyFrom#COLUMN}: the line carries no key (a {@code timestamp,value} CSV line, or a JSON line
     * whose {@code key} field is missing or not a string or number). Always false under the other rules.
     */
    public boolean lacksKey() {
        return lacksKey;
    }
}
