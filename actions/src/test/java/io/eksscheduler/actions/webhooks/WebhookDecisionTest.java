package io.eksscheduler.actions.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.webhooks.WebhookDecision.Step;
import io.eksscheduler.actions.webhooks.WebhookDecision.Verdict;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link WebhookDecision#decide} on plain surveys, and how plan and apply render its verdicts. */
class WebhookDecisionTest {
  private static final String NO_ENDPOINT = "no ready endpoint for Service kyverno/kyverno-svc";
  private static final WaitForWebhooks.Params RELAX = new WaitForWebhooks.Params(true, null, null);
  private static final WaitForWebhooks.Params NO_RELAX =
      new WaitForWebhooks.Params(false, null, null);
  private static final WaitForWebhooks.Params UNSET = new WaitForWebhooks.Params(null, null, null);

  private static Webhook webhook(String name, String failurePolicy) {
    return new Webhook(
        Webhook.VALIDATING,
        "kyverno-cfg",
        0,
        name,
        failurePolicy,
        "NoneOnDryRun",
        Optional.of(
            new AdmissionregistrationV1ServiceReference().namespace("kyverno").name("kyverno-svc")),
        null,
        null,
        List.of(),
        "1");
  }

  private static WebhookSurvey.Found found(
      String name,
      String failurePolicy,
      boolean ready,
      boolean selfBlocking,
      String why,
      boolean relaxedByUs) {
    return new WebhookSurvey.Found(
        webhook(name, failurePolicy), ready, selfBlocking, why, relaxedByUs);
  }

  private static Verdict only(WebhookSurvey.Found f, WaitForWebhooks.Params params) {
    List<Verdict> verdicts =
        WebhookDecision.decide(new WebhookSurvey(List.of(f)), params).verdicts();
    assertEquals(1, verdicts.size());
    return verdicts.get(0);
  }

  @Test
  void anAnsweringWebhookNeedsNothing() {
    Verdict v = only(found("a", "Fail", true, false, null, false), RELAX);
    assertEquals(Step.NONE, v.step());
    assertTrue(v.answering());
    assertNull(v.why());
    assertFalse(v.relaxRefused());
    assertEquals(Optional.empty(), WaitForWebhooks.waitingLine(v));
  }

  @Test
  void aWebhookNotAnsweringIsWaitedForWithItsReason() {
    String why = "a dry-run request through it failed: connection refused";
    Verdict v = only(found("a", "Fail", true, false, why, false), RELAX);
    assertEquals(Step.WAIT, v.step());
    assertEquals(why, v.why());
    assertFalse(v.answering());
    assertFalse(v.relaxRefused(), "not self-blocking: nothing refused");
    assertEquals(
        Optional.of("ValidatingWebhookConfiguration kyverno-cfg webhook a: " + why),
        WaitForWebhooks.waitingLine(v));
  }

  @Test
  void aSelfBlockingWebhookIsRelaxedWhenRelaxSelfBlockingAllowsIt() {
    Verdict v = only(found("a", "Fail", false, true, NO_ENDPOINT, false), RELAX);
    assertEquals(Step.RELAX, v.step());
    assertEquals(NO_ENDPOINT, v.why());
    assertTrue(v.selfBlocking());
    assertFalse(v.relaxRefused());
    assertEquals(
        Optional.of(
            "ValidatingWebhookConfiguration kyverno-cfg webhook a: failing open until its pods are"
                + " Ready"),
        WaitForWebhooks.waitingLine(v));
  }

  @Test
  void aSelfBlockingWebhookIsRefusedTheRelaxWithoutRelaxSelfBlocking() {
    for (WaitForWebhooks.Params params : List.of(NO_RELAX, UNSET)) {
      Verdict v = only(found("a", "Fail", false, true, NO_ENDPOINT, false), params);
      assertEquals(Step.WAIT, v.step(), "relaxSelfBlocking " + params.relaxSelfBlocking());
      assertTrue(v.relaxRefused());
      assertEquals(
          Optional.of(
              "ValidatingWebhookConfiguration kyverno-cfg webhook a: "
                  + NO_ENDPOINT
                  + " (self-blocking: it fails closed on the creation of its own pods;"
                  + " relaxSelfBlocking: true breaks the deadlock)"),
          WaitForWebhooks.waitingLine(v));
    }
  }

  @Test
  void anOriginalAlreadyRecordedButNotAppliedYetIsRelaxedAgainOnResume() {
    // A run stopped between writing the ledger and patching: still Fail, still self-blocking.
    Verdict v = only(found("a", "Fail", false, true, NO_ENDPOINT, true), RELAX);
    assertEquals(Step.RELAX, v.step());
    assertTrue(v.relaxedByUs());
  }

