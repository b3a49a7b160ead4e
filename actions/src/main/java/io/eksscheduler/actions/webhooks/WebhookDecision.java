package io.eksscheduler.actions.webhooks;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code webhooks.wait} does with each webhook it surveyed: a pure function of the survey and
 * the parameters. {@code plan()} renders it; {@code apply()} executes it and, on each fresh survey
 * (as on a resume), decides again.
 *
 * @param verdicts one per surveyed webhook, in the survey's order
 */
record WebhookDecision(List<WebhookDecision.Verdict> verdicts) {

  /** What is done with one webhook. */
  enum Step {
    /** It answers: nothing to do or to wait for. */
    NONE,
    /** Self-blocking, and {@code relaxSelfBlocking} allows it: Fail -> Ignore, wait. */
    RELAX,
    /** Relaxed by this step, its Service ready again: its original policy back, check it again. */
    RESTORE,
    /** Not answering: wait for it (self-blocking but not relaxed without relaxSelfBlocking). */
    WAIT,
    /** Relaxed by this step and answering, its original policy not back yet: wait. */
    WAIT_FAILING_OPEN
  }

  /**
   * The decision about one webhook.
   *
   * @param webhook the webhook as surveyed
   * @param step what is done with it
   * @param why why it is not answering, null when it is
   * @param selfBlocking it fails closed on the creation of its own pods, none of them ready
   * @param relaxedByUs the step's ledger holds its original failure policy
   * @param podNotReady a pod of its Service exists, not Ready: it may turn Ready on its own
   * @param mayStart something may bring its Service up (see {@link WebhookSurvey.Found})
   */
  record Verdict(
      Webhook webhook,
      Step step,
      String why,
      boolean selfBlocking,
      boolean relaxedByUs,
      boolean podNotReady,
      boolean mayStart) {
    boolean answering() {
      return why == null;
    }

    /** Waited for, though nothing may bring it up: the step would wait its deadline and fail. */
    boolean stuck() {
      return step == Step.WAIT && !mayStart;
    }

    /** Self-blocking, left failing closed because {@code relaxSelfBlocking} is not true. */
    boolean relaxRefused() {
      return step == Step.WAIT && selfBlocking;
    }

    /**
     * Relaxed already (the step's ledger holds its original) and still not answering: on the first
     * look of an attempt, that is a resume of a step whose earlier attempt relaxed it and may have
     * been stopped before its pods were created. Its controllers are nudged again, as the relax
     * nudged them: a ReplicaSet that was refused all night retries only at the end of its backoff
     * (up to 1,000 s) unless its object changes.
     */
    boolean nudgeOnResume() {
      return relaxedByUs && step == Step.WAIT;
    }
  }

  /** The verdict on each webhook of {@code survey}. */
  static WebhookDecision decide(WebhookSurvey survey, WaitForWebhooks.Params params) {
    return new WebhookDecision(
        survey.found().stream().map(f -> verdict(f, params.relax())).toList());
  }

  private static Verdict verdict(WebhookSurvey.Found f, boolean relax) {
    boolean failingOpen = "Ignore".equals(f.webhook().failurePolicy());
    Step step;
    if (f.relaxedByUs() && f.ready() && failingOpen) {
      step = Step.RESTORE;
    } else if (!f.healthy() && f.selfBlocking() && relax) {
      step = Step.RELAX;
    } else if (!f.healthy()) {
      step = Step.WAIT;
    } else if (f.relaxedByUs() && failingOpen) {
      step = Step.WAIT_FAILING_OPEN;
    } else {
      step = Step.NONE;
    }
    return new Verdict(
        f.webhook(),
        step,
        f.why(),
        f.selfBlocking(),
        f.relaxedByUs(),
        f.podNotReady(),
        f.mayStart());
  }

  /** The ids of the webhooks found answering. */
  List<String> answering() {
    return verdicts.stream().filter(Verdict::answering).map(v -> v.webhook().id()).toList();
  }

  /** The ids of every webhook found, answering or not: what the step returns once all answer. */
  List<String> found() {
    return verdicts.stream().map(v -> v.webhook().id()).toList();
  }

  /**
   * The ids of the webhooks the step will have relaxed: those it relaxes now and those whose
   * original its ledger already holds (a resumed step), in order.
   */
  List<String> relaxed() {
    return verdicts.stream()
        .filter(v -> v.step() == Step.RELAX || v.relaxedByUs())
        .map(v -> v.webhook().id())
        .toList();
  }

  /** The ids of the webhooks to relax. */
  List<String> relaxing() {
    return verdicts.stream()
        .filter(v -> v.step() == Step.RELAX)
        .map(v -> v.webhook().id())
        .toList();
  }

  /**
   * The outputs a plan predicts that may differ from the run's, with why: {@code relaxed} when a
   * webhook it relaxes has a pod that exists, not Ready, which may turn Ready before the run's
   * first probe (then it is not relaxed); {@code healthy} when a webhook waited for has nothing
   * that may bring it up (then the step fails, returning nothing).
   *
   * @param deadline how long the step waits
   */
  Map<String, String> inexact(String deadline) {
    Map<String, String> out = new TreeMap<>();
    List<String> pending =
        verdicts.stream()
            .filter(v -> v.step() == Step.RELAX && v.podNotReady())
            .map(v -> v.webhook().id())
            .toList();
    if (!pending.isEmpty()) {
      out.put(
          "relaxed",
          String.join(", ", pending)
              + ": its Pending pod may turn Ready on the restored nodes before the first probe");
    }
    List<String> stuck =
        verdicts.stream().filter(Verdict::stuck).map(v -> v.webhook().id()).toList();
    if (!stuck.isEmpty()) {
      out.put(
          "healthy",
          String.join(", ", stuck) + " answers only if its pods turn Ready within " + deadline);
    }
    return out;
  }

  /** The verdicts that keep the step waiting: all but {@link Step#NONE}. */
  List<Verdict> waiting() {
    return verdicts.stream().filter(v -> v.step() != Step.NONE).toList();
  }
}
