package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.controlplane.Pki;
import io.eksscheduler.sandbox.junit.ClusterAdminServiceAccount;
import io.eksscheduler.sandbox.junit.KubernetesThrottle;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tight API Priority and Fairness as tests use it: the real kube-apiserver answers 429 to part of a
 * burst of the throttled identity's requests, the audit log records them, and everyone else is
 * served as usual.
 */
@ExtendWith(SandboxExtension.class)
class ApiPriorityAndFairnessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BURST = 40;

  @Test
  void throttledUserGetsSome429sInABurstWhileOtherUsersAreServed(TestSandbox sandbox)
      throws Exception {
    ClusterAdminServiceAccount throttled = sandbox.clusterAdminServiceAccount("apf-throttled");
    ClusterAdminServiceAccount other = sandbox.clusterAdminServiceAccount("apf-other");
    long auditFrom = Files.size(sandbox.auditLog());
    Map<String, Tally> tallies;
    try (KubernetesThrottle throttle = sandbox.throttleKubernetes(throttled.username())) {
      tallies =
          burst(
              Map.of(
                  throttled.username(), throttled.client(),
                  other.username(), other.client(),
                  Pki.RESTRICTED.commonName(), sandbox.restrictedClient(),
                  Pki.ADMIN.commonName(), sandbox.adminClient()));
    }
    Tally mine = tallies.get(throttled.username());
    assertTrue(mine.throttled() > 0, "no 429 in a burst of " + BURST + ": " + tallies);
    assertTrue(mine.served() > 0, "every request refused: " + tallies);
    assertEquals(BURST, mine.throttled() + mine.served(), "other failures: " + tallies);
    for (String user :
        List.of(other.username(), Pki.RESTRICTED.commonName(), Pki.ADMIN.commonName())) {
      assertEquals(new Tally(BURST, 0), tallies.get(user), user + " was affected: " + tallies);
    }
    System.err.println("[apf] burst of " + BURST + " per user: " + tallies);

    // The audit log has them too, by responseStatus.code; the other users have none.
    Wait.until(
        mine.throttled() + " audited 429s of " + throttled.username(),
        Duration.ofSeconds(10),
        Duration.ofMillis(200),
        () -> {
          Map<String, Long> audited = audited429s(sandbox.auditLog(), auditFrom);
          long count = audited.getOrDefault(throttled.username(), 0L);
          boolean othersClean =
              List.of(other.username(), Pki.RESTRICTED.commonName(), Pki.ADMIN.commonName())
                  .stream()
                  .noneMatch(audited::containsKey);
          return count == mine.throttled() && othersClean
              ? Optional.empty()
              : Optional.of("audited 429s by user: " + audited);
        });
  }

  @Test
  void closingTheThrottleServesEveryRequestAgain(TestSandbox sandbox) throws Exception {
    ClusterAdminServiceAccount account = sandbox.clusterAdminServiceAccount("apf-closed");
    sandbox.throttleKubernetes(account.username()).close();
    // The API server takes the deletion in asynchronously, within milliseconds.
    Wait.until(
        "a burst of " + account.username() + " served in full",
        Duration.ofSeconds(10),
        Duration.ofMillis(200),
        () -> {
          Tally t = burst(Map.of(account.username(), account.client())).get(account.username());
          return t.equals(new Tally(BURST, 0)) ? Optional.empty() : Optional.of(t.toString());
        });
  }

  @Test
  void aGroupThrottleSharesOneSeatAmongItsMembers(TestSandbox sandbox) throws Exception {
    ClusterAdminServiceAccount first = sandbox.clusterAdminServiceAccount("apf-group-1");
    ClusterAdminServiceAccount second = sandbox.clusterAdminServiceAccount("apf-group-2");
    Map<String, Tally> tallies;
    try (KubernetesThrottle throttle =
        sandbox.throttleKubernetesGroup(ClusterAdminServiceAccount.GROUP)) {
      tallies =
          burst(
              Map.of(
                  first.username(), first.client(),
                  second.username(), second.client(),
                  Pki.RESTRICTED.commonName(), sandbox.restrictedClient()));
    }
    assertTrue(tallies.get(first.username()).throttled() > 0, tallies.toString());
    assertTrue(tallies.get(second.username()).throttled() > 0, tallies.toString());
    assertEquals(new Tally(BURST, 0), tallies.get(Pki.RESTRICTED.commonName()), tallies.toString());
  }

  @Test
  void theAdminCannotBeThrottled(TestSandbox sandbox) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sandbox.throttleKubernetes(Pki.ADMIN.commonName()));
    assertTrue(e.getMessage().contains("system:masters"), e.getMessage());
  }

  /** How one user's requests of a burst were answered. */
  record Tally(int served, int throttled) {}

  /**
   * Sends {@link #BURST} requests per user, all released at once, each listing the pods of
   * namespace shop (which every identity here may read).
   */
  private static Map<String, Tally> burst(Map<String, ApiClient> clients) {
    int total = BURST * clients.size();
    ExecutorService pool = Executors.newFixedThreadPool(total);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Map<String, List<Future<Integer>>> answers = new LinkedHashMap<>();
      for (Map.Entry<String, ApiClient> e : clients.entrySet()) {
        CoreV1Api core = new CoreV1Api(e.getValue());
        List<Future<Integer>> mine = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
          mine.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      core.listNamespacedPod("shop").execute();
                      return 200;
                    } catch (ApiException ex) {
                      return ex.getCode();
                    }
                  }));
        }
        answers.put(e.getKey(), mine);
      }
      start.countDown();
      Map<String, Tally> out = new LinkedHashMap<>();
      for (Map.Entry<String, List<Future<Integer>>> e : answers.entrySet()) {
        int served = 0;
        int throttled = 0;
        for (Future<Integer> f : e.getValue()) {
          int code = f.get();
          if (code == 200) {
            served++;
          } else if (code == 429) {
            throttled++;
          }
        }
        out.put(e.getKey(), new Tally(served, throttled));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("burst: " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The 429s the audit log recorded from byte {@code from} on, by user name. */
  static Map<String, Long> audited429s(Path auditLog, long from) {
    Map<String, Long> out = new LinkedHashMap<>();
    try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
      file.seek(from);
      byte[] rest = new byte[(int) (file.length() - from)];
      file.readFully(rest);
      String text = new String(rest, StandardCharsets.UTF_8);
      // The API server may be writing the last line: only whole lines are read.
      for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (event.path("responseStatus").path("code").asInt() == 429) {
          out.merge(event.path("user").path("username").asText(), 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading " + auditLog + ": " + e.getMessage(), e);
    }
    return out;
  }
}
