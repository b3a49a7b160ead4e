package io.eksscheduler.engine.state;

/** Says that another live run holds a lock. */
public final class LockHeldException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient LockHolder holder;

  public LockHeldException(String key, LockHolder holder) {
    super("lock '" + key + "' is held by " + (holder == null ? "another process" : holder));
    this.holder = holder;
  }

  /** The holder, when its lock file could be read. */
  public LockHolder holder() {
    return holder;
  }
}
