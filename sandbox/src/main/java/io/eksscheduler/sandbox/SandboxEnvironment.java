package io.eksscheduler.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell environment that points tools at a sandbox ({@code KUBECONFIG}, the matching kubectl on
 * {@code PATH}); other simulators add their own variables (part 2: {@code AWS_*}) with {@link
 * #with}.
 */
public record SandboxEnvironment(Map<String, String> variables, List<Path> pathPrefixes) {

  public SandboxEnvironment {
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    pathPrefixes = List.copyOf(pathPrefixes);
  }

  public static SandboxEnvironment empty() {
    return new SandboxEnvironment(Map.of(), List.of());
  }

  /** A copy with {@code name=value} added (or replaced, keeping its position). */
  public SandboxEnvironment with(String name, String value) {
    if (!name.matches("[A-Z_][A-Z0-9_]*")) {
      throw new IllegalArgumentException("not an environment variable name: " + name);
    }
    Map<String, String> copy = new LinkedHashMap<>(variables);
    copy.put(name, value);
    return new SandboxEnvironment(copy, pathPrefixes);
  }

  /** A copy with {@code dir} put in front of {@code PATH}. */
  public SandboxEnvironment withPathPrefix(Path dir) {
    List<Path> copy = new ArrayList<>(pathPrefixes);
    copy.add(dir);
    return new SandboxEnvironment(variables, copy);
  }

  /** POSIX shell lines, e.g. for {@code eval "$(java -jar eks-sandbox.jar up)"}. */
  public String exportLines() {
    StringBuilder out = new StringBuilder();
    variables.forEach(
        (k, v) -> out.append("export ").append(k).append('=').append(quote(v)).append('\n'));
    if (!pathPrefixes.isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (Path p : pathPrefixes) {
        path.append(quote(p.toString())).append(':');
      }
      out.append("export PATH=").append(path).append("\"$PATH\"\n");
    }
    return out.toString();
  }

  /** Variables for a child process: these on top of {@code base}, PATH prefixed. */
  public Map<String, String> applyTo(Map<String, String> base) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.putAll(variables);
    StringBuilder path = new StringBuilder();
    for (Path p : pathPrefixes) {
      path.append(p).append(':');
    }
    env.put("PATH", path + base.getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }

  static String quote(String value) {
    if (value.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
