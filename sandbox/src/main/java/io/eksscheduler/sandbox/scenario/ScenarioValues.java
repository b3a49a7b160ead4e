package io.eksscheduler.sandbox.scenario;

import java.util.Map;

/** The values a scenario template may use as {@code ${sandbox.NAME}}. */
public record ScenarioValues(int webhookPort, String caBundle) {

  /** Placeholder values for parsing a scenario before a sandbox exists (e.g. to list nodes). */
  public static final ScenarioValues PREVIEW = new ScenarioValues(65535, "");

  public Map<String, String> asMap() {
    return Map.of("webhookPort", Integer.toString(webhookPort), "caBundle", caBundle);
  }
}
