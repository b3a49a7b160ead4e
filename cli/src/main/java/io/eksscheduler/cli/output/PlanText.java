package io.eksscheduler.cli.output;

import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.state.StepState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dry-run as text a person reads: per step its changes, what it keeps as it is, and one line per
 * predicted output, long lists summarised with their count ({@code --output json} gives them in
 * full) and outputs that may differ from the run's said so with why.
 */
final class PlanText {
  /** Change lines shown per step; the rest are counted. */
  static final int CHANGE_LINES = 20;

  /** Lines of what a step keeps as it is shown per step; the rest are counted. */
  static final int UNCHANGED_LINES = 5;

  /** Items of a list output shown; the rest are counted. */
  static final int LIST_ITEMS = 3;

  /** Characters of a text output shown; the rest are counted. */
  static final int TEXT_CHARS = 100;

  private static final String STEP = "  ";
  private static final String DETAIL = "      ";

  private PlanText() {}

  /** Prints the preview of every step, by wave, then finally. */
  static void print(
      PrintWriter out,
      Playbook playbook,
      Map<String, Object> params,
      List<DryRun.StepPreview> previews) {
    out.println("dry-run of playbook " + playbook.name() + ": nothing will change");
    if (!params.isEmpty()) {
      List<String> p = new ArrayList<>();
      params.forEach((k, v) -> p.add(k + "=" + v));
      out.println("params: " + String.join(", ", p));
    }
    int wave = -1;
    boolean inFinally = false;
    for (DryRun.StepPreview preview : previews) {
      Step step = preview.step();
      if (step.inFinally() && !inFinally) {
        inFinally = true;
        out.println("finally");
      } else if (!step.inFinally() && preview.wave() != wave) {
        wave = preview.wave();
        out.println("wave " + (wave + 1));
      }
      step(preview).forEach(out::println);
    }
    out.flush();
  }

  /** The lines of one step's preview. */
  static List<String> step(DryRun.StepPreview preview) {
    Step step = preview.step();
    String head = STEP + step.id() + " (" + step.action() + ")";
    List<String> lines = new ArrayList<>();
    if (preview.kept() != null) {
      StepState kept = preview.kept();
      lines.add(head + ": " + kept.status().label() + " in the run it continues, kept");
      lines.addAll(outputs("stored", kept.outputs(), Map.of()));
    } else if (preview.skipped()) {
      lines.add(head + ": skipped, when is false");
    } else if (preview.error() != null) {
      lines.add(head + ": cannot plan: " + preview.error());
    } else {
      lines.add(head);
      lines.addAll(plan(preview.plan().orElseThrow()));
    }
    return lines;
  }

  /** A plan's changes, what it keeps as it is, and its predicted outputs. */
  static List<String> plan(Plan plan) {
    List<String> lines = new ArrayList<>();
    if (plan.changes().isEmpty()) {
      lines.add(DETAIL + "no change");
    }
    capped(plan.changes(), CHANGE_LINES, DETAIL, "changes", "change", lines);
    if (!plan.unchanged().isEmpty()) {
      lines.add(DETAIL + "kept as they are: " + plan.unchanged().size());
      capped(plan.unchanged(), UNCHANGED_LINES, DETAIL + "  ", "kept", "one", lines);
    }
    lines.addAll(outputs("predicted", plan.predictedOutputs(), plan.inexact()));
    return lines;
  }

  private static void capped(
      List<String> all, int shown, String indent, String more, String each, List<String> lines) {
    all.stream().limit(shown).forEach(l -> lines.add(indent + l));
    if (all.size() > shown) {
      lines.add(
          indent
              + "… and "
              + (all.size() - shown)
              + " more "
              + more
              + " (--output json lists every "
              + each
              + ")");
    }
  }

  /** One line per output: {@code predicted KEY: VALUE}, with why it may differ if it may. */
  static List<String> outputs(
      String label, Map<String, Object> outputs, Map<String, String> inexact) {
    List<String> lines = new ArrayList<>();
    outputs.forEach(
        (key, value) -> {
          String why = inexact.get(key);
          lines.add(
              DETAIL
                  + label
                  + " "
                  + key
                  + ": "
                  + value(value)
                  + (why == null ? "" : " (inexact: " + why + ")"));
        });
    return lines;
  }

  /** A value in a few words: lists by their count and first items, long text cut. */
  static String value(Object value) {
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return "none";
      }
      if (list.stream().allMatch(item -> item instanceof List<?>)) {
        List<String> sizes = new ArrayList<>();
        list.forEach(item -> sizes.add(String.valueOf(((List<?>) item).size())));
        return list.size() + " lists of " + String.join(", ", sizes) + " items";
      }
      List<String> items = new ArrayList<>();
      list.stream().limit(LIST_ITEMS).forEach(item -> items.add(value(item)));
      if (list.size() > LIST_ITEMS) {
        items.add("… " + (list.size() - LIST_ITEMS) + " more");
      }
      return list.size() + " (" + String.join(", ", items) + ")";
    }
    if (value instanceof String text) {
      return text.isEmpty() ? "\"\"" : shortText(text.replace("\n", "\\n"));
    }
    return shortText(String.valueOf(value));
  }

  private static String shortText(String text) {
    return text.length() <= TEXT_CHARS
        ? text
        : text.substring(0, TEXT_CHARS) + "… (" + text.length() + " characters)";
  }
}
