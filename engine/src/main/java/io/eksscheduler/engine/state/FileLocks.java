package io.eksscheduler.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * OS file locks, one file per key, each file holding its holder as JSON: the OS frees a lock when
 * its process ends, so a holder left in a file that can be locked is a dead one.
 */
final class FileLocks {
  private final ObjectMapper json;
  private final DurableFiles files;

  FileLocks(ObjectMapper json, DurableFiles files) {
    this.json = json;
    this.files = files;
  }

  /** The holder of the lock in {@code file} when a live process holds it (run {@code runId}). */
  Optional<LockHolder> liveHolder(Path file, String runId) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return Optional.empty();
      }
      LockHolder holder = readHolder(ch);
      return Optional.of(
          holder != null ? holder : new LockHolder(runId, 0, "an unknown process", null));
    }
  }

  /**
   * Takes the lock of {@code key} in {@code dir} for {@code holder}, writing the holder into its
   * file; {@code what} names the lock in the error when another process holds it.
   */
  RunLock take(Path dir, String key, String what, LockHolder holder)
      throws IOException, LockHeldException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(key));
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process (only in tests: each run is its own process)
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    // The holder is read through the channel already open: POSIX drops a process's lock when
    // any descriptor of the file is closed, so opening the file a second time would lose it.
    LockHolder written = readHolder(ch);
    if (lock == null) {
      ch.close();
      throw new LockHeldException(what, written);
    }
    // The OS frees a lock when its process dies; a holder still written in the file is dead.
    ch.truncate(0);
    files.append(ch.position(0), json.writeValueAsBytes(holder));
    FileLock held = lock;
    return new RunLock() {
      @Override
      public Optional<LockHolder> tookOverFrom() {
        return Optional.ofNullable(written);
      }

      @Override
      public void close() {
        try {
          ch.truncate(0);
          held.release();
          ch.close();
        } catch (IOException e) {
          throw new IllegalStateException("releasing " + what + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private LockHolder readHolder(FileChannel ch) {
    try {
      long size = ch.size();
      if (size == 0 || size > 64 * 1024) {
        return null;
      }
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && ch.read(buffer, buffer.position()) > 0) {
        // read until full
      }
      return json.readValue(buffer.array(), LockHolder.class);
    } catch (IOException e) {
      return null; // an unreadable holder is reported as unknown, the lock itself still decides
    }
  }

  /** A file name for any key: keys may hold '/', spaces and anything else. */
  static String fileName(String key) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A");
    if (encoded.length() > 150 || encoded.startsWith(".")) {
      encoded = sha256(key);
    }
    return encoded + ".lock";
  }

  static String sha256(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder();
      for (byte b : d) {
        out.append(String.format("%02x", b));
      }
      return out.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
