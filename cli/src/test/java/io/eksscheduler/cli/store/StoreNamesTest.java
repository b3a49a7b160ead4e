package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StoreNamesTest {
  private static final String DNS_1123 = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";

  @Test
  void runIdsAndKeysBecomeDns1123NamesThatKeepThemApart() {
    String a = StoreNames.run("20261124T173000Z-3f9a1c");
    String b = StoreNames.run("20261124t173000z-3f9a1c");
    assertTrue(a.matches(DNS_1123), a);
    assertTrue(a.startsWith("run-20261124t173000z-3f9a1c-"), a);
    assertNotEquals(a, b, "ids that differ only in case get different names");
    String key = StoreNames.keyLease("cluster/dev");
    assertTrue(key.matches(DNS_1123) && key.startsWith("lock-cluster-dev-"), key);
  }

  @Test
  void longKeysAreCutAndHashed() {
    String key = StoreNames.keyLease("x/".repeat(300));
    assertTrue(key.length() < 64, key);
    assertTrue(key.matches(DNS_1123), key);
    String chunk = StoreNames.chunk("r".repeat(128), 1_000_000, 2_000_000);
    assertTrue(chunk.length() < 253 && chunk.matches(DNS_1123), chunk);
  }

  @Test
  void labelValuesAreShortHashes() {
    assertEquals(32, StoreNames.runLabel("any run id").length());
    assertEquals(StoreNames.lockLabel("cluster/dev"), StoreNames.lockLabel("cluster/dev"));
  }
}
