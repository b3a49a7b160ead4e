package io.eksscheduler.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that starts a run. */
final class RunOptions {
  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description = "Set a param (repeatable); the value is checked against the declared type.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--params-file",
      paramLabel = "FILE",
      description = "A YAML or JSON mapping of param values; -p wins over it.")
  Path paramsFile;

  @Option(
      names = "--dry-run",
      description = "Show what each step would change, from live state; change nothing.")
  boolean dryRun;

  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Choose the run's id, e.g. a CI job id (default: a sortable unique id).")
  String runId;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (default; live progress on a terminal) or json (one object per line).")
  OutputFormat output = OutputFormat.text;

  /** How a run is shown. */
  enum OutputFormat {
    text,
    json
  }
}
