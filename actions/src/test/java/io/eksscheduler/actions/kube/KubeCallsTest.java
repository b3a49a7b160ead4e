package io.eksscheduler.actions.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.TestContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KubeCallsTest {
  private static final String APF_BODY = "Too many requests, please try again later.\n";
  private static final String BUDGET_BODY =
      "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Cannot evict pod as it would"
          + " violate the pod's disruption budget.\",\"reason\":\"TooManyRequests\",\"details\":"
          + "{\"causes\":[{\"reason\":\"DisruptionBudget\",\"message\":\"The disruption budget"
          + " postgres needs 1 healthy pods and has 1 currently\"}]},\"code\":429}";

  private static ApiException answer(int code, String body, String retryAfter) {
    Map<String, List<String>> headers =
        retryAfter == null ? Map.of() : Map.of("Retry-After", List.of(retryAfter));
    return new ApiException(code, headers, body);
  }

  @Test
  void throttlingServerErrorsAndNoAnswerAreRetryable() {
    assertTrue(KubeCalls.retryable(answer(429, APF_BODY, "1")));
    assertTrue(KubeCalls.retryable(answer(503, "", null)));
    assertTrue(KubeCalls.retryable(new ApiException(new java.io.IOException("reset"))));
  }

  @Test
  void aServerErrorIsRetriedUnlessItIsTheAnswerTheCallerAsksAbout() throws Exception {
    ApiException webhookDown =
        answer(500, "failed calling webhook \"validate.example\": connection refused", null);
    TestContext ctx = new TestContext();
    AtomicInteger calls = new AtomicInteger();
    KubeCalls.Call<String> failing =
        () -> {
          calls.incrementAndGet();
          throw webhookDown;
        };

    ActionFailure asked =
        assertThrows(
            ActionFailure.class,
            () -> KubeCalls.call(ctx, "probing", failing, e -> e.getCode() == 500));
    assertEquals(1, calls.get());
    assertEquals(webhookDown, asked.getCause());
    assertEquals(List.of(), ctx.sleeps());

    assertThrows(ActionFailure.class, () -> KubeCalls.call(ctx, "patching", failing));
    assertEquals(1 + KubeCalls.ATTEMPTS, calls.get());
    assertEquals(KubeCalls.ATTEMPTS - 1, ctx.sleeps().size());
  }

  @Test
  void aBudgetRefusingAnEvictionIsNotThrottling() {
    assertFalse(KubeCalls.retryable(answer(429, BUDGET_BODY, null)));
    assertTrue(KubeCalls.blockedByBudget(answer(429, BUDGET_BODY, null)));
  }

  @Test
  void clientErrorsAreNotRetryable() {
    for (int code : new int[] {400, 403, 404, 409, 422}) {
      assertFalse(KubeCalls.retryable(answer(code, "", null)), "HTTP " + code);
    }
  }

  @Test
  void backoffDoublesFrom200msAndStopsAt10s() {
    assertEquals(Duration.ofMillis(200), KubeCalls.delay(1, Optional.empty(), 0));
    assertEquals(Duration.ofMillis(400), KubeCalls.delay(2, Optional.empty(), 0));
    assertEquals(Duration.ofMillis(6400), KubeCalls.delay(6, Optional.empty(), 0));
    assertEquals(Duration.ofSeconds(10), KubeCalls.delay(7, Optional.empty(), 0));
    assertEquals(Duration.ofSeconds(10), KubeCalls.delay(40, Optional.empty(), 0));
  }

  @Test
  void retryAfterIsAFloorNotACeiling() {
    assertEquals(Duration.ofSeconds(1), KubeCalls.delay(1, Optional.of(Duration.ofSeconds(1)), 0));
    assertEquals(Duration.ofSeconds(10), KubeCalls.delay(9, Optional.of(Duration.ofSeconds(1)), 0));
  }

  @Test
  void jitterAddsUpToHalfTheWait() {
    assertEquals(
        Duration.ofMillis(1500), KubeCalls.delay(1, Optional.of(Duration.ofSeconds(1)), 1));
    assertEquals(Duration.ofMillis(250), KubeCalls.delay(1, Optional.empty(), 0.5));
  }

  @Test
  void aThrottledCallIsRetriedAfterItsRetryAfterUntilItSucceeds() throws Exception {
    TestContext ctx = new TestContext();
    AtomicInteger calls = new AtomicInteger();

    String answer =
        KubeCalls.call(
            ctx,
            "listing nodes",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw answer(429, APF_BODY, "1");
              }
              return "nodes";
            });

    assertEquals("nodes", answer);
    assertEquals(3, calls.get());
    assertEquals(2, ctx.sleeps().size());
    ctx.sleeps().forEach(d -> assertTrue(d.compareTo(Duration.ofSeconds(1)) >= 0, d.toString()));
    assertTrue(ctx.progress().get(0).startsWith("listing nodes: HTTP 429, retrying in "));
  }

  @Test
  void aServerErrorThatLastsFailsRetryablyAfterTheLastAttempt() {
    TestContext ctx = new TestContext();
    AtomicInteger calls = new AtomicInteger();

    ActionFailure failure =
        assertThrows(
            ActionFailure.class,
            () ->
                KubeCalls.call(
                    ctx,
                    "listing pods",
                    () -> {
                      calls.incrementAndGet();
                      throw answer(503, "", null);
                    }));

    assertEquals(KubeCalls.ATTEMPTS, calls.get());
    assertEquals(KubeCalls.ATTEMPTS - 1, ctx.sleeps().size());
    assertTrue(failure.retryable());
    assertTrue(failure.getMessage().startsWith("listing pods: HTTP 503"), failure.getMessage());
  }

  @Test
  void aBudgetRefusalFailsAtOnce() {
    TestContext ctx = new TestContext();
    AtomicInteger calls = new AtomicInteger();

    ActionFailure failure =
        assertThrows(
            ActionFailure.class,
            () ->
                KubeCalls.call(
                    ctx,
                    "evicting data/postgres-0",
                    () -> {
                      calls.incrementAndGet();
                      throw answer(429, BUDGET_BODY, null);
                    }));

    assertEquals(1, calls.get());
    assertEquals(List.of(), ctx.sleeps());
    assertFalse(failure.retryable());
  }
}
