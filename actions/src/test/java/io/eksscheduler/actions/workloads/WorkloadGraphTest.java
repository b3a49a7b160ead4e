package io.eksscheduler.actions.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.workloads.WorkloadGraph.Ref;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadGraphTest {
  private static Ref ref(String text) {
    return Ref.parse(text, "default");
  }

  private static List<Ref> refs(String... texts) {
    return java.util.Arrays.stream(texts).map(WorkloadGraphTest::ref).toList();
  }

  @Test
  void sleepWavesPutDependentsFirstAndDatabasesLast() {
    WorkloadGraph g =
        new WorkloadGraph(
            refs("data/db", "shop/api", "shop/web"),
            Map.of(ref("shop/web"), refs("shop/api"), ref("shop/api"), refs("data/db")));
    assertEquals(List.of(refs("shop/web"), refs("shop/api"), refs("data/db")), g.sleepWaves());
  }

  @Test
  void wakeWavesAreTheForwardOrder() {
    WorkloadGraph g =
        new WorkloadGraph(
            refs("data/db", "shop/api", "shop/web"),
            Map.of(ref("shop/web"), refs("shop/api"), ref("shop/api"), refs("data/db")));
    assertEquals(List.of(refs("data/db"), refs("shop/api"), refs("shop/web")), g.wakeWaves());
  }

  @Test
  void independentWorkloadsShareTheFirstWaveInTheirOrder() {
    WorkloadGraph g =
        new WorkloadGraph(
            refs("a/x", "data/db", "shop/api"), Map.of(ref("shop/api"), refs("data/db")));
    assertEquals(List.of(refs("a/x", "shop/api"), refs("data/db")), g.sleepWaves());
    assertEquals(List.of(refs("a/x", "data/db"), refs("shop/api")), g.wakeWaves());
  }

  @Test
  void aWorkloadWaitsForAllItsDependentsAcrossWaves() {
    // web -> api -> db and web -> db: db goes after api, not in api's wave.
    WorkloadGraph g =
        new WorkloadGraph(
            refs("s/db", "s/api", "s/web"),
            Map.of(ref("s/web"), refs("s/api", "s/db"), ref("s/api"), refs("s/db")));
    assertEquals(List.of(refs("s/web"), refs("s/api"), refs("s/db")), g.sleepWaves());
  }

  @Test
  void workloadsOnlyNamedByEdgesKeepTheOrderButAppearInNoWave() {
    // api -> cache (not selected) -> db: the db still sleeps after the api.
    WorkloadGraph g =
        new WorkloadGraph(
            refs("s/api", "s/db"),
            Map.of(ref("s/api"), refs("s/cache"), ref("s/cache"), refs("s/db")));
    assertEquals(List.of(refs("s/api"), refs("s/db")), g.sleepWaves());
  }

  @Test
  void cycleIsReportedWithItsPath() {
    WorkloadGraph g =
        new WorkloadGraph(
            refs("shop/api", "data/cache"),
            Map.of(ref("shop/api"), refs("data/cache"), ref("data/cache"), refs("shop/api")));
    Optional<List<Ref>> cycle = g.cycle();
    assertTrue(cycle.isPresent());
    assertEquals(
        "dependency cycle: shop/api -> data/cache -> shop/api",
        WorkloadGraph.describe(cycle.get()));
    IllegalStateException e = assertThrows(IllegalStateException.class, g::sleepWaves);
    assertEquals("dependency cycle: shop/api -> data/cache -> shop/api", e.getMessage());
  }

  @Test
  void aWorkloadDependingOnItselfIsACycle() {
    WorkloadGraph g = new WorkloadGraph(refs("s/a"), Map.of(ref("s/a"), refs("s/a")));
    assertEquals("dependency cycle: s/a -> s/a", WorkloadGraph.describe(g.cycle().orElseThrow()));
  }

  @Test
  void aNameAloneMeansTheSameNamespace() {
    assertEquals(new Ref("shop", "db"), Ref.parse("db", "shop"));
    assertEquals(new Ref("data", "db"), Ref.parse(" data/db ", "shop"));
  }

  @Test
  void aRefWithTwoSlashesIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ref.parse("a/b/c", "shop"));
    assertTrue(e.getMessage().contains("'a/b/c' is not a workload"), e.getMessage());
  }

  @Test
  void noEdgesMeansOneWave() {
    WorkloadGraph g = new WorkloadGraph(refs("b/y", "a/x"), Map.of());
    assertEquals(List.of(refs("b/y", "a/x")), g.sleepWaves());
  }
}
