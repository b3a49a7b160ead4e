package io.eksscheduler.engine.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes files so that a crash at any instant leaves either the old or the new content, never a
 * torn file, and counts the fsyncs it makes.
 */
final class DurableFiles {
  private final AtomicLong fsyncs = new AtomicLong();

  /** Writes {@code bytes} to {@code target} through a temp file, fsync and rename. */
  void replace(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, bytes);
      ch.force(true);
      fsyncs.incrementAndGet();
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.getParent());
  }

  /** Appends {@code bytes} to an open append-mode channel and fsyncs it. */
  void append(FileChannel channel, byte[] bytes) throws IOException {
    writeFully(channel, bytes);
    channel.force(false);
    fsyncs.incrementAndGet();
  }

  /** Appends {@code bytes} without waiting for the disk (for lines losing which costs nothing). */
  void appendLazily(FileChannel channel, byte[] bytes) throws IOException {
    writeFully(channel, bytes);
  }

  /** Makes a directory's entries (a rename, a new file) durable. */
  void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
      fsyncs.incrementAndGet();
    } catch (IOException e) {
      // Some file systems refuse to open directories; the rename itself is still atomic there.
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }

  long fsyncs() {
    return fsyncs.get();
  }

  private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      ch.write(buffer);
    }
  }
}
