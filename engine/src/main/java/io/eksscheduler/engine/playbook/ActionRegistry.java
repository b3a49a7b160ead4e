package io.eksscheduler.engine.playbook;

import io.eksscheduler.engine.spi.Action;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Knows every registered action by name; built once and passed down. */
public final class ActionRegistry {
  private final Map<String, Action<?>> byName;

  public ActionRegistry(Collection<? extends Action<?>> actions) {
    Map<String, Action<?>> map = new TreeMap<>();
    for (Action<?> a : actions) {
      Action<?> previous = map.put(a.name(), a);
      if (previous != null) {
        throw new IllegalStateException(
            "two actions are named '"
                + a.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + a.getClass().getName());
      }
    }
    this.byName = java.util.Collections.unmodifiableMap(map);
  }

  /** The actions registered through {@code META-INF/services} on the class path. */
  public static ActionRegistry fromServiceLoader(ClassLoader loader) {
    List<Action<?>> actions = new ArrayList<>();
    for (Action<?> a : ServiceLoader.load(Action.class, loader)) {
      actions.add(a);
    }
    return new ActionRegistry(actions);
  }

  /** The action called {@code name}. */
  public Optional<Action<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** All actions, sorted by name. */
  public List<Action<?>> all() {
    List<Action<?>> all = new ArrayList<>(byName.values());
    all.sort(Comparator.comparing(Action::name));
    return all;
  }

  /** The registered name closest to {@code name}, if one is close enough to be a typo. */
  public Optional<String> suggest(String name) {
    return Suggestions.closest(name, byName.keySet());
  }
}
