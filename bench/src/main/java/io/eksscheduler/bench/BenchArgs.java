package io.eksscheduler.bench;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line the sandbox benchmarks share: {@code PATH/TO/eks-sandbox.jar
 * PATH/TO/eks-scheduler.jar [speed] [work-dir]}. The jars are copied into the work directory first,
 * so that a rebuild during the run cannot change the programs under test.
 */
record BenchArgs(Path sandboxJar, Path cliJar, double speed, Path work) {

  /** Parses {@code args} for benchmark {@code name}; prints its usage and exits 2 when short. */
  static BenchArgs parse(String name, String[] args, double defaultSpeed, String defaultWork)
      throws IOException {
    if (args.length < 2) {
      System.err.println(
          "usage: "
              + name
              + " PATH/TO/eks-sandbox.jar PATH/TO/eks-scheduler.jar [speed] [work-dir]");
      System.exit(2);
    }
    double speed = args.length > 2 ? Double.parseDouble(args[2]) : defaultSpeed;
    Path work = Path.of(args.length > 3 ? args[3] : defaultWork).toAbsolutePath();
    Files.createDirectories(work.resolve("logs"));
    return new BenchArgs(
        Files.copy(Path.of(args[0]), work.resolve("eks-sandbox.jar"), REPLACE_EXISTING),
        Files.copy(Path.of(args[1]), work.resolve("eks-scheduler.jar"), REPLACE_EXISTING),
        speed,
        work);
  }

  /** Runs host commands with this environment, their output kept under the work directory. */
  Command host() {
    return new Command(System.getenv(), work.resolve("logs"));
  }
}
