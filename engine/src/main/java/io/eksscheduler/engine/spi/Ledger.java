package io.eksscheduler.engine.spi;

import java.util.Optional;
import java.util.Set;

/**
 * Keeps, for one step, what it needs to undo or continue its work, durably.
 *
 * <p>{@link #put} returns only once the value is on disk (written and fsynced), so an action that
 * records an original before its mutating call can never lose it to a crash. Values are plain JSON
 * values: strings, numbers, booleans, lists, maps and records of them.
 */
public interface Ledger {

  /** Returns the value recorded under {@code key}, bound to {@code type}, if any. */
  <T> Optional<T> get(String key, Class<T> type);

  /** Records {@code value} under {@code key}, durably, before returning. */
  void put(String key, Object value);

  /** Removes {@code key}, durably, before returning. */
  void remove(String key);

  /** The keys recorded so far. */
  Set<String> keys();
}
