package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An IAM identity-based policy as the simulator enforces it, so that a policy document meant for
 * AWS can be proven least-privilege in the sandbox: Allow and Deny statements with {@code
 * Action}/{@code NotAction} and {@code Resource}/{@code NotResource} (wildcards {@code *} and
 * {@code ?}), and {@code Condition} blocks with the string operators and {@code Null}, optionally
 * {@code ForAllValues:}/{@code ForAnyValue:} and {@code ...IfExists}. An explicit Deny wins, else a
 * matching Allow, else the call is implicitly denied: IAM's evaluation of one identity-based policy
 * (no boundaries, SCPs or session policies). What the simulator could not evaluate faithfully is
 * refused when the policy is parsed, never ignored.
 */
public final class IamPolicy {

  /** The outcome of evaluating one request. */
  public enum Decision {
    ALLOW,
    IMPLICIT_DENY,
    EXPLICIT_DENY
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
  private static final Set<String> STATEMENT_ELEMENTS =
      Set.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition");
  private static final Set<String> OPERATORS =
      Set.of(
          "stringequals",
          "stringnotequals",
          "stringequalsignorecase",
          "stringnotequalsignorecase",
          "stringlike",
          "stringnotlike",
          "null");

  /** How a condition treats a key with several values. */
  private enum SetQualifier {
    NONE,
    FOR_ALL_VALUES,
    FOR_ANY_VALUE
  }

  private record Condition(
      String operator, SetQualifier set, boolean ifExists, String key, List<String> values) {}

  private record Statement(
      boolean allow,
      List<Pattern> actions,
      boolean notAction,
      List<Pattern> resources,
      boolean notResource,
      List<Condition> conditions) {}

  private final String document;
  private final List<Statement> statements;

  private IamPolicy(String document, List<Statement> statements) {
    this.document = document;
    this.statements = List.copyOf(statements);
  }

