package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.cli.testing.Cli;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;
  private Path state;
  private Path marker;
  private Cli cli;

  @BeforeEach
  void setUp() {
    state = dir.resolve("state");
    marker = dir.resolve("marker");
    cli = new Cli(state);
  }

  private Path playbook(String body) throws Exception {
    Path file = dir.resolve("pb.yaml");
    Files.writeString(
        file,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: pb}\n"
            + "params:\n  n: {type: integer, default: 1}\n  who: {type: string, required: true}\n"
            + "lock: test/${{ params.who }}\n"
            + body);
    return file;
  }

  private String touch(String step) {
    return "  - id: "
        + step
        + "\n    action: exec\n    with: {command: [sh, -c, 'echo "
        + step
        + " >> "
        + marker
        + "']}\n";
  }

  @Test
  void aRunSucceedsAndExits0() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1");
    assertEquals(0, r.code(), r.toString());
    assertEquals("one\n", Files.readString(marker));
    assertTrue(r.out().contains("run r1 (pb): succeeded"), r.out());
    assertTrue(Files.isRegularFile(state.resolve("runs/r1/state.json")));
    assertTrue(Files.isRegularFile(state.resolve("runs/r1/playbook.yaml")));
  }

  @Test
  void dryRunPrintsTheCommandAndNeverRunsIt() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me", "--dry-run");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("run sh -c 'echo one >> " + marker + "'"), r.out());
    assertFalse(Files.exists(marker));
    assertFalse(Files.exists(state), "a dry-run writes no state");
  }

  @Test
  void aFailingStepExits1AndResumeRunsItAgain() throws Exception {
    Path flag = dir.resolve("ok");
    Path pb =
        playbook(
            "steps:\n"
                + touch("one")
                + "  - id: two\n    action: exec\n    needs: [one]\n"
                + "    with: {command: [test, -e, "
                + flag
                + "]}\n"
                + "finally:\n"
                + touch("fin"));
    Cli.Result failed = cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1");
    assertEquals(1, failed.code(), failed.toString());
    assertTrue(failed.out().contains("resume with: eks-scheduler resume r1"), failed.out());
    Files.writeString(flag, "");
    Cli.Result resumed = cli.run("resume", "r1");
    assertEquals(0, resumed.code(), resumed.toString());
    assertEquals(List.of("one", "fin", "fin"), Files.readAllLines(marker));
  }

  @Test
  void paramsAreTypeChecked() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me", "-p", "n=many");
    assertEquals(2, r.code());
    assertEquals("param n: 'many' is not an integer\n", r.err());
    Cli.Result missing = cli.run("run", pb.toString());
    assertEquals(2, missing.code());
    assertEquals("param who is required: give it with -p who=VALUE\n", missing.err());
    Cli.Result unknown = cli.run("run", pb.toString(), "-p", "who=me", "-p", "wh0=x");
    assertEquals(2, unknown.code());
    assertEquals(
        "unknown param -p wh0: playbook pb declares n, who (did you mean 'who'?)\n", unknown.err());
  }

  @Test
  void paramsFileIsReadAndCommandLineWins() throws Exception {
    Path pb =
        playbook(
            "steps:\n  - {id: s, action: exec, with: {command: [echo, '${{ params.who"
                + " }}-${{ params.n }}']}}\n");
    Path params = dir.resolve("params.yaml");
    Files.writeString(params, "who: file\nn: 5\n");
    Cli.Result r =
        cli.run(
            "run",
            pb.toString(),
            "--params-file",
            params.toString(),
            "-p",
            "n=7",
            "--output",
            "json",
            "--run-id",
            "r1");
    assertEquals(0, r.code(), r.toString());
    JsonNode summary = lastJson(r.out());
    assertEquals("file-7", summary.path("steps").get(0).path("outputs").path("stdout").asText());
  }

  @Test
  void jsonOutputIsOneObjectPerLineEndingWithASummary() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me", "--output", "json");
    assertEquals(0, r.code(), r.toString());
    List<String> types = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : r.out().lines().toList()) {
      types.add(json.readTree(line).path("type").asText());
    }
    assertTrue(types.contains("run-started"), types.toString());
    assertTrue(types.contains("step-succeeded"), types.toString());
    assertEquals("summary", types.get(types.size() - 1));
    assertEquals("succeeded", lastJson(r.out()).path("status").asText());
  }

  @Test
  void aHeldLockExits4NamingItsHolder() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    DirectoryRunStore store = new DirectoryRunStore(state);
    try (RunLock lock =
        store.lock("test/me", new LockHolder("other-run", 4242, "ci-host", Instant.EPOCH))) {
      Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me");
      assertEquals(4, r.code(), r.toString());
      assertEquals(
          "lock 'test/me' is held by run other-run (pid 4242 on ci-host, since"
              + " 1970-01-01T00:00:00Z)\n",
          r.err());
    }
    assertFalse(Files.exists(marker));
  }

  @Test
  void runsListShowAndAbandon() throws Exception {
    Path pb =
        playbook(
            "steps:\n  - {id: bad, action: exec, with: {command: ['false']}}\n"
                + "finally:\n"
                + touch("fin"));
    assertEquals(1, cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1").code());
    Cli.Result list = cli.run("runs", "list");
    assertTrue(list.out().contains("r1"), list.out());
    assertTrue(list.out().contains("failed"), list.out());
    Cli.Result show = cli.run("runs", "show", "r1");
    assertTrue(show.out().contains("bad"), show.out());
    assertTrue(show.out().contains("false exited with 1"), show.out());
    Cli.Result abandon = cli.run("runs", "abandon", "r1");
    assertEquals(0, abandon.code(), abandon.toString());
    assertEquals(List.of("fin"), Files.readAllLines(marker), "finally ran once, with the failure");
    Cli.Result again = cli.run("resume", "r1");
    assertEquals(2, again.code());
    assertEquals("run r1 abandoned; nothing to resume\n", again.err());
  }

  @Test
  void anUnknownRunIsAUserError() {
    Cli.Result r = cli.run("resume", "nope");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("no run nope in "), r.err());
  }

  @Test
  void aChosenRunIdThatExistsIsRefused() throws Exception {
    Path pb = playbook("steps:\n" + touch("one"));
    assertEquals(0, cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1").code());
    Cli.Result r = cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("run r1 already exists"), r.err());
  }

  @Test
  void usageErrorsExit2WithASuggestion() {
    Cli.Result r = cli.run("rnu");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("did you mean: eks-scheduler run?"), r.err());
  }

  private static JsonNode lastJson(String out) throws Exception {
    List<String> lines = out.lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  @Test
  void allowChangedRunsTheFileAsItIsNowAndKeepsIt() throws Exception {
    Path pb =
        playbook(
            "steps:\n"
                + touch("one")
                + "  - {id: two, action: exec, needs: [one], with:"
                + " {command: ['false']}}\n");
    assertEquals(1, cli.run("run", pb.toString(), "-p", "who=me", "--run-id", "r1").code());
    Files.writeString(pb, Files.readString(pb).replace("command: ['false']", "command: ['true']"));
    Cli.Result copy = cli.run("resume", "r1");
    assertEquals(1, copy.code(), copy.toString());
    assertTrue(
        copy.err().contains("notice: playbook " + pb + " changed since the run started; resuming"),
        copy.toString());
    Cli.Result changed = cli.run("resume", "r1", "--allow-changed");
    assertEquals(0, changed.code(), changed.toString());
    assertEquals(Files.readString(pb), Files.readString(state.resolve("runs/r1/playbook.yaml")));
    assertEquals(List.of("one"), Files.readAllLines(marker), "one did not run again");
  }

  @Test
  void numberParamsTakePlainDecimalsOnly() throws Exception {
    Path pb = playbook("steps:\n" + touch("one")).getParent().resolve("num.yaml");
    Files.writeString(
        pb,
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: num}\n"
            + "params: {x: {type: number}}\nsteps:\n  - {id: s, action: sleep, with: {duration:"
            + " 0s}}\n");
    assertEquals(0, cli.run("run", pb.toString(), "-p", "x=1.5e3").code());
    for (String bad : List.of("NaN", "Infinity", "0x1p3", "1,5")) {
      Cli.Result r = cli.run("run", pb.toString(), "-p", "x=" + bad);
      assertEquals(2, r.code(), bad);
      assertEquals("param x: '" + bad + "' is not a number\n", r.err());
    }
  }
}
