package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a playbook and reports every problem in it at once: YAML syntax, duplicate keys, schema
 * violations of the playbook and of each action's {@code with}, unknown actions, unknown or
 * unreachable references, duplicate ids, cycles, bad durations.
 */
public final class PlaybookLoader {
  /** The schema every playbook is checked against. */
  public static final String PLAYBOOK_SCHEMA = "schemas/playbook.schema.json";

  /** Where the playbook schema picks each step's {@code with} schema by its action. */
  private static final String STEP_WITH_BY_ACTION = "/definitions/step/allOf";

  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final YamlLimits limits;

  public PlaybookLoader(ActionRegistry actions, SchemaCheck schemas, YamlLimits limits) {
    this.actions = actions;
    this.schemas = schemas;
    this.limits = limits;
  }

  /**
   * The outcome of loading: the playbook when there was no problem, and the problems sorted by
   * position.
   */
  public record Result(Optional<Playbook> playbook, List<Problem> problems) {
    public Result {
      List<Problem> sorted = new ArrayList<>(problems);
      Collections.sort(sorted);
      problems = List.copyOf(sorted);
    }

    /** True when the playbook loaded without problems. */
    public boolean ok() {
      return problems.isEmpty() && playbook.isPresent();
    }
  }

  /** Loads the playbook file at {@code path}, naming it {@code file} in problems. */
  public Result load(Path path, String file) {
    List<Problem> problems = new ArrayList<>();
    Optional<String> text = YamlReader.readText(path, file, limits, problems);
    return text.isPresent() ? load(text.get(), file) : new Result(Optional.empty(), problems);
  }

  /** Loads a playbook from {@code text}, naming it {@code file} in problems. */
  public Result load(String text, String file) {
    List<Problem> problems = new ArrayList<>();
    Optional<YamlTree> read = new YamlReader(limits).read(file, text, problems);
    if (read.isEmpty()) {
      return new Result(Optional.empty(), problems);
    }
    YamlTree tree = read.get();
    if (!tree.root().isObject()) {
      problems.add(
          Problem.at(file, Position.START, "a playbook is a mapping with apiVersion, kind, ..."));
      return new Result(Optional.empty(), problems);
    }
    // Each step's `with` is checked by PlaybookChecks against its action's own schema, once;
    // the schema's dispatch of `with` by action (one if/then per action, for editors) would
    // check it again and cost time with every step, so it is left out here.
    problems.addAll(
        schemas.check(
            schemas.schemaWithout(PLAYBOOK_SCHEMA, STEP_WITH_BY_ACTION),
            tree.root(),
            file,
            tree,
            "",
            pointer -> pointer.matches("/(steps|finally)/[0-9]+/with(/.*)?")));
    Builder builder = new Builder(file, tree, problems);
    Playbook playbook = builder.build();
    new PlaybookChecks(file, tree, actions, schemas, playbook, problems).run();
    return new Result(problems.isEmpty() ? Optional.of(playbook) : Optional.empty(), problems);
  }

  /** Builds the model from a tree that may still hold errors, reporting what it must skip. */
  private final class Builder {
    private final String file;
    private final YamlTree tree;
    private final List<Problem> problems;
    private final JsonNode root;

    Builder(String file, YamlTree tree, List<Problem> problems) {
      this.file = file;
      this.tree = tree;
      this.problems = problems;
      this.root = tree.root();
    }

    Playbook build() {
      JsonNode metadata = root.path("metadata");
      Map<String, ParamSpec> params = params(root.path("params"));
      JsonNode defaults = root.path("defaults");
      List<Step> steps = steps(root.path("steps"), "/steps", defaults, false);
      List<Step> finallySteps = steps(root.path("finally"), "/finally", defaults, true);
      int concurrency =
          root.path("concurrency").canConvertToInt()
              ? Math.max(1, root.path("concurrency").asInt())
              : Playbook.DEFAULT_CONCURRENCY;
      Optional<String> lock =
          root.path("lock").isTextual()
              ? Optional.of(root.path("lock").asText())
              : Optional.empty();
      return new Playbook(
          file,
          metadata.path("name").asText(""),
          metadata.path("description").asText(""),
          params,
          concurrency,
          lock,
          steps,
          finallySteps,
          tree);
    }

