package io.eksscheduler.engine.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated playbook: its params, its steps and finally steps, and where each came from.
 *
 * @param file the file as the user named it
 * @param name {@code metadata.name}
 * @param description {@code metadata.description}, or empty
 * @param params declared inputs, in declaration order
 * @param concurrency how many steps may run at once
 * @param lock the lock key template, if any
 * @param steps the main steps, in declaration order
 * @param finallySteps the steps run when the run stops with a result
 * @param source the document the playbook was read from, for positions
 */
public record Playbook(
    String file,
    String name,
    String description,
    Map<String, ParamSpec> params,
    int concurrency,
    Optional<String> lock,
    List<Step> steps,
    List<Step> finallySteps,
    YamlTree source) {

  /** The default number of steps running at once. */
  public static final int DEFAULT_CONCURRENCY = 4;

  public Playbook {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    steps = List.copyOf(steps);
    finallySteps = List.copyOf(finallySteps);
  }

  /** Steps and finally steps together, in declaration order. */
  public List<Step> allSteps() {
    List<Step> all = new ArrayList<>(steps);
    all.addAll(finallySteps);
    return all;
  }

  /** The step with this id, from steps or finally. */
  public Optional<Step> step(String id) {
    return allSteps().stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
