package io.eksscheduler.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlaybookLoaderTest {

  private static List<String> problems(String name) {
    String file = "playbooks/" + name;
    PlaybookLoader.Result r = Fixtures.loader(new TestStep()).load(Fixtures.resource(file), file);
    return r.problems().stream().map(Problem::toString).collect(Collectors.toList());
  }

  @Test
  void validPlaybookLoadsWithDefaultsApplied() {
    PlaybookLoader.Result r =
        Fixtures.loader(new TestStep())
            .load(Fixtures.resource("playbooks/valid.yaml"), "valid.yaml");
    assertEquals(List.of(), r.problems());
    Playbook p = r.playbook().orElseThrow();
    assertEquals(2, p.concurrency());
    assertEquals("cluster/${{ params.cluster }}", p.lock().orElseThrow());
    Step second = p.step("second").orElseThrow();
    assertEquals(java.time.Duration.ofMinutes(90), second.timeout());
    assertEquals(3, second.retry().attempts());
    assertEquals(Step.OnFailure.CONTINUE, second.onFailure());
    assertEquals(java.time.Duration.ofMinutes(15), p.step("report").orElseThrow().timeout());
    assertTrue(p.step("report").orElseThrow().inFinally());
  }

  @Test
  void everyMistakeIsReportedAtOnceWithItsPosition() {
    String M = "playbooks/mistakes.yaml:";
    assertEquals(
        List.of(
            M + "1:13: apiVersion: must be \"eks-scheduler/v1\", got \"eks-scheduler/v2\"",
            M
                + "4:9: metadata.name: 'Mistakes' is not a DNS-1123 label: use lower-case letters,"
                + " digits and '-', at most 63",
            M + "5:3: metadata: unknown key 'labels'",
            M + "8:35: params.count.default: \"three\" is not an integer",
            M + "9:14: concurrency: expected integer, got string '4'",
            M + "13:12: steps[0].with: unknown key 'valu'",
            M
                + "13:28: steps[0].with.count: expected an integer or an expression ${{ }}, got"
                + " 'many'",
            M + "15:13: unknown action 'test.stpe' (did you mean 'test.step'?)",
            M + "16:16: needs unknown step 'zz' (did you mean 'a'?)",
            M + "19:14: steps[2].timeout: " + Durations.badDuration("5x"),
            M + "20:23: steps[2].retry.attempts: must have a minimum value of 1",
            M + "20:35: steps[2].retry.backoff: " + Durations.badDuration("1d"),
            M + "21:24: unknown param 'clustr' (did you mean 'params.cluster'?)",
            M + "24:5: cycle: d -> e -> d",
            M
                + "26:19: step 'd' reads 'steps.a.outputs.value' but does not need 'a' (add it to"
                + " needs, directly or through another step)",
            M + "30:11: when must be a boolean expression, this one gives string",
            M + "31:25: action 'test.step' has no output 'nope' (it has value, count)",
            M + "31:59: expression: expected ')' but found end of expression",
            M + "32:9: duplicate step id 'a' (first at line 11)",
            M + "34:16: steps[5].onFailure: must be one of abort, continue, got \"ignore\""),
        problems("mistakes.yaml"));
  }

  @Test
  void cycleIsReportedWithItsPath() {
    assertEquals(
        List.of("playbooks/cycle.yaml:10:5: cycle: a -> c -> b -> a"), problems("cycle.yaml"));
  }

  @Test
  void duplicateKeysAreReportedAtTheSecondKey() {
    assertEquals(
        List.of(
            "playbooks/duplicate-keys.yaml:5:3: duplicate key 'name' (first at line 4)",
            "playbooks/duplicate-keys.yaml:9:5: duplicate key 'action' (first at line 8)"),
        problems("duplicate-keys.yaml"));
  }

  @Test
  void yamlSyntaxErrorIsPlaced() {
    assertEquals(
        List.of(
            "playbooks/syntax.yaml:8:1: YAML syntax: while parsing a flow sequence: expected ','"
                + " or ']', but got <stream end> (started at line 7, column 13)"),
        problems("syntax.yaml"));
  }

  @Test
  void billionLaughsIsRefusedFast() {
    long start = System.nanoTime();
    List<String> found = problems("bomb.yaml");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(
        List.of(
            "playbooks/bomb.yaml:4:32: document expands to more than 200000 values (aliases"
                + " followed): a YAML bomb is refused"),
        found);
    assertTrue(millis < 5_000, "took " + millis + " ms");
  }

  @Test
  void anchorsAndMergeKeysKeepWorking() {
    assertEquals(List.of(), problems("anchors.yaml"));
  }

  @Test
  void anExpressionOfTheWrongTypeForTheActionIsAnErrorAtLoad() {
    String yaml =
        Fixtures.header("typed")
            + "params: {n: {type: integer, default: 1}, flag: {type: boolean, default: true}}\n"
            + "steps:\n"
            + "  - id: a\n"
            + "    action: test.step\n"
            + "    with: {sleep: '${{ params.n }}', count: '${{ params.flag }}', value: '${{"
            + " params.n }}'}\n";
    assertEquals(
        List.of(
            "t.yaml:9:19: the expression gives an integer, but 'sleep' takes string",
            "t.yaml:9:45: the expression gives a boolean, but 'count' takes integer (or an"
                + " expression ${{ }})"),
        Fixtures.loader(new TestStep()).load(yaml, "t.yaml").problems().stream()
            .map(Problem::toString)
            .toList());
  }

  @Test
  void aLockKeyCannotReadEnv() {
    String yaml =
        Fixtures.header("lock")
            + "lock: x/${{ env.USER }}\n"
            + "steps:\n  - {id: a, action: test.step}\n";
    assertEquals(
        List.of(
            "t.yaml:5:13: the lock key is stored with the run and names a lock file; it cannot"
                + " read 'env.USER' (values from env are never stored)"),
        Fixtures.loader(new TestStep()).load(yaml, "t.yaml").problems().stream()
            .map(Problem::toString)
            .toList());
  }
}
