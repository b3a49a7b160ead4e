package io.eksscheduler.actions.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.originals.MemoryLedger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSurveyTest {
  private static Webhook webhook(String kind, String configuration, String name) {
    return new Webhook(
        kind, configuration, 0, name, "Fail", "None", Optional.empty(), null, null, List.of(), "1");
  }

  private static final Webhook A = webhook(Webhook.VALIDATING, "a-cfg", "a");
  private static final Webhook B = webhook(Webhook.MUTATING, "b-cfg", "b");
  private static final Webhook C = webhook(Webhook.VALIDATING, "c-cfg", "c");

  @Test
  void noConfigurationNamedSelectsAllInOrder() {
    assertEquals(List.of(A, B, C), WebhookSurvey.selected(List.of(A, B, C), null));
    assertEquals(List.of(A, B, C), WebhookSurvey.selected(List.of(A, B, C), List.of()));
  }

  @Test
  void configurationsNamedSelectOnlyTheirWebhooksInTheOrderRead() {
    assertEquals(
        List.of(A, C), WebhookSurvey.selected(List.of(A, B, C), List.of("c-cfg", "a-cfg")));
    assertEquals(List.of(), WebhookSurvey.selected(List.of(A, B, C), List.of("gone-cfg")));
  }

  @Test
  void theLedgerSaysWhichWebhooksThisStepRelaxed() {
    MemoryLedger ledger = new MemoryLedger();
    ledger.put(B.ledgerKey(), "Fail");
    WebhookSurvey survey =
        new WebhookSurvey(
                List.of(
                    new WebhookSurvey.Found(A, true, false, null, false),
                    new WebhookSurvey.Found(B, false, false, "no ready endpoint", false)))
            .withLedger(ledger);
    assertFalse(survey.found().get(0).relaxedByUs());
    assertTrue(survey.found().get(1).relaxedByUs());
    assertEquals("no ready endpoint", survey.found().get(1).why());
    assertEquals(List.of(A, B), survey.webhooks());
  }

  @Test
  void theLedgerKeyNamesTheKindTheConfigurationAndTheWebhook() {
    assertEquals("original:MutatingWebhookConfiguration b-cfg/b", B.ledgerKey());
    assertEquals("MutatingWebhookConfiguration b-cfg webhook b", B.id());
  }
}