  @Test
  void aWebhookAlreadyRelaxedWhoseEndpointsAreNotReadyIsWaitedFor() {
    // Failing open it is no longer self-blocking (the survey says so): wait, relax nothing again.
    Verdict v = only(found("a", "Ignore", false, false, NO_ENDPOINT, true), RELAX);
    assertEquals(Step.WAIT, v.step());
    assertTrue(v.relaxedByUs());
    assertFalse(v.relaxRefused());
  }

  @Test
  void aRelaxedWebhookGetsItsOriginalBackOnceItsEndpointsAreReady() {
    Verdict answering = only(found("a", "Ignore", true, false, null, true), RELAX);
    assertEquals(Step.RESTORE, answering.step());
    assertTrue(answering.answering());
    assertEquals(
        Optional.of(
            "ValidatingWebhookConfiguration kyverno-cfg webhook a: original failurePolicy"
                + " restored; checking it again"),
        WaitForWebhooks.waitingLine(answering));
    // Ready but its probe not answered yet: restored all the same, the next round checks it.
    Verdict probeFailing = only(found("a", "Ignore", true, false, "no TLS", true), RELAX);
    assertEquals(Step.RESTORE, probeFailing.step());
    // Restored whatever relaxSelfBlocking says now: the ledger holds its original.
    assertEquals(
        Step.RESTORE, only(found("a", "Ignore", true, false, null, true), NO_RELAX).step());
  }

  @Test
  void aRestoredWebhookAnsweringNeedsNothingMore() {
    Verdict v = only(found("a", "Fail", true, false, null, true), RELAX);
    assertEquals(Step.NONE, v.step());
    assertTrue(v.relaxedByUs(), "still reported as relaxed by this step");
  }

  @Test
  void aRelaxedWebhookAnsweringWithoutReadyEndpointsWaitsFailingOpen() {
    Verdict v = only(found("a", "Ignore", false, false, null, true), RELAX);
    assertEquals(Step.WAIT_FAILING_OPEN, v.step());
    assertEquals(
        Optional.of(
            "ValidatingWebhookConfiguration kyverno-cfg webhook a: its pods are not Ready yet"
                + " (failing open meanwhile)"),
        WaitForWebhooks.waitingLine(v));
  }

  @Test
  void aWebhookFailingOpenOfItsOwnIsNeverRestored() {
    assertEquals(Step.NONE, only(found("a", "Ignore", true, false, null, false), RELAX).step());
    assertEquals(
        Step.WAIT, only(found("a", "Ignore", false, false, NO_ENDPOINT, false), RELAX).step());
  }

  @Test
  void verdictsKeepTheSurveysOrderAndSayWhatAnswersWhatIsRelaxedAndWhatIsWaitedFor() {
    WebhookDecision d =
        WebhookDecision.decide(
            new WebhookSurvey(
                List.of(
                    found("ok", "Fail", true, false, null, false),
                    found("blocked", "Fail", false, true, NO_ENDPOINT, false),
                    found("slow", "Fail", true, false, "no TLS", false),
                    found("back", "Ignore", true, false, null, true))),
            RELAX);
    assertEquals(
        List.of(Step.NONE, Step.RELAX, Step.WAIT, Step.RESTORE),
        d.verdicts().stream().map(Verdict::step).toList());
    String prefix = "ValidatingWebhookConfiguration kyverno-cfg webhook ";
    assertEquals(List.of(prefix + "ok", prefix + "back"), d.answering());
    assertEquals(List.of(prefix + "blocked"), d.relaxing());
    // What the step returns once every webhook answers: all of them; relaxed, the one it relaxes
    // and the one whose original its ledger already held.
    assertEquals(
        List.of(prefix + "ok", prefix + "blocked", prefix + "slow", prefix + "back"), d.found());
    assertEquals(List.of(prefix + "blocked", prefix + "back"), d.relaxed());
    assertEquals(
        List.of("blocked", "slow", "back"),
        d.waiting().stream().map(v -> v.webhook().name()).toList());
  }

  @Test
  void anEmptySurveyDecidesNothing() {
    WebhookDecision d = WebhookDecision.decide(new WebhookSurvey(List.of()), RELAX);
    assertTrue(d.verdicts().isEmpty());
    assertTrue(d.waiting().isEmpty());
  }

