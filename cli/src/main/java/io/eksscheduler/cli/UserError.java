package io.eksscheduler.cli;

import java.util.List;

/** A mistake of the user's (bad input, unknown run): printed without a stack trace, exit 2. */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> lines;
  private final int exitCode;

  UserError(String message) {
    this(List.of(message), ExitCodes.INVALID);
  }

  UserError(List<String> lines, int exitCode) {
    super(String.join("\n", lines));
    this.lines = List.copyOf(lines);
    this.exitCode = exitCode;
  }

  List<String> lines() {
    return lines;
  }

  int exitCode() {
    return exitCode;
  }
}