  /**
   * Parses a policy document.
   *
   * @throws IllegalArgumentException naming the element that is not valid or not supported
   */
  public static IamPolicy parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the policy is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the policy must be a JSON object");
    }
    root.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("Version") && !f.equals("Id") && !f.equals("Statement")) {
                throw new IllegalArgumentException("unknown policy element '" + f + "'");
              }
            });
    if (root.has("Version") && !VERSIONS.contains(root.get("Version").asText())) {
      throw new IllegalArgumentException(
          "Version must be 2012-10-17 or 2008-10-17, not '" + root.get("Version").asText() + "'");
    }
    JsonNode body = root.path("Statement");
    if (body.isMissingNode()) {
      throw new IllegalArgumentException("the policy has no Statement");
    }
    List<Statement> statements = new ArrayList<>();
    int index = 0;
    for (JsonNode s : body.isArray() ? body : JSON.createArrayNode().add(body)) {
      statements.add(statement(s, "Statement[" + index++ + "]"));
    }
    try {
      return new IamPolicy(JSON.writeValueAsString(root), statements);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The document, compact. */
  public String json() {
    return document;
  }

  /**
   * Whether this policy lets {@code action} (e.g. {@code eks:DescribeCluster}) act on {@code
   * resource} (an ARN, or {@code *} for actions without resource-level permissions), given the
   * request's condition context (keys such as {@code aws:ResourceTag/team}, any case).
   */
  public Decision evaluate(String action, String resource, Map<String, List<String>> context) {
    Map<String, List<String>> keys = new java.util.HashMap<>();
    context.forEach((k, v) -> keys.put(k.toLowerCase(Locale.ROOT), v));
    boolean allowed = false;
    for (Statement s : statements) {
      if (applies(s, action, resource, keys)) {
        if (!s.allow()) {
          return Decision.EXPLICIT_DENY;
        }
        allowed = true;
      }
    }
    return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
  }

  private static boolean applies(
      Statement s, String action, String resource, Map<String, List<String>> context) {
    boolean actionMatches = s.actions().stream().anyMatch(p -> p.matcher(action).matches());
    boolean resourceMatches = s.resources().stream().anyMatch(p -> p.matcher(resource).matches());
    return actionMatches != s.notAction()
        && resourceMatches != s.notResource()
        && s.conditions().stream().allMatch(c -> holds(c, context.get(c.key())));
  }

  private static boolean holds(Condition c, List<String> present) {
    boolean absent = present == null || present.isEmpty();
    if (c.operator().equals("null")) {
      // "true": the key must be absent; "false": present.
      return c.values().stream().anyMatch(v -> Boolean.parseBoolean(v) == absent);
    }
    boolean negated = c.operator().contains("not");
    if (absent) {
      if (c.ifExists()) {
        return true;
      }
      return switch (c.set()) {
        case FOR_ALL_VALUES -> true;
        case FOR_ANY_VALUE -> false;
        case NONE -> negated;
      };
    }
    return switch (c.set()) {
      case FOR_ALL_VALUES -> present.stream().allMatch(v -> matches(c, v) != negated);
      case FOR_ANY_VALUE -> present.stream().anyMatch(v -> matches(c, v) != negated);
      case NONE ->
          negated
              ? present.stream().noneMatch(v -> matches(c, v))
              : present.stream().anyMatch(v -> matches(c, v));
    };
  }

  /** True when {@code value} equals (or is like) one of the condition's values. */
  private static boolean matches(Condition c, String value) {
    String op = c.operator();
    for (String expected : c.values()) {
      boolean hit =
          switch (op) {
            case "stringequals", "stringnotequals" -> expected.equals(value);
            case "stringequalsignorecase", "stringnotequalsignorecase" ->
                expected.equalsIgnoreCase(value);
            default -> glob(expected, false).matcher(value).matches();
          };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private static Statement statement(JsonNode s, String where) {
    if (!s.isObject()) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    s.fieldNames()
        .forEachRemaining(
            f -> {
              if (!STATEMENT_ELEMENTS.contains(f)) {
                throw new IllegalArgumentException(
                    where
                        + ": element '"
                        + f
                        + "' is not supported in an identity-based policy by the sandbox");
              }
            });
    String effect = s.path("Effect").asText("");
    if (!effect.equals("Allow") && !effect.equals("Deny")) {
      throw new IllegalArgumentException(where + ": Effect must be Allow or Deny");
    }
    boolean notAction = s.has("NotAction");
    if (notAction == s.has("Action")) {
      throw new IllegalArgumentException(where + ": needs exactly one of Action and NotAction");
    }
    boolean notResource = s.has("NotResource");
    if (notResource == s.has("Resource")) {
      throw new IllegalArgumentException(where + ": needs exactly one of Resource and NotResource");
    }
    List<Pattern> actions = new ArrayList<>();
    for (String a : strings(s.get(notAction ? "NotAction" : "Action"), where + ".Action")) {
      if (!a.equals("*") && !a.matches("[a-zA-Z0-9-]+:[A-Za-z0-9*?]+")) {
        throw new IllegalArgumentException(
            where + ": '" + a + "' is not an action (service:Operation)");
      }
      actions.add(glob(a, true));
    }
    List<Pattern> resources = new ArrayList<>();
    for (String r : strings(s.get(notResource ? "NotResource" : "Resource"), where + ".Resource")) {
      if (!r.equals("*") && !r.startsWith("arn:")) {
        throw new IllegalArgumentException(where + ": '" + r + "' is not an ARN or *");
      }
      resources.add(glob(r, false));
    }
    return new Statement(
        effect.equals("Allow"),
        actions,
        notAction,
        resources,
        notResource,
        conditions(s.path("Condition"), where));
  }

  private static List<Condition> conditions(JsonNode block, String where) {
    List<Condition> out = new ArrayList<>();
    if (block.isMissingNode()) {
      return out;
    }
    if (!block.isObject()) {
      throw new IllegalArgumentException(where + ".Condition must be an object");
    }
    block
        .fields()
        .forEachRemaining(
            op -> {
              String name = op.getKey();
              SetQualifier set = SetQualifier.NONE;
              if (name.startsWith("ForAllValues:")) {
                set = SetQualifier.FOR_ALL_VALUES;
                name = name.substring("ForAllValues:".length());
              } else if (name.startsWith("ForAnyValue:")) {
                set = SetQualifier.FOR_ANY_VALUE;
                name = name.substring("ForAnyValue:".length());
              }
              boolean ifExists = name.endsWith("IfExists");
              String operator =
                  (ifExists ? name.substring(0, name.length() - "IfExists".length()) : name)
                      .toLowerCase(Locale.ROOT);
              if (!OPERATORS.contains(operator) || operator.equals("null") && ifExists) {
                throw new IllegalArgumentException(
                    where
                        + ": condition operator '"
                        + op.getKey()
                        + "' is not supported by the sandbox (String*, Null)");
              }
              if (!op.getValue().isObject()) {
                throw new IllegalArgumentException(
                    where + ".Condition." + op.getKey() + " must be an object");
              }
              for (var key : (Iterable<Map.Entry<String, JsonNode>>) op.getValue()::fields) {
                out.add(
                    new Condition(
                        operator,
                        set,
                        ifExists,
                        key.getKey().toLowerCase(Locale.ROOT),
                        strings(key.getValue(), where + ".Condition." + key.getKey())));
              }
            });
    return out;
  }

  private static List<String> strings(JsonNode node, String where) {
    List<String> out = new ArrayList<>();
    if (node.isValueNode()) {
      out.add(node.asText());
    } else if (node.isArray() && !node.isEmpty()) {
      node.forEach(
          n -> {
            if (!n.isValueNode()) {
              throw new IllegalArgumentException(where + " must hold strings");
            }
            out.add(n.asText());
          });
    } else {
      throw new IllegalArgumentException(where + " must be a string or a non-empty list");
    }
    return out;
  }

  /** IAM's wildcards: {@code *} any run of characters, {@code ?} any one character. */
  private static Pattern glob(String pattern, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(
        regex.toString(), Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE : 0));
  }
}
