package io.eksscheduler.sandbox.controlplane;

import io.eksscheduler.sandbox.scenario.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Renders the KWOK stage configuration from the {@code kwok-stages.yaml} resource: how fast nodes
 * turn Ready, pods start and Jobs finish (simulated delays divided by the speed factor), and pod
 * deletion exactly at the end of the grace period.
 */
public final class KwokStages {

  /** Pod annotation holding a workload's own start-to-Ready delay, e.g. {@code "20s"}. */
  public static final String READY_AFTER = "sandbox.eks-scheduler.io/ready-after";

  /** Pod annotation holding how long a Job's pod runs before it succeeds, e.g. {@code "2h"}. */
  public static final String COMPLETE_AFTER = "sandbox.eks-scheduler.io/complete-after";

  /** A node's kubelet registering and reporting Ready, at real time. */
  public static final Duration NODE_READY = Duration.ofSeconds(1);

  /** A container being pulled, started and passing its readiness probe, at real time. */
  public static final Duration POD_READY = Duration.ofSeconds(2);

  /** A Job's pod running to completion, at real time. */
  public static final Duration JOB_COMPLETE = Duration.ofSeconds(10);

  private static final String RESOURCE = "/io/eksscheduler/sandbox/kwok-stages.yaml";

  private KwokStages() {}

  /** The stage YAML for KWOK's {@code --config} at {@code speed}. */
  public static String render(Speed speed) {
    Map<String, String> values =
        Map.of(
            "speed", speed.jqLiteral(),
            "nodeReadyMillis", Long.toString(speed.scaledMillis(NODE_READY)),
            "podReadyMillis", Long.toString(speed.scaledMillis(POD_READY)),
            "jobCompleteMillis", Long.toString(speed.scaledMillis(JOB_COMPLETE)),
            "readyAfterExpression", annotationDelay(READY_AFTER, speed),
            "completeAfterExpression", annotationDelay(COMPLETE_AFTER, speed),
            "kubernetesVersion", ControlPlaneBinaries.KUBERNETES_VERSION,
            "kwokVersion", ControlPlaneBinaries.KWOK_VERSION);
    return Template.render("kwok-stages.yaml", resource(), values);
  }

  /**
   * A jq expression (KWOK evaluates it with gojq) that turns a duration annotation into
   * milliseconds divided by the speed, as a Go duration string. A missing or malformed annotation
   * yields no output, and KWOK then uses the stage's default delay.
   */
  static String annotationDelay(String annotation, Speed speed) {
    return "(.metadata.annotations[\""
        + annotation
        + "\"] // empty)"
        + " | capture(\"^(?<n>[0-9]+([.][0-9]+)?)(?<u>ms|s|m|h)$\")"
        + " | ((((.n | tonumber) * ({\"ms\": 1, \"s\": 1000, \"m\": 60000, \"h\": 3600000}[.u]))"
        + " / "
        + speed.jqLiteral()
        + " | floor | tostring) + \"ms\")";
  }

  private static String resource() {
    try (InputStream in = KwokStages.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }
}
