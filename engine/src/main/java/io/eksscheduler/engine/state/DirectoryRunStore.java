package io.eksscheduler.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps runs in a directory: {@code runs/RUN_ID/} holds {@code events.jsonl} (the append-only log:
 * every transition and ledger entry, fsynced before the engine goes on), {@code state.json} (a
 * snapshot, replaced atomically: temp file, fsync, rename, directory fsync) and {@code
 * playbook.yaml} (the text the run started with); {@code locks/keys/} and {@code locks/runs/} hold
 * one file per playbook lock key and per run.
 *
 * <p>A transition appends only what it changed, so it costs one fsync whatever the size of the run;
 * the snapshot is rewritten when the log since it has outgrown it and at every run-level event.
 * {@link #load} folds the log newer than the snapshot back in.
 */
public final class DirectoryRunStore implements RunStore {
  private static final String STATE = "state.json";
  private static final String EVENTS = "events.jsonl";
  private static final String PLAYBOOK = "playbook.yaml";

  private final Path root;
  private final ObjectMapper json = Json.mapper();
  private final DurableFiles files = new DurableFiles();
  private final FileLocks locks = new FileLocks(json, files);
  private final Map<String, FileChannel> eventLogs = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Map<String, Long> snapshotBytes = new HashMap<>();
  private final Map<String, Long> sinceSnapshot = new HashMap<>();

  public DirectoryRunStore(Path root) {
    this.root = root;
  }

  /** The directory holding run {@code runId}. */
  public Path runDirectory(String runId) {
    return root.resolve("runs").resolve(runId);
  }

  /** The fsyncs made so far, for the benchmark. */
  public long fsyncs() {
    return files.fsyncs();
  }

  @Override
  public synchronized void create(RunState state, String playbookText) throws IOException {
    Path dir = runDirectory(state.runId());
    Files.createDirectories(dir.getParent());
    if (Files.exists(dir)) {
      throw new RunExistsException(state.runId(), dir.getParent().toString());
    }
    // Built aside and renamed into place, so a crash never leaves a run without its state.
    Path staging = Files.createTempDirectory(dir.getParent(), "." + state.runId() + ".");
    files.replace(staging.resolve(PLAYBOOK), playbookText.getBytes(StandardCharsets.UTF_8));
    byte[] snapshot = json.writeValueAsBytes(state);
    files.replace(staging.resolve(STATE), snapshot);
    try {
      Files.move(staging, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(staging.resolve(PLAYBOOK));
      Files.deleteIfExists(staging.resolve(STATE));
      Files.deleteIfExists(staging);
      if (Files.exists(dir)) {
        throw new RunExistsException(state.runId(), dir.getParent().toString());
      }
      throw e;
    }
    files.syncDirectory(dir.getParent());
    lastSeq.put(state.runId(), 0L);
    snapshotBytes.put(state.runId(), (long) snapshot.length);
    sinceSnapshot.put(state.runId(), 0L);
  }

  @Override
  public synchronized void save(RunState state) throws IOException {
    byte[] bytes = json.writeValueAsBytes(state);
    files.replace(runDirectory(state.runId()).resolve(STATE), bytes);
    snapshotBytes.put(state.runId(), (long) bytes.length);
    sinceSnapshot.put(state.runId(), 0L);
  }

  @Override
  public synchronized Event append(Event event, boolean durable) throws IOException {
    long seq = nextSeq(event.run());
    Event numbered = event.numbered(seq);
    byte[] line = (json.writeValueAsString(numbered) + "\n").getBytes(StandardCharsets.UTF_8);
    if (durable) {
      files.append(eventLog(event.run()), line);
    } else {
      files.appendLazily(eventLog(event.run()), line);
    }
    lastSeq.put(event.run(), seq);
    sinceSnapshot.merge(event.run(), (long) line.length, Long::sum);
    return numbered;
  }

  @Override
  public synchronized boolean snapshotDue(String runId) {
    // Rewriting the snapshot once the log since it has outgrown it keeps the cost per transition
    // constant on average, however many steps the run has.
    return sinceSnapshot.getOrDefault(runId, 0L) > snapshotBytes.getOrDefault(runId, 0L);
  }

  private long nextSeq(String runId) throws IOException {
    Long last = lastSeq.get(runId);
    if (last == null) {
      List<Event> events = events(runId);
      last = events.isEmpty() ? 0L : events.get(events.size() - 1).seq();
      lastSeq.put(runId, last);
    }
    return last + 1;
  }

  private FileChannel eventLog(String runId) throws IOException {
    FileChannel ch = eventLogs.get(runId);
    if (ch == null) {
      Path log = runDirectory(runId).resolve(EVENTS);
      dropTornTail(log);
      ch =
          FileChannel.open(
              log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      eventLogs.put(runId, ch);
    }
    return ch;
  }

  /**
   * Cuts a last line left incomplete by a crash mid-append, so the next event starts on a line of
   * its own instead of being glued to the fragment.
   */
  private void dropTornTail(Path log) throws IOException {
    if (!Files.isRegularFile(log)) {
      return;
    }
    try (FileChannel ch =
        FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long keep = size;
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        ch.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      if (keep < size) {
        ch.truncate(keep);
        ch.force(true);
      }
    }
  }

  @Override
  public synchronized Optional<RunState> load(String runId) throws IOException {
    Path state = runDirectory(runId).resolve(STATE);
    if (!Files.isRegularFile(state)) {
      return Optional.empty();
    }
    RunState saved = json.readValue(state.toFile(), RunState.class);
    RunState folded = saved;
    for (Event e : events(runId)) {
      if (e.seq() > saved.lastEventSeq()) {
        folded = StateLog.apply(folded, e);
      }
    }
    return Optional.of(folded);
  }

  @Override
  public String playbookText(String runId) throws IOException {
    return Files.readString(runDirectory(runId).resolve(PLAYBOOK), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void replacePlaybook(String runId, String playbookText) throws IOException {
    files.replace(
        runDirectory(runId).resolve(PLAYBOOK), playbookText.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  @Override
  public String where(String runId) {
    return runDirectory(runId).toString();
  }

  @Override
  public List<RunSummary> summaries(List<String> problems) throws IOException {
    List<RunSummary> out = new ArrayList<>();
    for (String id : runIds()) {
      try {
        load(id).map(RunSummary::of).ifPresent(out::add);
      } catch (IOException | RuntimeException e) {
        problems.add("run " + id + " cannot be read: " + e.getMessage());
      }
    }
    out.sort(
        java.util.Comparator.comparing(RunSummary::startedAt).thenComparing(RunSummary::runId));
    return out;
  }

  /**
   * Probes the run's lock file: a lock this process can take is nobody's (it is released at once).
   * Not for a run this process holds: closing the probe's descriptor would drop the process's own
   * POSIX lock.
   */
  @Override
  public Optional<LockHolder> liveHolder(String runId) throws IOException {
    return locks.liveHolder(root.resolve("locks").resolve("runs").resolve(fileName(runId)), runId);
  }

  @Override
  public Optional<LockHolder> breakLock(String key) {
    throw new UnsupportedOperationException(
        "the locks of "
            + describe()
            + " are OS file locks: they end when their process ends, and cannot be broken by"
            + " hand");
  }

  @Override
  public List<String> runIds() throws IOException {
    Path runs = root.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(
            runs, d -> Files.isDirectory(d) && !d.getFileName().toString().startsWith("."))) {
      for (Path d : dirs) {
        if (Files.isRegularFile(d.resolve(STATE))) {
          ids.add(d.getFileName().toString());
        }
      }
    }
    Collections.sort(ids);
    return ids;
  }

  @Override
  public List<Event> events(String runId) throws IOException {
    Path log = runDirectory(runId).resolve(EVENTS);
    if (!Files.isRegularFile(log)) {
      return List.of();
    }
    List<Event> events = new ArrayList<>();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(json.readValue(line, Event.class));
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          break; // a line torn by a crash mid-append; everything before it is whole
        }
        throw new IOException(log + " line " + (i + 1) + " is damaged: " + e.getMessage(), e);
      }
    }
    return events;
  }

  @Override
  public RunLock lock(String key, LockHolder holder) throws IOException, LockHeldException {
    return locks.take(root.resolve("locks").resolve("keys"), key, "lock '" + key + "'", holder);
  }

  @Override
  public RunLock lockRun(String runId, LockHolder holder) throws IOException, LockHeldException {
    return locks.take(root.resolve("locks").resolve("runs"), runId, "run " + runId, holder);
  }

  /** A file name for any key: keys may hold '/', spaces and anything else. */
  static String fileName(String key) {
    return FileLocks.fileName(key);
  }

  /** Closes the event logs this store opened. */
  @Override
  public synchronized void close() throws IOException {
    for (FileChannel ch : eventLogs.values()) {
      ch.close();
    }
    eventLogs.clear();
  }
}
