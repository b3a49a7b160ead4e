package io.eksscheduler.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.Ledger;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.Json;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** What one step attempt sees of the world: the run's clock, clients, ledger and display. */
final class StepContext implements ActionContext {
  private static final ObjectMapper JSON = Json.mapper();

  private final RunRecorder recorder;
  private final String stepId;
  private final boolean dryRun;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Clients clients;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final Secrets secrets;
  private final List<Effect> predicted;
  // By identity: two steps may predict equal effects, and which step's was read is what counts.
  private final Set<Effect> read =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  StepContext(
      RunRecorder recorder,
      String stepId,
      boolean dryRun,
      Clock clock,
      Sleeper sleeper,
      Clients clients,
      Secrets secrets,
      List<Effect> predicted) {
    this.secrets = secrets;
    this.predicted = List.copyOf(predicted);
    this.recorder = recorder;
    this.stepId = stepId;
    this.dryRun = dryRun;
    this.clock = clock;
    this.sleeper = sleeper;
    this.clients = clients;
  }

  void cancel() {
    cancelled.set(true);
  }

  @Override
  public String runId() {
    return recorder.state().runId();
  }

  @Override
  public String stepId() {
    return stepId;
  }

  @Override
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Sleeper sleeper() {
    return duration -> {
      checkCancelled();
      sleeper.sleep(duration);
    };
  }

  @Override
  public Ledger ledger() {
    return new Ledger() {
      @Override
      public <T> Optional<T> get(String key, Class<T> type) {
        JsonNode value = recorder.state().step(stepId).ledger().get(key);
        if (value == null) {
          return Optional.empty();
        }
        try {
          return Optional.of(JSON.treeToValue(value, type));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(
              "ledger entry '"
                  + key
                  + "' of step "
                  + stepId
                  + " is not a "
                  + type.getSimpleName()
                  + ": "
                  + e.getOriginalMessage(),
              e);
        }
      }

      @Override
      public void put(String key, Object value) {
        if (dryRun) {
          throw new IllegalStateException("a dry-run writes no ledger (step " + stepId + ")");
        }
        CrashPoints.reach("ledger-before:" + stepId);
        recorder.ledger(stepId, key, JSON.valueToTree(value));
        CrashPoints.reach("ledger-after:" + stepId);
      }

      @Override
      public void remove(String key) {
        if (dryRun) {
          throw new IllegalStateException("a dry-run writes no ledger (step " + stepId + ")");
        }
        recorder.ledger(stepId, key, null);
      }

      @Override
      public Set<String> keys() {
        return recorder.state().step(stepId).ledger().keySet();
      }
    };
  }

  @Override
  public List<Effect> predicted() {
    return predicted;
  }

  @Override
  public void read(Effect effect) {
    read.add(effect);
  }

  /** The effects of {@link #predicted()} the step said it read. */
  Set<Effect> effectsRead() {
    synchronized (read) {
      Set<Effect> copy = Collections.newSetFromMap(new IdentityHashMap<>());
      copy.addAll(read);
      return copy;
    }
  }

  @Override
  public void changed() {
    CrashPoints.reach("changed:" + stepId);
  }

  @Override
  public void progress(String whatItWaitsFor) {
    recorder.sink().progress(stepId, secrets.mask(whatItWaitsFor));
  }

  @Override
  public void log(String message) {
    recorder.log(stepId, secrets.mask(message));
  }

  @Override
  public boolean cancelled() {
    return cancelled.get();
  }

  @Override
  public <T> T client(Class<T> type) {
    return clients.get(type);
  }
}
