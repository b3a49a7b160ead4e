package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source file of the engine, the actions or the cli over {@value #MAX_LINES} lines: a class
 * that grows past it does more than one thing and is split at its seams.
 */
class SourceSizeTest {

  static final int MAX_LINES = 400;

  @Test
  void noMainSourceFileOverTheLimit() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> tooLong = new ArrayList<>();
    int read = 0;
    for (String module : List.of("engine", "actions", "cli")) {
      Path main = root.resolve(module).resolve("src/main/java");
      assertTrue(Files.isDirectory(main), "no sources at " + main);
      try (Stream<Path> files = Files.walk(main)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          read++;
          long lines;
          try (Stream<String> s = Files.lines(file)) {
            lines = s.count();
          }
          if (lines > MAX_LINES) {
            tooLong.add(root.relativize(file) + ": " + lines + " lines");
          }
        }
      }
    }
    assertTrue(read > 100, "read only " + read + " source files");
    assertEquals(List.of(), tooLong, "main source files over " + MAX_LINES + " lines");
  }
}
