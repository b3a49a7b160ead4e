package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SIGINT and SIGTERM stop a real run: running steps cancelled, state saved, exit 3. */
class SignalTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalCancelsRunningStepsSavesStateAndExits3(String signal) throws Exception {
    Path state = dir.resolve("state");
    Path effects = dir.resolve("effects.txt");
    Path flag = dir.resolve("flag");
    Path playbook = dir.resolve("pb.yaml");
    Files.writeString(
        playbook,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: sig}\nsteps:\n"
            + "  - {id: quick, action: test.append, with: {file: "
            + effects
            + "}}\n"
            + "  - id: slow\n    action: exec\n    needs: [quick]\n"
            + "    with: {command: [sh, -c, 'test -e "
            + flag
            + " || sleep 60']}\n"
            + "finally:\n"
            + "  - {id: fin, action: test.append, with: {file: "
            + effects
            + "}}\n");
    Process p =
        Jvm.start(
            dir.resolve("out.log"),
            (String) null,
            "run",
            playbook.toString(),
            "--run-id",
            "r",
            "--state-dir",
            state.toString());
    Path events = state.resolve("runs/r/events.jsonl");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(Files.exists(events) && Files.readString(events).contains("\"step\":\"slow\""))) {
      assertTrue(System.nanoTime() < until, "slow never started");
      Thread.sleep(50);
    }
    Thread.sleep(300);
    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the run did not stop");
    assertEquals(3, p.exitValue(), Files.readString(dir.resolve("out.log")));
    RunState stopped = new DirectoryRunStore(state).load("r").orElseThrow();
    assertEquals(RunStatus.INTERRUPTED, stopped.status());
    assertEquals(StepStatus.SUCCEEDED, stopped.step("quick").status());
    assertEquals(StepStatus.CANCELLED, stopped.step("slow").status());
    assertEquals(StepStatus.PENDING, stopped.step("fin").status(), "finally waits for resume");
    assertEquals(1, Files.readAllLines(effects).size());
    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(h -> h.info().commandLine().orElse("").contains(flag.toString())),
        "the step's command was stopped too");

    Files.writeString(flag, "");
    io.eksscheduler.cli.testing.Cli.Result resumed =
        new io.eksscheduler.cli.testing.Cli(state).run("resume", "r");
    assertEquals(0, resumed.code(), resumed.toString());
    assertEquals(
        List.of("quick", "fin"),
        Files.readAllLines(effects).stream().map(l -> l.split(" ")[0]).toList());
  }
}
