package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code stop} does with an unfinished run of its cluster, shown with an edited playbook of
 * exec steps (no cluster needed) on the directory store: a dry-run previews the continuation, the
 * next stop continues it, and what may not be continued as asked is refused with the way out.
 */
class ContinuedRunsTest {
  @TempDir Path dir;

  private Path playbook(Path flag) throws Exception {
    Path pb = dir.resolve("hibernate.yaml");
    Files.writeString(
        pb,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: hibernate}\n"
            + "params:\n  cluster: {type: string}\n  region: {type: string, default: \"\"}\n"
            + "  login: {type: string, default: auto}\n"
            + "lock: cluster/${{ params.cluster }}\n"
            + "steps:\n"
            + "  - {id: first, action: exec, with: {command: [echo, one]}}\n"
            + "  - id: second\n    action: exec\n    needs: [first]\n"
            + "    with: {command: [test, -f, \""
            + flag
            + "\"]}\n");
    return pb;
  }

  @Test
  void anUnfinishedStopIsPreviewedThenContinuedAndItsEndedStepsKept() throws Exception {
    Cli cli = new Cli(dir.resolve("state"));
    Path flag = dir.resolve("flag");
    String pb = playbook(flag).toString();
    Cli.Result failed = cli.run("stop", "--cluster", "x", "--playbook", pb, "--run-id", "r1");
    assertEquals(1, failed.code(), failed.toString());

    Cli.Result dry = cli.run("stop", "--cluster", "x", "--playbook", pb, "--dry-run");
    assertEquals(0, dry.code(), dry.toString());
    assertTrue(
        dry.err().contains("notice: the run would continue unfinished run r1"), dry.toString());
    assertTrue(
        dry.out().contains("first (exec): succeeded in the run it continues, kept"), dry.out());
    assertTrue(
        dry.out().contains("      stored exitCode: 0\n      stored stdout: one\n"), dry.out());
    Cli.Result json =
        cli.run("stop", "--cluster", "x", "--playbook", pb, "--dry-run", "--output", "json");
    assertTrue(
        json.out().contains("{\"type\":\"notice\",\"code\":\"continuing-run\",\"run\":\"r1\""),
        json.out());
    assertTrue(
        json.out().contains("\"kept\":true,\"outputs\":{\"exitCode\":0,\"stdout\":\"one\"}"),
        json.out());

    Cli.Result otherId = cli.run("stop", "--cluster", "x", "--playbook", pb, "--run-id", "r2");
    assertEquals(2, otherId.code(), otherId.toString());
    assertTrue(otherId.err().contains("--run-id r2: lock 'cluster/x' has unfinished run r1"));
    Cli.Result otherParams =
        cli.run("stop", "--cluster", "x", "--region", "eu-west-2", "--playbook", pb);
    assertEquals(2, otherParams.code(), otherParams.toString());
    assertTrue(
        otherParams.err().contains("ran with other params: region= (now eu-west-2)"),
        otherParams.toString());

    Files.writeString(flag, "");
    Cli.Result continued = cli.run("stop", "--cluster", "x", "--playbook", pb);
    assertEquals(0, continued.code(), continued.toString());
    assertTrue(
        continued.err().contains("notice: continuing unfinished run r1"), continued.toString());
    assertFalse(continued.out().contains("step first: started"), "first ran again: " + continued);
    Cli.Result list = cli.run("runs", "list", "--output", "json");
    assertEquals(1, list.out().lines().count(), list.out());
    assertTrue(
        list.out().contains("\"run\":\"r1\",\"playbook\":\"hibernate\",\"status\":\"succeeded\""),
        list.out());
  }

  @Test
  void aChangedPlaybookIsContinuedOnlyWithAllowChanged() throws Exception {
    Cli cli = new Cli(dir.resolve("state"));
    Path pb = playbook(dir.resolve("never"));
    assertEquals(
        1, cli.run("stop", "--cluster", "x", "--playbook", pb.toString(), "--run-id", "r1").code());
    Files.writeString(pb, Files.readString(pb).replace("[test, -f, ", "[echo, "));
    Cli.Result refused = cli.run("stop", "--cluster", "x", "--playbook", pb.toString());
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.err().contains("started with another playbook text"), refused.toString());
    Cli.Result allowed =
        cli.run("stop", "--cluster", "x", "--playbook", pb.toString(), "--allow-changed");
    assertEquals(0, allowed.code(), allowed.toString());
    assertTrue(allowed.err().contains("with the playbook as given now (--allow-changed)"));
  }

  @Test
  void anUnfinishedRunOlderThanTheAgeIsAbandonedAndAFreshOneStarts() throws Exception {
    Cli cli = new Cli(dir.resolve("state"));
    Path flag = dir.resolve("flag");
    String pb = playbook(flag).toString();
    assertEquals(1, cli.run("stop", "--cluster", "x", "--playbook", pb, "--run-id", "r1").code());
    Thread.sleep(1100);
    Files.writeString(flag, "");
    Cli.Result fresh =
        cli.run(
            "stop",
            "--cluster",
            "x",
            "--playbook",
            pb,
            "--run-id",
            "r2",
            "--continue-within",
            "1s");
    assertEquals(0, fresh.code(), fresh.toString());
    assertTrue(
        fresh.err().contains("notice: abandoning run r1 (hibernate, failed: started at"),
        fresh.toString());
    assertTrue(fresh.out().contains("step first: started"), fresh.out());
    assertTrue(cli.run("runs", "show", "r1").out().contains("status:    abandoned"));
  }
}
