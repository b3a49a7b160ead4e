package io.eksscheduler.engine.state;

/** Says that another live run holds a lock. */
public final class LockHeldException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient LockHolder holder;

  /**
   * @param what the lock, as the user knows it: "lock 'cluster/dev'" or "run 2026..."
   * @param holder who holds it, when known
   */
  public LockHeldException(String what, LockHolder holder) {
    super(what + " is held by " + (holder == null ? "another process" : holder));
    this.holder = holder;
  }

  /** The holder, when its lock file could be read. */
  public LockHolder holder() {
    return holder;
  }
}
