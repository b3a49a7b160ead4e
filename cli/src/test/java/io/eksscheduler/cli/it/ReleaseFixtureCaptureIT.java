package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes the fixture {@link ReleaseFixtureIT} loads: the dev scenario stopped by the release jar
 * named by {@code -Deks.fixture.releaseJar=PATH} (built from the release's tag), killed at crash
 * point {@value ReleaseFixture#CRASH_AT}, then read back: its state directory, every Kubernetes
 * object it changed, the Nodes it cordoned, and its node groups' and Auto Scaling groups' sizes,
 * suspended processes and tags. Skipped unless that property is set; it writes under {@code
 * -Deks.fixture.out=DIR} (default {@code target/release-fixture}), for a person to review and copy
 * to {@code src/test/resources/}{@value ReleaseFixture#RESOURCE}.
 */
@ExtendWith(SandboxExtension.class)
@EnabledIfSystemProperty(named = "eks.fixture.releaseJar", matches = ".+")
class ReleaseFixtureCaptureIT {
  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void writesTheFixtureOfAStopOfTheReleaseKilledWhileItScalesTheNodeGroups(TestSandbox sandbox)
      throws Exception {
    Path jar = Path.of(System.getProperty("eks.fixture.releaseJar")).toAbsolutePath();
    Path out = Path.of(System.getProperty("eks.fixture.out", "target/release-fixture"));
    sandbox.reset();
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    WakeSnapshot before = WakeSnapshot.capture(sandbox);

    StopRuns runs = new StopRuns(sandbox, out);
    Path state = out.resolve("state");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Deks-scheduler.crash-at=" + ReleaseFixture.CRASH_AT);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(ReleaseFixture.releaseStop(state));
    Path log = out.resolve("logs").resolve("release-stop.log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(sandbox.sandbox().environment().variables());
    Process stop = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(stop.waitFor(6, TimeUnit.MINUTES), "the release's stop still running");
    String output = Files.readString(log);
    assertEquals(StopRuns.KILLED, stop.exitValue(), output);
    assertTrue(output.contains("crash point reached: " + ReleaseFixture.CRASH_AT), output);
    assertEquals(List.of(ReleaseFixture.RUN_ID), runs.runIds(), "the runs the release wrote");

    ReleaseFixture.capture(sandbox, before).write(out);
    System.err.println("[release-fixture] written to " + out.toAbsolutePath() + ":\n" + output);
    System.err.println("[release-fixture] command: " + String.join(" ", command));
  }
}
