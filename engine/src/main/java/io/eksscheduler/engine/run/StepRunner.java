package io.eksscheduler.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one step to a final status: evaluates {@code when}, renders {@code with}, then makes
 * attempts, each bounded by the step's timeout, retried with backoff within its deadline.
 */
final class StepRunner {
  private final RunExecutor.Settings settings;
  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final Clients clients;
  private final RunRecorder recorder;
  private final ExecutorService attempts;

  StepRunner(
      RunExecutor.Settings settings,
      ActionRegistry actions,
      SchemaCheck schemas,
      Clients clients,
      RunRecorder recorder,
      ExecutorService attempts) {
    this.settings = settings;
    this.actions = actions;
    this.schemas = schemas;
    this.clients = clients;
    this.recorder = recorder;
    this.attempts = attempts;
  }

  /** Runs {@code step}; returns when it reached a final status. Interrupts mean "cancel". */
  void run(Step step) {
    String id = step.id();
    StepState stored = recorder.state().step(id);
    Rendering rendering = new Rendering(recorder.state(), settings.env(), false);
    Boolean when = stored.when();
    JsonNode with = stored.with();
    // Per step (steps run in parallel): values read from env are masked in what the step writes.
    Secrets secrets = new Secrets(rendering.envValuesReferenced(step.with(), step.when()));
    try {
      if (when == null) {
        Rendering.Rendered w = rendering.when(step.when());
        when = w.value().asBoolean();
      }
      if (!when) {
        Boolean whenValue = when;
        recorder.updateStep(
            id,
            s ->
                s.withRendered(whenValue, null)
                    .moveTo(StepStatus.SKIPPED)
                    .withTimes(s.startedAt(), settings.clock().instant()),
            recorder.event("step-skipped", id, null, "skipped", "when is false"));
        return;
      }
      boolean storeWith = true;
      if (with == null) {
        Rendering.Rendered r = rendering.render(step.with());
        with = r.value();
        storeWith = !r.readsEnv(); // values read from env are never written to state
      }
      Boolean whenValue = when;
      JsonNode stored2 = storeWith ? with : null;
      Instant now = settings.clock().instant();
      recorder.updateStep(
          id,
          s ->
              s.withRendered(whenValue, stored2)
                  .moveTo(StepStatus.RUNNING)
                  .withAttempts(1)
                  .withError(null)
                  .withTimes(s.startedAt() == null ? now : s.startedAt(), null),
          recorder.event("step-started", id, 1, "running", step.action()));
    } catch (EvaluationException e) {
      fail(id, "cannot evaluate: " + secrets.mask(e.getMessage()), 0);
      return;
    }
    attempts(step, with, secrets);
  }

