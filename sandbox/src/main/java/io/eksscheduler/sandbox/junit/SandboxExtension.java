package io.eksscheduler.sandbox.junit;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.command.JavaProcess;
import io.eksscheduler.sandbox.controlplane.Speed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one sandbox shared by every test class of the run: started on first use, kept in the
 * root {@link ExtensionContext.Store}, stopped ({@code down}) when the run ends. With {@code
 * EKS_SANDBOX_DIR} set, the sandbox already running there is reused and left running. A test that
 * needs the scenario as it starts, or leaves it unusable for others, calls {@link
 * TestSandbox#reset()} (which restarts a reused sandbox too, with new ports and AWS keys).
 *
 * <p>Use {@code @ExtendWith(SandboxExtension.class)} and a {@link TestSandbox} parameter. Settings
 * (system property or environment): {@code eks.sandbox.speed} / {@code EKS_SANDBOX_SPEED} (default
 * 10), {@code eks.sandbox.scenario} (default {@code dev}), {@code eks.sandbox.dir} (default {@code
 * target/it-sandbox}).
 */
public final class SandboxExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestSandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Shared.class, key -> Shared.start(), Shared.class)
        .sandbox();
  }

  /** The run's sandbox; JUnit closes it when the root context ends. */
  static final class Shared implements AutoCloseable {

    private final TestSandbox sandbox;
    private final boolean owned;

    private Shared(TestSandbox sandbox, boolean owned) {
      this.sandbox = sandbox;
      this.owned = owned;
    }

    static Shared start() {
      Optional<String> reuse = setting("EKS_SANDBOX_DIR", "EKS_SANDBOX_DIR");
      if (reuse.isPresent()) {
        return new Shared(new TestSandbox(Sandbox.attach(Path.of(reuse.get()))), false);
      }
      Path dir =
          Path.of(setting("eks.sandbox.dir", "EKS_SANDBOX_IT_DIR").orElse("target/it-sandbox"));
      Speed speed =
          new Speed(
              Double.parseDouble(setting("eks.sandbox.speed", "EKS_SANDBOX_SPEED").orElse("10")));
      String scenario = setting("eks.sandbox.scenario", "EKS_SANDBOX_SCENARIO").orElse("dev");
      // A sandbox left by an aborted earlier run in the same directory is stopped first.
      Sandbox.down(dir);
      Sandbox sandbox =
          Sandbox.up(
              new Sandbox.UpOptions(
                  dir,
                  scenario,
                  speed,
                  Duration.ofMinutes(5),
                  JavaProcess.executable(),
                  JavaProcess.classPath()),
              line -> System.err.println("[eks-sandbox] " + line));
      return new Shared(new TestSandbox(sandbox), true);
    }

    TestSandbox sandbox() {
      return sandbox;
    }

    @Override
    public void close() {
      if (owned) {
        Sandbox.down(sandbox.sandbox().layout().dir());
      }
    }

    private static Optional<String> setting(String property, String env) {
      String value = System.getProperty(property);
      if (value == null || value.isBlank()) {
        value = System.getenv(env);
      }
      return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
  }
}
