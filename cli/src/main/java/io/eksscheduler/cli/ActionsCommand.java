package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.OutputSpec;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Lists the registered actions and describes each one's parameters and outputs. */
@Command(
    name = "actions",
    mixinStandardHelpOptions = true,
    description = "List the actions a playbook can use, or describe one.",
    subcommands = {ActionsCommand.ListActions.class, ActionsCommand.Describe.class})
final class ActionsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every registered action with what it does.")
  static final class ListActions extends AppCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      for (Action<?> a : app.actions.all()) {
        app.out.println(String.format("%-22s %s", a.name(), a.description()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Describe an action: its parameters (from its schema) and its outputs.",
      footer = {"%nExamples:", "  eks-scheduler actions describe exec"})
  static final class Describe extends AppCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Action<?> action =
          app.actions
              .find(name)
              .orElseThrow(
                  () ->
                      new UserError(
                          "unknown action '"
                              + name
                              + "'"
                              + app.actions
                                  .suggest(name)
                                  .map(s -> " (did you mean '" + s + "'?)")
                                  .orElse(" (eks-scheduler actions list shows them all)")));
      JsonNode schema = app.schemas.schema(action.withSchema()).getSchemaNode();
      app.out.println(action.name() + ": " + action.description());
      app.out.println();
      app.out.println("with:");
      Set<String> required = new java.util.HashSet<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
      if (!props.hasNext()) {
        app.out.println("  (no parameters)");
      }
      while (props.hasNext()) {
        Map.Entry<String, JsonNode> p = props.next();
        app.out.println(
            String.format(
                "  %-22s %s%s",
                p.getKey(),
                required.contains(p.getKey()) ? "(required) " : "",
                p.getValue().path("description").asText("")));
      }
      app.out.println();
      app.out.println("outputs:");
      if (action.outputs().isEmpty()) {
        app.out.println("  (none)");
      }
      for (OutputSpec o : action.outputs()) {
        app.out.println(
            String.format(
                "  %-22s %-8s %s%s",
                o.name(),
                o.type().label(),
                o.description(),
                o.sequence() ? " (in order; other lists are sorted)" : ""));
      }
      app.out.println();
      app.out.println("schema: " + action.withSchema());
      return ExitCodes.OK;
    }
  }
}
