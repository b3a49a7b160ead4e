package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.cli.testing.Cli;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path state;

  static String playbook(String name) {
    try {
      return Paths.get(ValidateCommandTest.class.getResource("/playbooks/" + name).toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyProblemIsPrintedWithLineAndColumnAndExit2() {
    String file = playbook("mistakes.yaml");
    Cli.Result r = new Cli(state).run("validate", file);
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        List.of(
            file
                + ":11:16: steps[0].with.command: expected a list of strings or an expression"
                + " ${{ }}, got 'echo'",
            file + ":12:7: steps[0].with: unknown key 'shell'",
            file + ":14:13: unknown action 'slep' (did you mean 'sleep'?)",
            file + ":19:27: action 'exec' has no output 'exitcode' (it has exitCode, stdout)",
            file + ":22:5: steps[3].with: missing required key 'duration'"),
        r.out().lines().toList());
    assertEquals("5 problems\n", r.err());
  }

  @Test
  void theExamplesAndStockPlaybooksAreValid() throws java.io.IOException {
    Path root = Paths.get(System.getProperty("user.dir")).getParent();
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("validate"));
    for (String dir : new String[] {"examples", "playbooks"}) {
      try (var files = java.nio.file.Files.list(root.resolve(dir))) {
        files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> args.add(f.toString()));
      }
    }
    Cli.Result r = new Cli(state).run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.toString());
    assertEquals((args.size() - 1) + " playbooks valid\n", r.out());
  }

  @Test
  void aMissingFileIsAProblemNotAStackTrace() {
    Cli.Result r = new Cli(state).run("validate", "/nonexistent/pb.yaml");
    assertEquals(2, r.code());
    assertEquals("/nonexistent/pb.yaml:1:1: no such file\n", r.out());
  }
}
