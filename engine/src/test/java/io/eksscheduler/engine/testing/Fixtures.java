package io.eksscheduler.engine.testing;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.spi.Action;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads test playbooks with a registry of test actions. */
public final class Fixtures {
  private Fixtures() {}

  public static PlaybookLoader loader(Action<?>... actions) {
    return new PlaybookLoader(
        new ActionRegistry(List.of(actions)), new SchemaCheck(), YamlLimits.DEFAULT);
  }

  /** The playbook in {@code yaml}; fails the test with every problem if it does not load. */
  public static Playbook playbook(String yaml, Action<?>... actions) {
    PlaybookLoader.Result r = loader(actions).load(yaml, "test.yaml");
    if (!r.ok()) {
      throw new AssertionError("playbook does not load: " + r.problems());
    }
    return r.playbook().orElseThrow();
  }

  /** The text of a test resource. */
  public static String resource(String name) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A minimal playbook header followed by {@code steps}. */
  public static String header(String name) {
    return "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata:\n  name: " + name + "\n";
  }
}
