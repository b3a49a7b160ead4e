package io.eksscheduler.cli;

import io.eksscheduler.cli.store.ClusterStores;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * Which store a command uses: {@code --state} over {@code --state-dir} over {@code
 * $EKS_SCHEDULER_STATE} over {@code $EKS_SCHEDULER_STATE_DIR} over the command's default.
 *
 * @param kind a directory or a Kubernetes namespace
 * @param dir the directory, for {@link Kind#DIR}
 * @param namespace the namespace, for {@link Kind#KUBERNETES}
 */
record StateChoice(Kind kind, Path dir, String namespace) {
  static final String STATE_ENV = "EKS_SCHEDULER_STATE";
  static final String STATE_DIR_ENV = "EKS_SCHEDULER_STATE_DIR";
  static final Path DEFAULT_DIR = Paths.get(".eks-scheduler");

  /** The two kinds of store. */
  enum Kind {
    DIR,
    KUBERNETES
  }

  static StateChoice dir(Path dir) {
    return new StateChoice(Kind.DIR, dir, null);
  }

  static StateChoice kubernetes(String namespace) {
    return new StateChoice(Kind.KUBERNETES, null, namespace);
  }

  boolean cluster() {
    return kind == Kind.KUBERNETES;
  }

  /** The choice the options and environment make, else {@code fallback}. */
  static StateChoice resolve(StoreOptions options, Map<String, String> env, Kind fallback) {
    if (options.state != null && options.stateDir != null) {
      throw new UserError(
          List.of("--state and --state-dir both say where runs are kept: give one"),
          ExitCodes.INVALID);
    }
    if (options.state != null) {
      return parse(options.state, "--state");
    }
    if (options.stateDir != null) {
      return dir(options.stateDir);
    }
    String fromEnv = env.get(STATE_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return parse(fromEnv.trim(), STATE_ENV);
    }
    String dirEnv = env.get(STATE_DIR_ENV);
    if (dirEnv != null && !dirEnv.isBlank()) {
      return dir(Paths.get(dirEnv));
    }
    return fallback == Kind.DIR ? dir(DEFAULT_DIR) : kubernetes(ClusterStores.DEFAULT_NAMESPACE);
  }

  /** {@code dir}, {@code dir:PATH}, {@code kubernetes} or {@code kubernetes:NAMESPACE}. */
  static StateChoice parse(String text, String where) {
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    switch (kind) {
      case "dir":
        return dir(value.isEmpty() ? DEFAULT_DIR : Paths.get(value));
      case "kubernetes":
        String ns = value.isEmpty() ? ClusterStores.DEFAULT_NAMESPACE : value;
        if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
          throw new UserError(
              List.of(
                  where
                      + ": '"
                      + ns
                      + "' is not a namespace name (lower case letters, digits and '-', at most"
                      + " 63)"),
              ExitCodes.INVALID);
        }
        return kubernetes(ns);
      default:
        throw new UserError(
            List.of(
                where
                    + ": '"
                    + text
                    + "' is not a store: dir, dir:PATH, kubernetes or kubernetes:NAMESPACE"),
            ExitCodes.INVALID);
    }
  }

  @Override
  public String toString() {
    return cluster() ? "kubernetes:" + namespace : "dir:" + dir;
  }
}
