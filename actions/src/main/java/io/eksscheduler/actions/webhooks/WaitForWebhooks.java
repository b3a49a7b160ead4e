package io.eksscheduler.actions.webhooks;

import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.Poll;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Waits until every admission webhook can answer: its Service has a ready endpoint and, where its
 * {@code sideEffects} allow a dry-run, a server-side dry-run pod creation it intercepts comes back
 * answered by it; for the others, a TLS connection through the API server's service proxy. A
 * webhook that blocks its own recovery ({@code failurePolicy: Fail}, intercepting the creation of
 * its own pods, no ready endpoint) gets, when {@code relaxSelfBlocking} allows it, {@code
 * failurePolicy: Ignore} until its pods are Ready, then exactly its original again; the original is
 * in the ledger and in the annotation {@code eks-scheduler.io/original} first.
 */
public final class WaitForWebhooks implements Action<WaitForWebhooks.Params> {
  private static final Duration POLL = Duration.ofSeconds(2);

  /**
   * The parameters of {@code webhooks.wait}.
   *
   * @param relaxSelfBlocking let a self-blocking webhook fail open until its pods are Ready
   * @param configurations only these webhook configurations, by name (default all)
   * @param deadline how long to wait before failing, naming each unhealthy webhook (default 10m;
   *     also when it fits the schema but does not parse, as it always did)
   */
  public record Params(
      Boolean relaxSelfBlocking,
      List<String> configurations,
      @AbsentIfUnparsable Duration deadline) {
    Duration deadlineOrDefault() {
      return deadline == null ? Duration.ofMinutes(10) : deadline;
    }

    boolean relax() {
      return Boolean.TRUE.equals(relaxSelfBlocking);
    }
  }

  @Override
  public String name() {
    return "webhooks.wait";
  }

  @Override
  public String description() {
    return "Waits until every admission webhook answers (ready endpoints, a live dry-run request"
        + " through it or a TLS connection); a self-blocking webhook may fail open until its pods"
        + " are Ready, then gets its original failurePolicy back.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/webhooks.wait.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("healthy", ValueType.ARRAY, "the webhooks found answering"),
        new OutputSpec(
            "relaxed", ValueType.ARRAY, "the self-blocking webhooks failed open for a while"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    // As apply decides: the ledger read (a resumed step), and the outputs it returns once every
    // webhook answers (the step fails otherwise).
    WebhookDecision decision =
        WebhookDecision.decide(
            WebhookSurvey.read(params.configurations(), ctx).withLedger(ctx.ledger()), params);
    String deadline = Durations.format(params.deadlineOrDefault());
    // A relax is undone before the step ends: nothing lasting for the later steps to read.
    return new Plan(
            planLines(decision, deadline),
            Map.of(
                "healthy",
                new ArrayList<>(decision.found()),
                "relaxed",
                new ArrayList<>(decision.relaxed())))
        .withUnchanged(answeringLines(decision))
        .withInexact(decision.inexact(deadline));
  }

  /** The plan's kept lines: each webhook answering already, in order. */
  static List<String> answeringLines(WebhookDecision decision) {
    return decision.verdicts().stream()
        .filter(v -> v.step() == WebhookDecision.Step.NONE)
        .map(v -> v.webhook().id() + ": answering")
        .toList();
  }

  /**
   * The plan's line for each webhook of {@code decision} the step relaxes or waits for, in order.
   *
   * @param deadline how long the step waits, as users read it
   */
  static List<String> planLines(WebhookDecision decision, String deadline) {
    List<String> lines = new ArrayList<>();
    for (WebhookDecision.Verdict v : decision.verdicts()) {
      String id = v.webhook().id();
      if (v.step() == WebhookDecision.Step.NONE) {
        continue;
      }
      if (v.step() == WebhookDecision.Step.RELAX) {
        lines.add(
            id
                + ": "
                + v.why()
                + "; self-blocking: failurePolicy Fail -> Ignore until its pods are Ready, then"
                + " Fail again");
      } else if (v.answering()) {
        lines.add(id + ": answering; its original failurePolicy would be restored");
      } else {
        lines.add(
            id
                + ": "
                + v.why()
                + (v.selfBlocking()
                    ? "; self-blocking (relaxSelfBlocking: true would break it)"
                    : "")
                + (v.stuck()
                    ? "; nothing starts its pods: the step would wait " + deadline + " and fail"
                    : "; would be waited for"));
      }
    }
    return lines;
  }

  /**
   * What one round left: the webhooks found and, for each one the step still waits for, a line
   * saying why.
   */
  private record Left(List<Webhook> found, List<String> waiting) {}

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ApiClient client = ctx.client(ApiClient.class);
    List<String> relaxedEver = new ArrayList<>();
    List<Webhook> found =
        Poll.within(ctx, params.deadlineOrDefault(), POLL)
            .until(
                () -> round(params, ctx, client, relaxedEver),
                left ->
                    "waiting for " + left.waiting().size() + " webhooks: " + left.waiting().get(0),
                left -> {
                  FailurePolicyPatch.restoreAll(ctx, client, left.found());
                  WebhookNudge.clearNudges(ctx, client, left.found());
                  return new ActionFailure(
                      "webhooks still unhealthy after "
                          + Durations.format(params.deadlineOrDefault())
                          + ": "
                          + String.join("; ", left.waiting()),
                      true);
                });
    WebhookNudge.clearNudges(ctx, client, found);
    List<String> healthy = new ArrayList<>();
    found.forEach(w -> healthy.add(w.id()));
    relaxedEver.forEach(id -> ctx.log("relaxed, then restored: " + id));
    return Outputs.of("healthy", healthy, "relaxed", relaxedEver);
  }

