package io.eksscheduler.sandbox.aws;

import java.util.Locale;

/** Spelling differences between Kubernetes and the EKS API. */
final class EksNames {

  private EksNames() {}

  /** {@code NoSchedule} → {@code NO_SCHEDULE}. */
  static String taintEffectToApi(String kubernetes) {
    return switch (kubernetes) {
      case "NoSchedule" -> "NO_SCHEDULE";
      case "NoExecute" -> "NO_EXECUTE";
      case "PreferNoSchedule" -> "PREFER_NO_SCHEDULE";
      default -> kubernetes.toUpperCase(Locale.ROOT);
    };
  }

  /** {@code NO_SCHEDULE} → {@code NoSchedule}. */
  static String taintEffectToKubernetes(String api) {
    return switch (api) {
      case "NO_SCHEDULE" -> "NoSchedule";
      case "NO_EXECUTE" -> "NoExecute";
      case "PREFER_NO_SCHEDULE" -> "PreferNoSchedule";
      default -> api;
    };
  }
}
