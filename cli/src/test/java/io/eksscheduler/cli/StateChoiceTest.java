package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateChoiceTest {
  private static StoreOptions options(String state, Path dir) {
    StoreOptions o = new StoreOptions();
    o.state = state;
    o.stateDir = dir;
    return o;
  }

  @Test
  void stateWinsOverEverythingElse() {
    StateChoice c =
        StateChoice.resolve(
            options("kubernetes:runs", null),
            Map.of("EKS_SCHEDULER_STATE", "dir:/x", "EKS_SCHEDULER_STATE_DIR", "/y"),
            StateChoice.Kind.DIR);
    assertEquals(StateChoice.kubernetes("runs"), c);
  }

  @Test
  void stateDirWinsOverTheEnvironment() {
    StateChoice c =
        StateChoice.resolve(
            options(null, Path.of("/d")),
            Map.of("EKS_SCHEDULER_STATE", "kubernetes"),
            StateChoice.Kind.KUBERNETES);
    assertEquals(StateChoice.dir(Path.of("/d")), c);
  }

  @Test
  void theStateVariableWinsOverTheStateDirVariable() {
    StateChoice c =
        StateChoice.resolve(
            options(null, null),
            Map.of("EKS_SCHEDULER_STATE", "kubernetes", "EKS_SCHEDULER_STATE_DIR", "/y"),
            StateChoice.Kind.DIR);
    assertEquals(StateChoice.kubernetes("eks-scheduler"), c);
  }

  @Test
  void theStateDirVariableWinsOverTheCommandsDefault() {
    StateChoice c =
        StateChoice.resolve(
            options(null, null),
            Map.of("EKS_SCHEDULER_STATE_DIR", "/y"),
            StateChoice.Kind.KUBERNETES);
    assertEquals(StateChoice.dir(Path.of("/y")), c);
  }

  @Test
  void theCommandsDefaultComesLast() {
    assertEquals(
        StateChoice.kubernetes("eks-scheduler"),
        StateChoice.resolve(options(null, null), Map.of(), StateChoice.Kind.KUBERNETES));
    assertEquals(
        StateChoice.dir(Path.of(".eks-scheduler")),
        StateChoice.resolve(options(null, null), Map.of(), StateChoice.Kind.DIR));
  }

  @Test
  void bothFlagsAtOnceAreAUsageError() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                StateChoice.resolve(options("dir", Path.of("/d")), Map.of(), StateChoice.Kind.DIR));
    assertEquals(ExitCodes.INVALID, e.exitCode());
  }

  @Test
  void dirAloneIsTheDefaultDirectory() {
    assertEquals(StateChoice.dir(Path.of(".eks-scheduler")), StateChoice.parse("dir", "--state"));
    assertEquals(StateChoice.dir(Path.of("/s")), StateChoice.parse("dir:/s", "--state"));
  }

  @Test
  void aBadStoreOrNamespaceIsNamedWithWhereItCameFrom() {
    UserError store =
        assertThrows(UserError.class, () -> StateChoice.parse("s3:bucket", "EKS_SCHEDULER_STATE"));
    assertTrue(store.getMessage().startsWith("EKS_SCHEDULER_STATE: 's3:bucket' is not a store"));
    UserError ns =
        assertThrows(UserError.class, () -> StateChoice.parse("kubernetes:Runs_1", "--state"));
    assertTrue(ns.getMessage().contains("'Runs_1' is not a namespace name"), ns.getMessage());
  }
}
