package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a real JVM running a playbook with SIGKILL, at named crash points and at random moments,
 * then resumes it: every succeeded step's effect is recorded exactly once, and finally ran once.
 */
class CrashResumeTest {
  private static final List<String> STEPS = List.of("s1", "s2", "s3", "s4", "s5", "fin");

  @TempDir Path dir;
  private Path state;
  private Path lines;
  private Path playbook;

  @BeforeEach
  void setUp() throws Exception {
    state = dir.resolve("state");
    lines = dir.resolve("effects.txt");
    playbook = dir.resolve("pb.yaml");
    String step = "    action: test.append\n    with: {file: " + lines + ", pause: 150ms}\n";
    Files.writeString(
        playbook,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: crash}\n"
            + "concurrency: 2\nsteps:\n"
            + "  - id: s1\n"
            + step
            + "  - id: s2\n    needs: [s1]\n"
            + step
            + "  - id: s3\n    needs: [s1]\n"
            + step
            + "  - id: s4\n    needs: [s2, s3]\n"
            + step
            + "  - id: s5\n    needs: [s4]\n"
            + step
            + "finally:\n  - id: fin\n"
            + step);
  }

  private Process start(String crashAt, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--state-dir", state.toString()));
    return Jvm.start(
        dir.resolve("out-" + System.nanoTime() + ".log"), crashAt, all.toArray(String[]::new));
  }

  private int run(String crashAt, String... args) throws Exception {
    Process p = start(crashAt, args);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process did not end");
    return p.exitValue();
  }

  private void assertEachEffectOnce(String context) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (String line : Files.readAllLines(lines)) {
      counts.merge(line.split(" ")[0], 1, Integer::sum);
    }
    Map<String, Integer> expected = new TreeMap<>();
    STEPS.forEach(s -> expected.put(s, 1));
    assertEquals(expected, counts, context + "; effects: " + Files.readAllLines(lines));
    RunState end = new DirectoryRunStore(state).load("r").orElseThrow();
    assertEquals(RunStatus.SUCCEEDED, end.status(), context);
    STEPS.forEach(s -> assertEquals(StepStatus.SUCCEEDED, end.step(s).status(), context + s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "step-start:s3",
        "ledger-before:s3",
        "ledger-after:s3",
        "effect-done:s3",
        "ledger-after:fin",
        "effect-done:fin"
      })
  void aKillAtANamedPointLosesNothing(String point) throws Exception {
    int code = run(point, "run", playbook.toString(), "--run-id", "r");
    assertEquals(137, code, "killed by SIGKILL at " + point);
    assertEquals(0, run(null, "resume", "r"), "resume after " + point);
    assertEachEffectOnce("crash at " + point);
  }

  @Test
  void killsAtRandomMomentsLoseNothing() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("CrashResumeTest random kills, seed " + seed + " (-Dcrash.seed to replay)");
    Random random = new Random(seed);
    for (int round = 0; round < 10; round++) {
      Files.deleteIfExists(lines);
      deleteRecursively(state.toFile());
      String[] args = {"run", playbook.toString(), "--run-id", "r"};
      int kills = 0;
      for (int launch = 0; ; launch++) {
        assertTrue(launch < 20, "seed " + seed + ": the run never finished");
        Process p = start(null, args);
        boolean kill = kills < 3 && random.nextInt(4) != 0;
        if (kill && !p.waitFor(300 + random.nextInt(1500), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor();
          kills++;
        } else {
          assertTrue(p.waitFor(60, TimeUnit.SECONDS));
          if (p.exitValue() == 0) {
            break;
          }
        }
        if (finished()) {
          break; // killed after the run ended, before the process exited
        }
        args = new String[] {"resume", "r"};
        if (!Files.exists(state.resolve("runs/r/state.json"))) {
          args = new String[] {"run", playbook.toString(), "--run-id", "r"};
          deleteRecursively(state.toFile());
        }
      }
      assertEachEffectOnce("seed " + seed + ", round " + round + ", " + kills + " kills");
    }
  }

  private boolean finished() throws Exception {
    return Files.exists(state.resolve("runs/r/state.json"))
        && new DirectoryRunStore(state).load("r").orElseThrow().status() == RunStatus.SUCCEEDED;
  }

  private static void deleteRecursively(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteRecursively(c);
      }
    }
    f.delete();
  }
}