  @Test
  void thePlanSaysOfEachWebhookWhatWouldBeDoneAndKeepsThoseAnsweringApart() {
    String prefix = "ValidatingWebhookConfiguration kyverno-cfg webhook ";
    WebhookDecision relaxing =
        WebhookDecision.decide(
            new WebhookSurvey(
                List.of(
                    found("ok", "Fail", true, false, null, false),
                    found("blocked", "Fail", false, true, NO_ENDPOINT, false),
                    found("slow", "Fail", true, false, "no TLS", false))),
            RELAX);
    assertEquals(
        List.of(
            prefix
                + "blocked: "
                + NO_ENDPOINT
                + "; self-blocking: failurePolicy Fail -> Ignore until its pods are Ready, then"
                + " Fail again",
            prefix + "slow: no TLS; would be waited for"),
        WaitForWebhooks.planLines(relaxing, "10m"));
    assertEquals(List.of(prefix + "ok: answering"), WaitForWebhooks.answeringLines(relaxing));
    assertEquals(
        List.of(
            prefix
                + "blocked: "
                + NO_ENDPOINT
                + "; self-blocking (relaxSelfBlocking: true would break it); would be waited for"),
        WaitForWebhooks.planLines(
            WebhookDecision.decide(
                new WebhookSurvey(
                    List.of(found("blocked", "Fail", false, true, NO_ENDPOINT, false))),
                NO_RELAX),
            "10m"));
  }

  private static WebhookSurvey.Found down(String name, boolean podNotReady, boolean mayStart) {
    return new WebhookSurvey.Found(
        webhook(name, "Fail"), false, true, NO_ENDPOINT, false, podNotReady, mayStart);
  }

  @Test
  void aRelaxedWebhookWithAPendingPodMakesRelaxedInexact() {
    WebhookDecision d =
        WebhookDecision.decide(new WebhookSurvey(List.of(down("pending", true, true))), RELAX);
    assertEquals(
        Map.of(
            "relaxed",
            "ValidatingWebhookConfiguration kyverno-cfg webhook pending: its Pending pod may turn"
                + " Ready on the restored nodes before the first probe"),
        d.inexact("10m"));
  }

  @Test
  void aRelaxedWebhookWithoutAPodIsRelaxedExactly() {
    WebhookDecision d =
        WebhookDecision.decide(new WebhookSurvey(List.of(down("blocked", false, true))), RELAX);
    assertEquals(Map.of(), d.inexact("10m"));
    assertEquals(
        List.of("ValidatingWebhookConfiguration kyverno-cfg webhook blocked"), d.relaxed());
  }

  @Test
  void aDownWebhookNothingBringsUpWouldFailTheStepAndMakesHealthyInexact() {
    WebhookDecision d =
        WebhookDecision.decide(new WebhookSurvey(List.of(down("gone", false, false))), NO_RELAX);
    String id = "ValidatingWebhookConfiguration kyverno-cfg webhook gone";
    assertTrue(d.verdicts().get(0).stuck());
    assertEquals(
        Map.of("healthy", id + " answers only if its pods turn Ready within 15m"),
        d.inexact("15m"));
    assertEquals(
        List.of(
            id
                + ": "
                + NO_ENDPOINT
                + "; self-blocking (relaxSelfBlocking: true would break it); nothing starts its"
                + " pods: the step would wait 15m and fail"),
        WaitForWebhooks.planLines(d, "15m"));
  }

  @Test
  void aDownWebhookWhosePodsMayStartIsWaitedForExactly() {
    WebhookDecision d =
        WebhookDecision.decide(new WebhookSurvey(List.of(down("later", true, true))), NO_RELAX);
    assertFalse(d.verdicts().get(0).stuck());
    assertEquals(Map.of(), d.inexact("10m"));
  }

  @Test
  void theDeadlineDefaultsToTenMinutesAlsoWhenItDoesNotParse() {
    assertEquals(Duration.ofMinutes(10), UNSET.deadlineOrDefault());
    assertEquals(
        Duration.ofSeconds(90),
        new WaitForWebhooks.Params(null, null, Duration.ofSeconds(90)).deadlineOrDefault());
    // One that fits the schema's pattern but does not parse (it overflows, or is still an
    // expression once rendered) is bound as absent, so the step waits the default, as it always
    // did.
    assertTrue(
        WaitForWebhooks.Params.class.getRecordComponents()[2].isAnnotationPresent(
            io.eksscheduler.engine.spi.AbsentIfUnparsable.class));
  }

  @Test
  void aResumeNudgesAWebhookItsEarlierAttemptRelaxedThatStillDoesNotAnswer() {
    Verdict resumed = only(found("a", "Ignore", false, false, NO_ENDPOINT, true), RELAX);
    assertEquals(Step.WAIT, resumed.step());
    assertTrue(resumed.nudgeOnResume(), "relaxed, its pods not there: nudged again");
    assertFalse(
        only(found("a", "Ignore", true, false, null, true), RELAX).nudgeOnResume(),
        "relaxed and answering: restored, no nudge");
    assertFalse(
        only(found("a", "Fail", false, true, NO_ENDPOINT, false), RELAX).nudgeOnResume(),
        "not relaxed yet: the relax nudges");
    assertFalse(
        only(found("a", "Ignore", false, false, NO_ENDPOINT, false), RELAX).nudgeOnResume(),
        "failing open by its own choice: not this step's to nudge");
  }
}
