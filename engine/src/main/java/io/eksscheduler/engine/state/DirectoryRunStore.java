package io.eksscheduler.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps runs in a directory: {@code runs/RUN_ID/} holds {@code state.json} (replaced atomically at
 * every transition), {@code events.jsonl} (append-only, fsynced per event) and {@code
 * playbook.yaml} (the text the run started with); {@code locks/} holds one file per lock key.
 *
 * <p>Ledger changes are appended as events, so recording an original costs one fsync whatever the
 * size of the run; {@link #load} folds the ledger events newer than the state back in.
 */
public final class DirectoryRunStore implements RunStore {
  private static final String STATE = "state.json";
  private static final String EVENTS = "events.jsonl";
  private static final String PLAYBOOK = "playbook.yaml";

  private final Path root;
  private final ObjectMapper json = Json.mapper();
  private final DurableFiles files = new DurableFiles();
  private final Map<String, FileChannel> eventLogs = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();

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
      throw new FileAlreadyExistsException(
          dir.toString(), null, "a run with id " + state.runId() + " already exists");
    }
    // Built aside and renamed into place, so a crash never leaves a run without its state.
    Path staging = Files.createTempDirectory(dir.getParent(), "." + state.runId() + ".");
    files.replace(staging.resolve(PLAYBOOK), playbookText.getBytes(StandardCharsets.UTF_8));
    files.replace(staging.resolve(STATE), json.writeValueAsBytes(state));
    try {
      Files.move(staging, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(staging.resolve(PLAYBOOK));
      Files.deleteIfExists(staging.resolve(STATE));
      Files.deleteIfExists(staging);
      if (Files.exists(dir)) {
        throw new FileAlreadyExistsException(
            dir.toString(), null, "a run with id " + state.runId() + " already exists");
      }
      throw e;
    }
    files.syncDirectory(dir.getParent());
    lastSeq.put(state.runId(), 0L);
  }

  @Override
  public synchronized void save(RunState state) throws IOException {
    files.replace(runDirectory(state.runId()).resolve(STATE), json.writeValueAsBytes(state));
  }

  @Override
  public synchronized Event append(Event event) throws IOException {
    long seq = nextSeq(event.run());
    Event numbered = event.numbered(seq);
    byte[] line = (json.writeValueAsString(numbered) + "\n").getBytes(StandardCharsets.UTF_8);
    files.append(eventLog(event.run()), line);
    lastSeq.put(event.run(), seq);
    return numbered;
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
      ch =
          FileChannel.open(
              runDirectory(runId).resolve(EVENTS),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
      eventLogs.put(runId, ch);
    }
    return ch;
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
      if (e.seq() <= saved.lastEventSeq() || e.step() == null) {
        continue;
      }
      if ("ledger-put".equals(e.type()) || "ledger-remove".equals(e.type())) {
        StepState step = folded.steps().get(e.step());
        if (step == null) {
          continue;
        }
        Map<String, JsonNode> ledger = new LinkedHashMap<>(step.ledger());
        if ("ledger-put".equals(e.type())) {
          ledger.put(e.key(), e.value());
        } else {
          ledger.remove(e.key());
        }
        folded = folded.withStep(e.step(), step.withLedger(ledger));
      }
    }
    return Optional.of(folded);
  }

  @Override
  public String playbookText(String runId) throws IOException {
    return Files.readString(runDirectory(runId).resolve(PLAYBOOK), StandardCharsets.UTF_8);
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
    Path dir = root.resolve("locks");
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(key));
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      LockHolder current = readHolder(file);
      ch.close();
      throw new LockHeldException(key, current);
    }
    // The OS frees a lock when its process dies; a holder still written in the file is dead.
    LockHolder previous = readHolder(file);
    ch.truncate(0);
    files.append(ch.position(0), json.writeValueAsBytes(holder));
    FileLock held = lock;
    return new RunLock() {
      @Override
      public Optional<LockHolder> tookOverFrom() {
        return Optional.ofNullable(previous);
      }

      @Override
      public void close() {
        try {
          ch.truncate(0);
          held.release();
          ch.close();
        } catch (IOException e) {
          throw new IllegalStateException("releasing lock '" + key + "': " + e.getMessage(), e);
        }
      }
    };
  }

  private LockHolder readHolder(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length == 0 ? null : json.readValue(bytes, LockHolder.class);
    } catch (IOException e) {
      return null;
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

  /** Closes the event logs this store opened. */
  public synchronized void close() throws IOException {
    for (FileChannel ch : eventLogs.values()) {
      ch.close();
    }
    eventLogs.clear();
  }
}
