package io.eksscheduler.cli;

import picocli.CommandLine.Option;

/** A command that uses the wired application. */
abstract class AppCommand {
  App app;

  @Option(names = "--verbose", description = "Show stack traces of unexpected errors.")
  boolean verbose;
}
