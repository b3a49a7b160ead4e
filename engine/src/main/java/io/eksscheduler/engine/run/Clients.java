package io.eksscheduler.engine.run;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clients an action may ask for by type, registered once per run by the command line and
 * created on first use (a playbook of {@code exec} steps never builds a Kubernetes client).
 */
public final class Clients {
  private final Map<Class<?>, Supplier<?>> suppliers = new HashMap<>();
  private final Map<Class<?>, Object> created = new HashMap<>();

  /** Registers how to make the client of {@code type}. */
  public <T> Clients register(Class<T> type, Supplier<? extends T> supplier) {
    suppliers.put(type, supplier);
    return this;
  }

  /** The client of {@code type}, made on first use. */
  public synchronized <T> T get(Class<T> type) {
    Object existing = created.get(type);
    if (existing == null) {
      Supplier<?> supplier = suppliers.get(type);
      if (supplier == null) {
        throw new IllegalStateException("no client of type " + type.getName() + " is registered");
      }
      existing = supplier.get();
      created.put(type, existing);
    }
    return type.cast(existing);
  }
}
