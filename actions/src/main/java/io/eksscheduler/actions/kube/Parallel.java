package io.eksscheduler.actions.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per item on a few threads of its own and returns when all are done; the first
 * failure cancels the others (their threads are interrupted) and is thrown as it was. For steps
 * whose items are independent (nodes drained, workloads of one wave woken), so that their calls
 * overlap instead of queueing one behind the other.
 */
public final class Parallel {
  private Parallel() {}

  /** A task for one item. */
  @FunctionalInterface
  public interface Task<T> {
    void run(T item) throws Exception;
  }

  /** Runs {@code task} for each of {@code items}, at most {@code width} at once. */
  public static <T> void forEach(String threadName, int width, List<T> items, Task<T> task)
      throws Exception {
    if (items.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(width, items.size())),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> work = new ArrayList<>();
      for (T item : items) {
        work.add(
            pool.submit(
                () -> {
                  task.run(item);
                  return null;
                }));
      }
      for (Future<Void> f : work) {
        try {
          f.get();
        } catch (ExecutionException e) {
          work.forEach(other -> other.cancel(true));
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