  /**
   * One look: a fresh survey, decided again (as on a resume), each relax and restore it asks for
   * done; ready with the webhooks found once none is left to wait for.
   */
  private static Poll.Round<List<Webhook>, Left> round(
      Params params, ActionContext ctx, ApiClient client, List<String> relaxedEver)
      throws ActionFailure, InterruptedException {
    WebhookSurvey survey =
        WebhookSurvey.read(params.configurations(), ctx).withLedger(ctx.ledger());
    List<String> waiting = new ArrayList<>();
    for (WebhookDecision.Verdict v : WebhookDecision.decide(survey, params).verdicts()) {
      Webhook w = v.webhook();
      if (v.relaxedByUs() && !relaxedEver.contains(w.id())) {
        // Relaxed by an earlier attempt of this step: this attempt has not nudged it yet.
        relaxedEver.add(w.id());
        if (v.nudgeOnResume()) {
          ctx.log(
              w.id()
                  + ": relaxed by an earlier attempt, not answering: nudging its pods' controllers");
          WebhookNudge.nudge(ctx, client, w);
        }
      }
      if (v.step() == WebhookDecision.Step.RESTORE) {
        FailurePolicyPatch.restore(ctx, client, w);
      } else if (v.step() == WebhookDecision.Step.RELAX) {
        FailurePolicyPatch.relax(ctx, client, w);
        if (!relaxedEver.contains(w.id())) {
          relaxedEver.add(w.id());
        }
      }
      waitingLine(v).ifPresent(waiting::add);
    }
    return waiting.isEmpty()
        ? Poll.Round.ready(survey.webhooks())
        : Poll.Round.waiting(new Left(survey.webhooks(), waiting));
  }

  /** Why the step still waits for the webhook of {@code v}, once its relax or restore is done. */
  static Optional<String> waitingLine(WebhookDecision.Verdict v) {
    String id = v.webhook().id();
    return switch (v.step()) {
      case RESTORE -> Optional.of(id + ": original failurePolicy restored; checking it again");
      case RELAX -> Optional.of(id + ": failing open until its pods are Ready");
      case WAIT ->
          Optional.of(
              id
                  + ": "
                  + v.why()
                  + (v.selfBlocking()
                      ? " (self-blocking: it fails closed on the creation of its own pods;"
                          + " relaxSelfBlocking: true breaks the deadlock)"
                      : ""));
      case WAIT_FAILING_OPEN ->
          Optional.of(id + ": its pods are not Ready yet (failing open meanwhile)");
      case NONE -> Optional.empty();
    };
  }
}
