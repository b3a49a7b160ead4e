package io.eksscheduler.engine.state;

import java.util.Optional;

/** A lock held by this process until closed (or until the process dies). */
public interface RunLock extends AutoCloseable {

  /** The holder whose dead process left this lock behind, if one did. */
  Optional<LockHolder> tookOverFrom();

  @Override
  void close();
}
