package io.eksscheduler.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
  private final YamlReader reader = new YamlReader(YamlLimits.DEFAULT);

  private List<Problem> problems(String text) {
    List<Problem> problems = new ArrayList<>();
    reader.read("t.yaml", text, problems);
    return problems;
  }

  @Test
  void absurdBlockNestingIsRefusedWithoutCrashing() {
    String deep = "a:\n" + "- ".repeat(200_000) + "x\n";
    List<Problem> found = problems(deep);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).message().contains("nest"), found.toString());
  }

  @Test
  void absurdFlowNestingIsRefusedWithoutCrashing() {
    String deep = "a: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";
    List<Problem> found = problems(deep);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).message().contains("nest"), found.toString());
  }

  @Test
  void nestingBeyondTheLimitIsRefused() {
    String deep = "a: " + "[".repeat(70) + "]".repeat(70) + "\n";
    assertEquals(
        List.of("t.yaml:1:68: document nests deeper than 64 levels"),
        problems(deep).stream().map(Problem::toString).toList());
  }

  @Test
  void tooManyAliasesAreRefused() {
    StringBuilder yaml = new StringBuilder("a: &a [1]\nb: [");
    for (int i = 0; i < 300; i++) {
      yaml.append("*a,");
    }
    yaml.append("*a]\n");
    List<Problem> found = problems(yaml.toString());
    assertEquals(1, found.size());
    assertTrue(found.get(0).message().contains("aliases"), found.toString());
  }

  @Test
  void oversizedDocumentIsRefusedBeforeParsing() {
    YamlReader small = new YamlReader(new YamlLimits(100, 10, 10, 100));
    List<Problem> problems = new ArrayList<>();
    Optional<YamlTree> tree = small.read("t.yaml", "a: " + "x".repeat(200), problems);
    assertTrue(tree.isEmpty());
    assertEquals(
        "t.yaml:1:1: document is too large (203 characters; the limit is 100)",
        problems.get(0).toString());
  }

  @Test
  void positionsAreRecordedForValuesAndKeys() {
    List<Problem> problems = new ArrayList<>();
    YamlTree tree = reader.read("t.yaml", "a:\n  b: 'x'\n", problems).orElseThrow();
    assertEquals(new Position(2, 6), tree.valueAt("/a/b"));
    assertEquals(new Position(2, 3), tree.keyAt("/a/b"));
    assertEquals(new Position(2, 8), tree.charAt("/a/b", 1));
  }

  @Test
  void secondDocumentIsRefused() {
    assertEquals(
        List.of("t.yaml:3:1: a playbook file holds one YAML document; found a second"),
        problems("a: 1\n---\nb: 2\n").stream().map(Problem::toString).toList());
  }
}
