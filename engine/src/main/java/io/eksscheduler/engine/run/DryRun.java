package io.eksscheduler.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Previews a run: evaluates params, {@code when} and expressions, and asks each step's action for
 * its read-only plan, in the order the run would take. Each plan sees the effects the plans before
 * it predicted (steps of one wave in declaration order), so it plans on the state the earlier steps
 * will leave. Writes no state and changes nothing.
 */
public final class DryRun {
  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final Clients clients;
  private final RunExecutor.Settings settings;

  public DryRun(
      ActionRegistry actions, SchemaCheck schemas, Clients clients, RunExecutor.Settings settings) {
    this.actions = actions;
    this.schemas = schemas;
    this.clients = clients;
    this.settings = settings;
  }

  /**
   * One step's preview.
   *
   * @param step the step
   * @param wave its wave (0 first); finally steps count on after the last wave
   * @param skipped true when {@code when} is false
   * @param plan the action's plan, if it could be made
   * @param error why no plan could be made, or null
   * @param kept the step's state in the run a real run would continue, when that run already ended
   *     the step for good (succeeded, skipped, failed with {@code onFailure: continue}): it will
   *     not run again, and its stored outputs are what later steps read; null otherwise
   */
  public record StepPreview(
      Step step, int wave, boolean skipped, Optional<Plan> plan, String error, StepState kept) {

    public StepPreview(Step step, int wave, boolean skipped, Optional<Plan> plan, String error) {
      this(step, wave, skipped, plan, error, null);
    }
  }

  /** The preview of every step, steps first (in wave order), then finally. */
  public List<StepPreview> preview(Playbook playbook, Map<String, Object> params, String runId) {
    return preview(playbook, params, runId, Optional.empty());
  }

  /**
   * The preview of a run that continues {@code continuing} when present (its params, its id): steps
   * it ended for good are shown as kept with their stored outputs, the others are planned as a
   * resume would run them: with their ledgers and the {@code when} and {@code with} they stored.
   */
  public List<StepPreview> preview(
      Playbook playbook, Map<String, Object> params, String runId, Optional<RunState> continuing) {
    RunState state;
    if (continuing.isPresent()) {
      state = Runs.continuation(continuing.get(), playbook);
    } else {
      Map<String, StepState> steps = new LinkedHashMap<>();
      playbook.allSteps().forEach(s -> steps.put(s.id(), StepState.pending()));
      state =
          RunState.started(
              runId,
              playbook.name(),
              playbook.file(),
              "",
              params,
              settings.clock().instant(),
              "",
              steps);
    }
    // What a resume does not run again: the steps the continued run ended for good.
    Map<String, StepState> kept = new LinkedHashMap<>();
    state
        .steps()
        .forEach(
            (id, st) -> {
              if (st.status() != StepStatus.PENDING) {
                kept.put(id, st);
              }
            });
    RunRecorder recorder =
        new RunRecorder(Optional.empty(), EventSink.none(), settings.clock(), state);
    PredictedEffects effects = new PredictedEffects(playbook);
    List<StepPreview> out = new ArrayList<>();
    int wave = 0;
    for (List<Step> phase : List.of(playbook.steps(), playbook.finallySteps())) {
      Map<String, Integer> waveOf = new LinkedHashMap<>();
      int maxWave = wave;
      for (Step step : RunExecutor.waveOrder(phase)) {
        int w = wave;
        for (String need : step.needs()) {
          w = Math.max(w, waveOf.getOrDefault(need, wave) + 1);
        }
        waveOf.put(step.id(), w);
        maxWave = Math.max(maxWave, w);
        StepState done = kept.get(step.id());
        out.add(
            done != null
                ? new StepPreview(
                    step, w, done.status() == StepStatus.SKIPPED, Optional.empty(), null, done)
                : preview(step, w, recorder, effects));
      }
      wave = maxWave + 1;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private StepPreview preview(Step step, int wave, RunRecorder recorder, PredictedEffects effects) {
    Rendering rendering = new Rendering(recorder.state(), settings.env(), true);
    // As a run does: what a continued run rendered and stored is what the step runs with.
    StepState stored = recorder.state().step(step.id());
    try {
      boolean when =
          stored.when() != null ? stored.when() : rendering.when(step.when()).value().asBoolean();
      if (!when) {
        recorder.updateStep(step.id(), s -> s.moveTo(StepStatus.SKIPPED), skip(recorder, step));
        return new StepPreview(step, wave, true, Optional.empty(), null);
      }
      Action<Object> action = (Action<Object>) actions.find(step.action()).orElseThrow();
      JsonNode with = stored.with() != null ? stored.with() : rendering.render(step.with()).value();
      Object params = Binding.bind(action, with, schemas);
      StepContext ctx =
          new StepContext(
              recorder,
              step.id(),
              true,
              settings.clock(),
              settings.sleeper(),
              clients,
              Secrets.NONE,
              effects.sofar());
      Secrets secrets = new Secrets(rendering.envValuesReferenced(step.with(), step.when()));
      Plan raw = action.plan(params, ctx);
      Plan plan = shown(raw, action, secrets, effects.readWithoutNeeding(step, ctx.effectsRead()));
      effects.add(step.id(), raw.effects());
      recorder.updateStep(
          step.id(),
          s ->
              s.moveTo(StepStatus.RUNNING)
                  .withOutputs(plan.predictedOutputs())
                  .moveTo(StepStatus.SUCCEEDED),
          skip(recorder, step));
      return new StepPreview(step, wave, false, Optional.of(plan), null);
    } catch (Binding.ParamRefused e) {
      // As when the action's plan refused the value itself.
      return new StepPreview(step, wave, false, Optional.empty(), e.getMessage());
    } catch (EvaluationException | Binding.StepFailure e) {
      Secrets secrets = new Secrets(rendering.envValuesReferenced(step.with(), step.when()));
      return new StepPreview(step, wave, false, Optional.empty(), secrets.mask(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StepPreview(step, wave, false, Optional.empty(), "interrupted");
    } catch (Exception e) {
      return new StepPreview(step, wave, false, Optional.empty(), StepRunner.describe(e));
    }
  }

  /**
   * The plan as the preview shows it: values read from env masked, outputs in the run's shape, and
   * every output inexact when the plan read effects of steps the step does not need.
   */
  private static Plan shown(
      Plan raw, Action<?> action, Secrets secrets, List<String> readWithoutNeeding) {
    Map<String, Object> predicted =
        OutputShapes.normalize(
            action.outputs(), secrets.maskAll(OutputShapes.plain(raw.predictedOutputs())));
    Map<String, String> inexact = new LinkedHashMap<>();
    raw.inexact().forEach((k, why) -> inexact.put(k, secrets.mask(why)));
    if (!readWithoutNeeding.isEmpty()) {
      String why = secrets.mask(PredictedEffects.why(readWithoutNeeding));
      predicted.keySet().forEach(k -> inexact.putIfAbsent(k, why));
    }
    return new Plan(
        raw.changes().stream().map(secrets::mask).toList(),
        raw.unchanged().stream().map(secrets::mask).toList(),
        predicted,
        inexact,
        raw.effects().stream()
            .<Effect>map(e -> new PredictedEffects.Shown(secrets.mask(e.line())))
            .toList());
  }

  private static io.eksscheduler.engine.state.Event skip(RunRecorder recorder, Step step) {
    return recorder.event("planned", step.id(), null, null, null);
  }
}
