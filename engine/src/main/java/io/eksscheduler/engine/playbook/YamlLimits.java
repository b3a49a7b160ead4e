package io.eksscheduler.engine.playbook;

/**
 * Bounds that keep a hostile or broken document from exhausting memory or time.
 *
 * @param maxBytes the largest document accepted
 * @param maxAliases how many aliases of collections a document may use
 * @param maxDepth how deeply collections may nest
 * @param maxNodes how many values the document may expand to, aliases followed
 */
public record YamlLimits(int maxBytes, int maxAliases, int maxDepth, int maxNodes) {

  /** Generous for any real playbook, tiny next to a YAML bomb. */
  public static final YamlLimits DEFAULT = new YamlLimits(4 * 1024 * 1024, 200, 64, 200_000);
}
