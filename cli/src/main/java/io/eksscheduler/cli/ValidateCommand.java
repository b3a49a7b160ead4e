package io.eksscheduler.cli;

import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Checks playbooks and prints every problem at once. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check playbooks: YAML syntax, the schema (playbook and each action's `with`), actions,"
          + " references in expressions, needs and cycles.",
      "Every problem is printed at once as FILE:LINE:COL: message, sorted; exit 2 if any."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler validate playbook.yaml",
      "  eks-scheduler validate clusters/*/hibernate.yaml"
    })
final class ValidateCommand extends AppCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Playbooks to check.")
  List<Path> files;

  @Override
  public Integer call() {
    List<Problem> problems = new ArrayList<>();
    for (Path file : files) {
      PlaybookLoader.Result result = app.loader.load(file, file.toString());
      problems.addAll(result.problems());
    }
    Collections.sort(problems);
    problems.forEach(p -> app.out.println(p));
    if (!problems.isEmpty()) {
      app.err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems"));
      return ExitCodes.INVALID;
    }
    app.out.println(
        files.size() == 1 ? files.get(0) + ": valid" : files.size() + " playbooks valid");
    return ExitCodes.OK;
  }
}
