package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.testing.Cli;
import io.eksscheduler.cli.testing.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks between real processes: a live holder means exit 4; a dead one is taken over. */
class LockTest {
  @TempDir Path dir;

  @Test
  void aLiveHolderInAnotherProcessBlocksAndADeadOneIsTakenOver() throws Exception {
    Path state = dir.resolve("state");
    Path playbook = dir.resolve("pb.yaml");
    Files.writeString(
        playbook,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: locked}\n"
            + "params: {who: {type: string, default: me}}\n"
            + "lock: cluster/${{ params.who }}\n"
            + "steps:\n  - {id: slow, action: sleep, with: {duration: 60s}}\n");
    Process holder =
        Jvm.start(
            dir.resolve("holder.log"),
            (String) null,
            "run",
            playbook.toString(),
            "--run-id",
            "first",
            "--state-dir",
            state.toString());
    try {
      Path events = state.resolve("runs/first/events.jsonl");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(Files.exists(events) && Files.readString(events).contains("step-started"))) {
        assertTrue(System.nanoTime() < until, "the holder never started its step");
        Thread.sleep(50);
      }
      Cli cli = new Cli(state);
      Cli.Result second = cli.run("run", playbook.toString(), "--run-id", "second");
      assertEquals(4, second.code(), second.toString());
      assertTrue(
          second.err().startsWith("lock 'cluster/me' is held by run first (pid " + holder.pid()),
          second.err());
      Cli.Result resume = cli.run("resume", "first");
      assertEquals(4, resume.code(), resume.toString());
      assertTrue(resume.err().startsWith("run first is held by run first (pid "), resume.err());

      holder.destroyForcibly().waitFor();
      Files.writeString(
          playbook, Files.readString(playbook).replace("duration: 60s", "duration: 0s"));
      Cli.Result third = cli.run("run", playbook.toString(), "--run-id", "third");
      assertEquals(0, third.code(), third.toString());
      assertTrue(
          third
              .err()
              .contains("notice: lock 'cluster/me': its holder run first (pid " + holder.pid()),
          third.toString());
      assertTrue(
          third.err().contains("is gone (its lock lapsed unrenewed); taking it over"),
          third.toString());
    } finally {
      holder.destroyForcibly();
    }
  }
}