  @SuppressWarnings("unchecked")
  private void attempts(Step step, JsonNode with, Secrets secrets) {
    String id = step.id();
    Action<Object> action = (Action<Object>) actions.find(step.action()).orElseThrow();
    Object params = null;
    String refused = null;
    try {
      params = Binding.bind(action, with, schemas);
    } catch (Binding.ParamRefused e) {
      // Recorded as the first attempt failing, as when the action refused the value itself.
      refused = e.getMessage();
    } catch (Binding.StepFailure e) {
      fail(id, secrets.mask(e.getMessage()), 0);
      return;
    }
    Instant deadlineAt =
        step.deadline().map(d -> settings.clock().instant().plus(d)).orElse(Instant.MAX);
    int attempt = 0;
    while (true) {
      attempt++;
      int n = attempt;
      if (n > 1) { // the first attempt was recorded with the step's start
        recorder.updateStep(
            id, s -> s.withAttempts(n), recorder.event("attempt-started", id, n, "running", null));
      }
      CrashPoints.reach("step-start:" + id);
      Duration left = Duration.between(settings.clock().instant(), deadlineAt);
      Duration timeout = step.timeout().compareTo(left) < 0 ? step.timeout() : left;
      Attempt result =
          refused == null ? attempt(action, params, id, timeout, secrets) : Attempt.failed(refused);
      if (result.outputs != null) {
        CrashPoints.reach("effect-done:" + id);
        Map<String, Object> outputs =
            OutputShapes.normalize(
                action.outputs(), secrets.maskAll(OutputShapes.plain(result.outputs.values())));
        recorder.updateStep(
            id,
            s ->
                s.withOutputs(outputs)
                    .moveTo(StepStatus.SUCCEEDED)
                    .withTimes(s.startedAt(), settings.clock().instant()),
            recorder.event("step-succeeded", id, n, "succeeded", null));
        return;
      }
      if (result.cancelled) {
        recorder.updateStep(
            id,
            s -> s.moveTo(StepStatus.CANCELLED).withError(result.error),
            recorder.event("step-cancelled", id, n, "cancelled", result.error));
        return;
      }
      Duration delay = step.retry().delayBefore(n + 1, settings.random());
      boolean another =
          result.retryable
              && step.retry().allowsAnotherAfter(n)
              && settings.clock().instant().plus(delay).isBefore(deadlineAt);
      if (!another) {
        String why = secrets.mask(result.error);
        if (result.retryable && step.retry().allowsAnotherAfter(n)) {
          why += " (no time left for another attempt before the step's deadline)";
        }
        fail(id, why, n);
        return;
      }
      recorder.log(
          id,
          "attempt "
              + n
              + " of "
              + step.retry().attempts()
              + " failed: "
              + secrets.mask(result.error)
              + "; retrying in "
              + Durations.format(delay));
      try {
        settings.sleeper().sleep(delay);
      } catch (InterruptedException e) {
        recorder.updateStep(
            id,
            s -> s.moveTo(StepStatus.CANCELLED).withError("cancelled while waiting to retry"),
            recorder.event("step-cancelled", id, n, "cancelled", "run interrupted"));
        return;
      }
    }
  }

  private void fail(String id, String error, int attempt) {
    recorder.updateStep(
        id,
        s ->
            (s.status() == StepStatus.PENDING ? s.moveTo(StepStatus.RUNNING) : s)
                .moveTo(StepStatus.FAILED)
                .withError(error)
                .withTimes(s.startedAt(), settings.clock().instant()),
        recorder.event("step-failed", id, attempt == 0 ? null : attempt, "failed", error));
  }

  private static final class Attempt {
    Outputs outputs;
    boolean cancelled;
    boolean retryable = true;
    String error;

    /** An attempt that failed for good before the action ran. */
    static Attempt failed(String error) {
      Attempt a = new Attempt();
      a.retryable = false;
      a.error = error;
      return a;
    }
  }

  private Attempt attempt(
      Action<Object> action, Object params, String id, Duration timeout, Secrets secrets) {
    StepContext ctx =
        new StepContext(
            recorder, id, false, settings.clock(), settings.sleeper(), clients, secrets, List.of());
    Attempt result = new Attempt();
    CountDownLatch ended = new CountDownLatch(1);
    Future<Outputs> future =
        attempts.submit(
            () -> {
              try {
                return action.apply(params, ctx);
              } finally {
                ended.countDown();
              }
            });
    try {
      Outputs outputs = future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      result.outputs = outputs == null ? Outputs.none() : outputs;
    } catch (TimeoutException e) {
      stop(ctx, future, ended);
      result.error = "attempt timed out after " + Durations.format(timeout);
    } catch (InterruptedException e) {
      stop(ctx, future, ended);
      result.cancelled = true;
      result.error = "cancelled: the run was interrupted";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedException) {
        result.cancelled = true;
        result.error = "cancelled: the run was interrupted";
      } else if (cause instanceof ActionFailure failure) {
        result.retryable = failure.retryable();
        result.error = failure.getMessage();
      } else {
        result.error = describe(cause);
      }
    }
    return result;
  }

  /** Cancels an attempt and waits, bounded, for it to stop touching the world. */
  private void stop(StepContext ctx, Future<Outputs> future, CountDownLatch ended) {
    ctx.cancel();
    future.cancel(true);
    boolean interrupted = Thread.interrupted();
    try {
      if (!ended.await(settings.cancelGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        recorder.log(
            ctx.stepId(),
            "the attempt did not stop within "
                + Durations.format(settings.cancelGrace())
                + " of being cancelled; going on without it");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return t instanceof RuntimeException && !(t instanceof IllegalStateException)
        ? t.getClass().getSimpleName() + ": " + message
        : message;
  }
}
