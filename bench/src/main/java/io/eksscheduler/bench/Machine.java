package io.eksscheduler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a benchmark ran on, as printed with its figures: they mean nothing without it. */
final class Machine {

  private Machine() {}

  /** Cores, CPU model and memory, e.g. {@code 2 cores (Intel Xeon ...), 23 GiB}. */
  static String describe() throws IOException {
    String model =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown CPU");
    long kib =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
            .findFirst()
            .orElse(0L);
    return String.format(
        "%d cores (%s), %d GiB RAM, Java %s",
        Runtime.getRuntime().availableProcessors(),
        model,
        kib / 1024 / 1024,
        System.getProperty("java.version"));
  }

  /** The 1, 5 and 15 minute load averages: other work on the machine skews the figures. */
  static String load() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }
}
