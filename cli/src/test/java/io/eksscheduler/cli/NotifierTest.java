package io.eksscheduler.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook notification over real HTTP, against WireMock. */
class NotifierTest {
  private static final String PATH = "/services/T000/B000/secret-token";
  private static WireMockServer server;
  private final List<Duration> slept = new ArrayList<>();

  private static final Notifier.Message FAILED =
      new Notifier.Message(
          "dev",
          "awake",
          "asleep",
          "20261207T180000Z-abcdef",
          "failed",
          "step drain: timed out",
          "EKS cluster dev: stop failed (run 20261207T180000Z-abcdef): step drain: timed out");

  @BeforeAll
  static void startServer() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  private Notifier notifier(String path) {
    return new Notifier(URI.create(server.baseUrl() + path), slept::add);
  }

  @Test
  void aSlackCompatibleBodyWithTheStructuredFields() throws Exception {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
    assertEquals(Optional.empty(), notifier(PATH).send(FAILED));
    server.verify(
        1,
        postRequestedFor(urlEqualTo(PATH))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson(
                    """
                    {"text": "EKS cluster dev: stop failed (run 20261207T180000Z-abcdef): step drain: timed out",
                     "cluster": "dev", "from": "awake", "to": "asleep",
                     "runId": "20261207T180000Z-abcdef", "result": "failed",
                     "error": "step drain: timed out"}
                    """)));
    assertEquals(List.of(), slept);
  }

  @Test
  void throttlingAndServerErrorsAreTriedAgainThenDelivered() throws Exception {
    server.stubFor(
        post(urlEqualTo(PATH))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429))
            .willSetStateTo("second"));
    server.stubFor(
        post(urlEqualTo(PATH))
            .inScenario("flaky")
            .whenScenarioStateIs("second")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("third"));
    server.stubFor(
        post(urlEqualTo(PATH))
            .inScenario("flaky")
            .whenScenarioStateIs("third")
            .willReturn(aResponse().withStatus(200)));
    assertEquals(Optional.empty(), notifier(PATH).send(FAILED));
    server.verify(3, postRequestedFor(urlEqualTo(PATH)));
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
  }

  @Test
  void aRefusalIsNotTriedAgainAndNoErrorNamesTheUrl() throws Exception {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404)));
    String problem = notifier(PATH).send(FAILED).orElseThrow();
    assertEquals("the webhook answered HTTP 404", problem);
    server.verify(1, postRequestedFor(urlEqualTo(PATH)));

    int port = server.port();
    Notifier gone = notifier(PATH);
    server.stop();
    try {
      String unreachable = gone.send(FAILED).orElseThrow();
      assertTrue(unreachable.startsWith("the webhook could not be reached"), unreachable);
      assertFalse(
          unreachable.contains("secret-token") || unreachable.contains("" + port), unreachable);
      assertEquals(Notifier.TRIES - 1, slept.size());
    } finally {
      server.start();
    }
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> Notifier.parse("hooks.slack.com/services/secret-token", "the variable X"));
    assertFalse(bad.getMessage().contains("secret-token"), bad.getMessage());
  }
}
