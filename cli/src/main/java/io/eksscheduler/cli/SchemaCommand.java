package io.eksscheduler.cli;

import io.eksscheduler.engine.playbook.PlaybookLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints the playbook JSON Schema (or one of the schemas it refers to). */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the playbook JSON Schema (draft-07), the one the validator uses.",
      "It refers to common.schema.json and actions/NAME.schema.json beside it; name one to print"
          + " it. For editor support, put the files side by side and start a playbook with"
          + " `# yaml-language-server: $schema=PATH/playbook.schema.json`."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler schema > playbook.schema.json",
      "  eks-scheduler schema actions/exec.schema.json"
    })
final class SchemaCommand extends AppCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description = "A schema file under schemas/, e.g. actions/exec.schema.json.")
  String name;

  @Override
  public Integer call() throws IOException {
    String resource =
        name == null ? PlaybookLoader.PLAYBOOK_SCHEMA : "schemas/" + name.replaceFirst("^/+", "");
    if (resource.contains("..")) {
      throw new UserError("no schema named " + name);
    }
    try (InputStream in = SchemaCommand.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new UserError("no schema named " + name);
      }
      app.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      app.out.flush();
    }
    return ExitCodes.OK;
  }
}