    private Map<String, ParamSpec> params(JsonNode node) {
      Map<String, ParamSpec> params = new LinkedHashMap<>();
      if (!node.isObject()) {
        return params;
      }
      node.fields()
          .forEachRemaining(
              e -> {
                JsonNode spec = e.getValue();
                ValueType type = typeOf(spec.path("type").asText("string"));
                Optional<Object> defaultValue = Optional.empty();
                JsonNode def = spec.get("default");
                String pointer = "/params/" + YamlTree.segment(e.getKey()) + "/default";
                if (def != null && !def.isNull()) {
                  Optional<Object> converted = ParamValues.fromJson(def, type);
                  if (converted.isEmpty()) {
                    problems.add(
                        Problem.at(
                            file,
                            tree.valueAt(pointer),
                            "params."
                                + e.getKey()
                                + ".default: "
                                + def
                                + " is not "
                                + ValueType.article(type)));
                  }
                  defaultValue = converted;
                }
                params.put(
                    e.getKey(),
                    new ParamSpec(
                        e.getKey(),
                        type,
                        spec.path("required").asBoolean(false),
                        defaultValue,
                        spec.path("description").asText("")));
              });
      return params;
    }

    private List<Step> steps(JsonNode node, String base, JsonNode defaults, boolean inFinally) {
      List<Step> steps = new ArrayList<>();
      if (!node.isArray()) {
        return steps;
      }
      for (int i = 0; i < node.size(); i++) {
        JsonNode s = node.get(i);
        String pointer = base + "/" + i;
        if (!s.isObject() || !s.path("id").isTextual() || !s.path("action").isTextual()) {
          continue;
        }
        List<String> needs = new ArrayList<>();
        s.path("needs").forEach(n -> needs.add(n.asText()));
        Duration timeout = duration(s, defaults, "timeout", pointer).orElse(Step.DEFAULT_TIMEOUT);
        Optional<Duration> deadline = duration(s, defaults, "deadline", pointer);
        JsonNode retry = s.has("retry") ? s.get("retry") : defaults.path("retry");
        RetryPolicy policy =
            new RetryPolicy(
                Math.max(1, retry.path("attempts").asInt(1)),
                Durations.parse(retry.path("backoff").asText("10s"))
                    .orElse(RetryPolicy.NONE.backoff()),
                Durations.parse(retry.path("maxBackoff").asText("5m"))
                    .orElse(RetryPolicy.NONE.maxBackoff()));
        String onFailure =
            s.has("onFailure")
                ? s.path("onFailure").asText()
                : defaults.path("onFailure").asText("abort");
        JsonNode when = s.has("when") ? s.get("when") : JsonNodeFactory.instance.booleanNode(true);
        JsonNode with = s.has("with") ? s.get("with") : JsonNodeFactory.instance.objectNode();
        steps.add(
            new Step(
                s.get("id").asText(),
                s.path("name").asText(s.get("id").asText()),
                s.get("action").asText(),
                with,
                needs,
                when,
                timeout,
                deadline,
                policy,
                "continue".equals(onFailure) ? Step.OnFailure.CONTINUE : Step.OnFailure.ABORT,
                inFinally,
                pointer));
      }
      return steps;
    }

    private Optional<Duration> duration(
        JsonNode step, JsonNode defaults, String key, String pointer) {
      JsonNode value = step.has(key) ? step.get(key) : defaults.get(key);
      if (value == null || !value.isTextual()) {
        return Optional.empty();
      }
      // A malformed duration was already reported by the schema; fall back to the default here.
      return Durations.parse(value.asText());
    }
  }

  static ValueType typeOf(String name) {
    switch (name) {
      case "integer":
        return ValueType.INTEGER;
      case "number":
        return ValueType.NUMBER;
      case "boolean":
        return ValueType.BOOLEAN;
      default:
        return ValueType.STRING;
    }
  }
}
