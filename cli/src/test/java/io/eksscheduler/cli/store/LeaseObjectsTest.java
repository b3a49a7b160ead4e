package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.LockHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseObjectsTest {
  private static final ObjectMapper JSON = Json.mapper();
  private static final LockHolder ALICE =
      new LockHolder("run-a", 1, "alice", Instant.parse("2026-12-06T10:00:00Z"));
  private static final String T0 = "2026-12-06T10:00:00.000000Z";

  private static JsonNode lease(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void aNewLeaseIsHeldByThisProcessWithTheHolderNoted() throws Exception {
    JsonNode created =
        LeaseObjects.created(
            "runs",
            "lock-dev-1234",
            Map.of(StoreNames.LOCK, "abc"),
            Map.of(StoreNames.KEY, "cluster/dev"),
            ALICE,
            "host/1/n",
            Duration.ofSeconds(30),
            T0);
    assertEquals(
        "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{"
            + "\"name\":\"lock-dev-1234\",\"namespace\":\"runs\",\"labels\":{"
            + "\"app.kubernetes.io/managed-by\":\"eks-scheduler\",\"eks-scheduler.io/lock\":\"abc\"},"
            + "\"annotations\":{\"eks-scheduler.io/key\":\"cluster/dev\","
            + "\"eks-scheduler.io/holder\":\"{\\\"runId\\\":\\\"run-a\\\",\\\"pid\\\":1,"
            + "\\\"host\\\":\\\"alice\\\",\\\"since\\\":\\\"2026-12-06T10:00:00Z\\\"}\"}},"
            + "\"spec\":{\"holderIdentity\":\"host/1/n\",\"leaseDurationSeconds\":30,"
            + "\"acquireTime\":\""
            + T0
            + "\",\"renewTime\":\""
            + T0
            + "\",\"leaseTransitions\":0}}",
        JSON.writeValueAsString(created));
  }

  @Test
  void takingAnothersLeaseCountsATransitionAndKeepsItsResourceVersion() throws Exception {
    JsonNode read =
        lease(
            "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"holderIdentity\":\"other\","
                + "\"leaseTransitions\":2,\"leaseDurationSeconds\":60}}");
    JsonNode taken = LeaseObjects.taken(read, "me", Duration.ofSeconds(30), ALICE, T0);
    assertEquals("7", taken.path("metadata").path("resourceVersion").asText());
    assertEquals("me", taken.path("spec").path("holderIdentity").asText());
    assertEquals(30, taken.path("spec").path("leaseDurationSeconds").asInt());
    assertEquals(3, taken.path("spec").path("leaseTransitions").asInt());
    assertEquals(T0, taken.path("spec").path("acquireTime").asText());
    assertEquals(ALICE, LeaseObjects.holderOf(taken, "lock"));
    assertEquals("other", read.path("spec").path("holderIdentity").asText(), "read is unchanged");
  }

  @Test
  void takingOwnLeaseAgainIsNoTransition() throws Exception {
    JsonNode read = lease("{\"spec\":{\"holderIdentity\":\"me\",\"leaseTransitions\":2}}");
    assertEquals(
        2,
        LeaseObjects.taken(read, "me", Duration.ofSeconds(30), ALICE, T0)
            .path("spec")
            .path("leaseTransitions")
            .asInt());
  }

  @Test
  void aFreeLeaseTakenCountsATransition() throws Exception {
    JsonNode read = lease("{\"spec\":{}}");
    assertEquals(
        1,
        LeaseObjects.taken(read, "me", Duration.ofSeconds(30), ALICE, T0)
            .path("spec")
            .path("leaseTransitions")
            .asInt());
  }

  @Test
  void aRenewalChangesOnlyTheRenewTime() throws Exception {
    JsonNode read =
        lease("{\"spec\":{\"holderIdentity\":\"me\",\"renewTime\":\"a\",\"acquireTime\":\"a\"}}");
    JsonNode renewed = LeaseObjects.renewed(read, T0);
    assertEquals(
        "{\"spec\":{\"holderIdentity\":\"me\",\"renewTime\":\"" + T0 + "\",\"acquireTime\":\"a\"}}",
        JSON.writeValueAsString(renewed));
  }

  @Test
  void aClearedLeaseHasNoHolderNorNote() throws Exception {
    JsonNode read =
        lease(
            "{\"metadata\":{\"annotations\":{\"eks-scheduler.io/holder\":\"{}\",\"k\":\"v\"}},"
                + "\"spec\":{\"holderIdentity\":\"me\",\"renewTime\":\"a\"}}");
    assertEquals(
        "{\"metadata\":{\"annotations\":{\"k\":\"v\"}},\"spec\":{\"renewTime\":\"a\"}}",
        JSON.writeValueAsString(LeaseObjects.cleared(read)));
  }

  @Test
  void mineIsThisIdentityWithThisRenewal() throws Exception {
    JsonNode read = lease("{\"spec\":{\"holderIdentity\":\"me\",\"renewTime\":\"" + T0 + "\"}}");
    assertTrue(LeaseObjects.mine(read, "me", T0));
    assertFalse(LeaseObjects.mine(read, "me", "2026-12-06T10:00:01.000000Z"));
    assertFalse(LeaseObjects.mine(read, "other", T0));
  }

  @Test
  void aLeaseExpiresOneDurationAfterItsLastRenewal() throws Exception {
    JsonNode read = lease("{\"spec\":{\"renewTime\":\"" + T0 + "\",\"leaseDurationSeconds\":30}}");
    Instant renewed = Instant.parse("2026-12-06T10:00:00Z");
    assertFalse(LeaseObjects.expired(read, renewed.plusSeconds(30)));
    assertTrue(LeaseObjects.expired(read, renewed.plusSeconds(31)));
  }

  @Test
  void aLeaseWithoutAReadableRenewalNeverExpires() throws Exception {
    assertFalse(LeaseObjects.expired(lease("{\"spec\":{}}"), Instant.MAX));
    assertFalse(
        LeaseObjects.expired(lease("{\"spec\":{\"renewTime\":\"yesterday\"}}"), Instant.MAX));
  }

  @Test
  void aLeaseWithoutDurationLastsSixtySeconds() throws Exception {
    JsonNode read = lease("{\"spec\":{\"renewTime\":\"" + T0 + "\"}}");
    assertEquals(60, LeaseObjects.seconds(read));
    assertFalse(LeaseObjects.expired(read, Instant.parse("2026-12-06T10:01:00Z")));
    assertTrue(LeaseObjects.expired(read, Instant.parse("2026-12-06T10:01:01Z")));
  }

  @Test
  void theHolderFallsBackOnTheIdentityWhenItsNoteIsUnreadable() throws Exception {
    JsonNode read =
        lease(
            "{\"metadata\":{\"annotations\":{\"eks-scheduler.io/holder\":\"not json\"}},"
                + "\"spec\":{\"holderIdentity\":\"host/9/x\",\"acquireTime\":\""
                + T0
                + "\"}}");
    assertEquals(
        new LockHolder("unknown", 0, "host/9/x", Instant.parse("2026-12-06T10:00:00Z")),
        LeaseObjects.holderOf(read, "lock"));
    assertEquals(
        new LockHolder("unknown", 0, "an unknown runner", null),
        LeaseObjects.holderOf(lease("{}"), "lock"));
  }

  @Test
  void theRenewalIsHolderAndRenewTime() throws Exception {
    assertEquals(
        "host/9/x@" + T0,
        LeaseObjects.renewal(
            lease("{\"spec\":{\"holderIdentity\":\"host/9/x\",\"renewTime\":\"" + T0 + "\"}}")));
    assertEquals("@", LeaseObjects.renewal(lease("{}")));
  }

  @Test
  void microTimeHasSixDigits() {
    assertEquals(
        "2026-12-06T10:00:00.123456Z",
        LeaseObjects.micro(Instant.parse("2026-12-06T10:00:00.123456789Z")));
  }
}
