package io.eksscheduler.sandbox.command;

import java.nio.file.Path;

/** How to start another JVM on this one's code (the sandbox's network process). */
public final class JavaProcess {

  private JavaProcess() {}

  public static String executable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's class path with every entry made absolute: the child runs in the sandbox directory,
   * where a relative {@code java -jar sandbox/target/eks-sandbox.jar} would not resolve.
   */
  public static String classPath() {
    return java.util.Arrays.stream(
            System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }
}
