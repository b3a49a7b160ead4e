package io.eksscheduler.cli.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Names and labels of the store's objects. Object names are DNS-1123 subdomains (lower case,
 * digits, '-' and '.'), label values at most 63 characters; run ids and lock keys are neither (a
 * run id such as {@code 20261124T173000Z-3f9a1c} has capitals, a key such as {@code cluster/dev} a
 * slash), so a name is a readable slug of the id followed by a hash of the exact id, and the id
 * itself is kept in an annotation.
 */
final class StoreNames {
  /** Labels every object of the store carries. */
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  static final String MANAGER = "eks-scheduler";
  static final String PART = "eks-scheduler.io/part";
  static final String RUN = "eks-scheduler.io/run";
  static final String LOCK = "eks-scheduler.io/lock";
  static final String RUN_ID = "eks-scheduler.io/run-id";
  static final String KEY = "eks-scheduler.io/key";
  static final String SUMMARY = "eks-scheduler.io/summary";
  static final String HOLDER = "eks-scheduler.io/holder";

  /** The Secret type of the store's objects, so that no other tool mistakes them for its own. */
  static final String SECRET_TYPE = "eks-scheduler.io/run";

  private static final int SLUG = 40;

  private StoreNames() {}

  /** The head object of run {@code runId}: {@code run-SLUG-HASH}. */
  static String run(String runId) {
    return "run-" + slug(runId) + "-" + hash(runId, 10);
  }

  /** The Lease of run {@code runId}; Leases and Secrets do not share names, so the run's. */
  static String runLease(String runId) {
    return run(runId);
  }

  /** The Lease of playbook lock key {@code key}: {@code lock-SLUG-HASH}. */
  static String keyLease(String key) {
    return "lock-" + slug(key) + "-" + hash(key, 10);
  }

  /** A sealed chunk of run {@code runId}'s records, from event {@code first} to {@code last}. */
  static String chunk(String runId, long first, long last) {
    return run(runId) + "-c" + first + "-" + last;
  }

  /** Part {@code index} of a record too large for one object, {@code nonce} set by its writer. */
  static String part(String runId, String key, String nonce, int index) {
    return run(runId) + "-p" + hash(key, 8) + nonce + "-" + index;
  }

  /** The label value that selects every object of run {@code runId}. */
  static String runLabel(String runId) {
    return hash(runId, 32);
  }

  /** The label value that selects the runs of lock key {@code key}. */
  static String lockLabel(String key) {
    return hash(key, 32);
  }

  /** Lower case letters and digits of {@code text}, other runs of characters as one '-'. */
  static String slug(String text) {
    String s =
        text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > SLUG) {
      s = s.substring(0, SLUG).replaceAll("-+$", "");
    }
    return s.isEmpty() ? "x" : s;
  }

  /** The first {@code chars} hex digits of SHA-256 of {@code text}. */
  static String hash(String text, int chars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder();
      for (byte b : d) {
        out.append(String.format("%02x", b));
      }
      return out.substring(0, chars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
