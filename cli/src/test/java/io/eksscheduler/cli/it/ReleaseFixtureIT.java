package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that what a stop of the previous release left when it was killed halfway (its run, in a
 * state directory or in the cluster store, the objects it annotated and changed, the Nodes it
 * cordoned, the node group it tagged) is read by this version: {@code stop} continues that run, not
 * a fresh one, and ends it as an uninterrupted stop ends (the originals in the ledger and on the
 * objects and groups those of before the stop); then {@code start} brings the cluster back exactly
 * as it was, with no marker of the tool left. The fixture, under {@value ReleaseFixture#RESOURCE},
 * is put on a fresh dev scenario, and the next test class finds a fresh one too.
 */
@ExtendWith(SandboxExtension.class)
class ReleaseFixtureIT {
  private static final Path WORK = Path.of("target", "release-fixture-it");

  /** The Leases of the runs in the cluster store, and those of the fixture once loaded. */
  private static final Duration LEASE = Duration.ofSeconds(6);

  /** The fixture is older than the 12 h within which a stop continues a run by default. */
  private static final String CONTINUE_WITHIN = "100000h";

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  /** Puts the fixture on the sandbox, its run where {@code runs} look for it. */
  private interface Loader {
    void load(Path fixture) throws IOException;
  }

  @Test
  void aStopOfTheReleaseKilledWhileScalingResumesAndWakesAfterTheChange(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    Path work = WORK.resolve("state-dir");
    WakeRuns runs = new WakeRuns(sandbox, work);
    resumeAndWake(sandbox, runs, f -> ReleaseFixture.load(sandbox, f, work.resolve("state")));
  }

  /**
   * The same stop of the release, with its run in the cluster store (the default of {@code stop}
   * and {@code start}): this version reads the release's Secret, takes its dead runner's Leases
   * over, continues the run and wakes the cluster.
   */
  @Test
  void theSameStopKeptInTheClusterResumesAndWakesAfterTheChange(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    WakeRuns runs = new WakeRuns(StopRuns.clusterStore(sandbox, WORK.resolve("cluster"), LEASE));
    StopRuns.Finished stop =
        resumeAndWake(
            sandbox, runs, f -> ReleaseFixture.loadInCluster(sandbox, f, LEASE.toSeconds()));
    assertTrue(
        stop.output().contains("lock 'cluster/dev' is held by run release-stop (pid 17092 on vm"),
        "the release's Lease and its holder are read: " + stop);
  }

  /** Continues the fixture's stop, wakes the cluster, checks both; returns the stop. */
  private static StopRuns.Finished resumeAndWake(TestSandbox sandbox, WakeRuns runs, Loader loader)
      throws Exception {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    ReleaseFixture.asTheReleaseFoundIt(sandbox);
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    WakeSnapshot before = WakeSnapshot.capture(sandbox);
    ClusterSnapshot scenario = ClusterSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    loader.load(fixture());
    assertEquals(List.of(ReleaseFixture.RUN_ID), runs.runIds(), "the runs of the fixture");

    // The release's drain left CoreDNS on its node (leave-to-termination, its stock playbook then),
    // so EKS holds that node for its PodDisruptionBudget limit: 150 s simulated here, not 900.
    sandbox.simulatorAdmin("settings", "{\"evictionTimeoutSeconds\":150}");
    // The stock hibernate playbook changed since the release (its drain now deletes CoreDNS's pod
    // rather than leave it): without --allow-changed the stop refuses (exit 2) and says so; with
    // it, the run's steps are matched by id and only scale-to-zero is left to run.
    StopRuns.Finished stop =
        runs.run("stop", null, runs.stop("--continue-within", CONTINUE_WITHIN, "--allow-changed"));
    sandbox.simulatorAdmin("settings", "{\"evictionTimeoutSeconds\":900}");
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(
        stop.output().contains("continuing unfinished run " + ReleaseFixture.RUN_ID)
            && stop.output().contains("with the playbook as given now (--allow-changed)"),
        stop.toString());
    assertEquals(List.of(ReleaseFixture.RUN_ID), runs.runIds(), "runs after the stop");
    RunState stopped = runs.state(ReleaseFixture.RUN_ID).orElseThrow();
    StoppedCluster.assertHibernated(sandbox, scenario, stopped);
    WakeChecks.awaitNoNode(kube, WakeCycle.SETTLE);
    String refusal = WakeDeadlock.enter(kube);
    System.err.println("[release-fixture] stopped; deadlock entered: " + refusal);

    StopRuns.Finished start = runs.run("start", null, runs.start("--run-id", "fixture-start"));
    assertEquals(0, start.code(), start.toString());
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    List<String> problems = WakeCycle.differencesFrom(sandbox, before, markers);
    StopRuns.Finished status = runs.run("status", null, runs.status());
    if (status.code() != 0 || !status.output().contains("cluster dev: awake")) {
      problems.add("status after the start: " + status);
    }
    System.err.printf(
        "[release-fixture] stop %d ms, start %d ms%n",
        stop.took().toMillis(), start.took().toMillis());
    assertEquals(List.of(), problems, "the cluster after stop and start, against before the stop");
    return stop;
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(
                ReleaseFixtureIT.class.getClassLoader().getResource(ReleaseFixture.RESOURCE),
                ReleaseFixture.RESOURCE)
            .toURI());
  }
}
