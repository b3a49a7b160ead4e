package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  @Test
  void placeholdersAreReplaced() {
    String out =
        Template.render(
            "t",
            "port: ${sandbox.webhookPort}\nca: ${sandbox.caBundle}",
            Map.of("webhookPort", "4443", "caBundle", "QUJD"));

    assertEquals("port: 4443\nca: QUJD", out);
  }

  @Test
  void otherDollarBracesAreLeftAlone() {
    assertEquals("echo ${HOME}", Template.render("t", "echo ${HOME}", Map.of()));
  }

  @Test
  void unknownPlaceholderIsReportedWithItsLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Template.render(
                    "s.yaml", "a: 1\nb: ${sandbox.webhokPort}", Map.of("webhookPort", "1")));

    assertTrue(
        e.getMessage().contains("s.yaml:2: unknown placeholder ${sandbox.webhokPort}"),
        e.getMessage());
    assertTrue(e.getMessage().contains("known: [webhookPort]"), e.getMessage());
  }

  @Test
  void replacementValuesAreTakenLiterally() {
    assertEquals("x=$1\\", Template.render("t", "x=${sandbox.v}", Map.of("v", "$1\\")));
  }
}
