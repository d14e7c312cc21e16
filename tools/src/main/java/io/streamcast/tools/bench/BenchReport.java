package io.streamcast.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one section of {@code docs/benchmarks.md}, between {@code <!-- NAME:start -->} and
 * {@code <!-- NAME:end -->} markers, leaving the other sections as they are.
 */
public final class BenchReport {

    private BenchReport() {}

    public static void writeSection(Path file, String name, String markdown) throws IOException {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nEvery table here is written by a command; the command is named above each table.\n";
        int s = doc.indexOf(start);
        int e = doc.indexOf(end);
        if (s >= 0 && e > s) {
            doc = doc.substring(0, s) + block + doc.substring(e + end.length());
        } else {
            doc = doc.stripTrailing() + "\n\n" + block + "\n";
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, doc, StandardCharsets.UTF_8);
    }
}
