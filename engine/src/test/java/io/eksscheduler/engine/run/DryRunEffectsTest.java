package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry-run hands each step the effects the steps before it predicted, in the order the run would
 * make them, and says when a step reads effects a run may not have made yet.
 */
class DryRunEffectsTest {
  @TempDir Path dir;

  private final TestStep action = new TestStep();

  private TestRuns runs() {
    return new TestRuns(action, dir, Map.of("SECRET", "s3cr3t"));
  }

  private Map<String, DryRun.StepPreview> preview(String steps) {
    Map<String, DryRun.StepPreview> out = new java.util.LinkedHashMap<>();
    runs()
        .preview(Fixtures.header("effects") + steps, Optional.empty())
        .forEach(s -> out.put(s.step().id(), s));
    return out;
  }

  private static Plan plan(Map<String, DryRun.StepPreview> previews, String id) {
    DryRun.StepPreview s = previews.get(id);
    assertNotNull(s.plan().orElse(null), id + ": " + s.error());
    return s.plan().get();
  }

  @Test
  void aLaterStepSeesTheEffectsOfTheStepsBeforeIt() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: a, action: test.step, with: {effect: 'b gone'}}\n"
                + "  - {id: b, action: test.step, needs: [a], with: {effect: 'a gone'}}\n"
                + "  - {id: c, action: test.step, needs: [b], with: {reads: true}}\n");
    assertEquals("b gone,a gone", plan(previews, "c").predictedOutputs().get("seen"));
    assertEquals(Map.of(), plan(previews, "c").inexact());
    assertEquals(
        List.of("b gone"), plan(previews, "a").effects().stream().map(Effect::line).toList());
  }

  @Test
  void stepsOfOneWaveApplyInDeclarationOrder() {
    String later = "  - {id: z, action: test.step, needs: [x, y], with: {reads: true}}\n";
    var xFirst =
        preview(
            "steps:\n"
                + "  - {id: x, action: test.step, with: {effect: 'x'}}\n"
                + "  - {id: y, action: test.step, with: {effect: 'y'}}\n"
                + later);
    assertEquals("x,y", plan(xFirst, "z").predictedOutputs().get("seen"));
    var yFirst =
        preview(
            "steps:\n"
                + "  - {id: y, action: test.step, with: {effect: 'y'}}\n"
                + "  - {id: x, action: test.step, with: {effect: 'x'}}\n"
                + later);
    assertEquals("y,x", plan(yFirst, "z").predictedOutputs().get("seen"));
  }

  @Test
  void aReorderedPlaybookIsPreviewedInItsOwnOrder() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: drain, action: test.step, with: {reads: true, effect: 'drained'}}\n"
                + "  - {id: sleep, action: test.step, needs: [drain],"
                + " with: {reads: true, effect: 'slept'}}\n");
    assertEquals("", plan(previews, "drain").predictedOutputs().get("seen"));
    assertEquals("drained", plan(previews, "sleep").predictedOutputs().get("seen"));
  }

  @Test
  void skippedAndUnplannableStepsPredictNothing() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: a, action: test.step, with: {effect: 'a'}}\n"
                + "  - {id: off, action: test.step, needs: [a], when: false,"
                + " with: {effect: 'off'}}\n"
                + "  - {id: broken, action: test.step, needs: [a],"
                + " with: {value: '${{ steps.a.outputs.value }}', effect: 'broken'}}\n"
                + "  - {id: last, action: test.step, needs: [off, broken], with: {reads: true}}\n");
    assertTrue(previews.get("off").skipped());
    assertNotNull(previews.get("broken").error());
    assertEquals("a", plan(previews, "last").predictedOutputs().get("seen"));
  }

  @Test
  void readingWhatAStepNotNeededChangesMakesEveryOutputInexact() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: a, action: test.step, with: {effect: 'a'}}\n"
                + "  - {id: b, action: test.step, with: {reads: true}}\n"
                + "  - {id: c, action: test.step, needs: [a]}\n"
                + "  - {id: d, action: test.step, needs: [c], with: {reads: true}}\n");
    String why = "reads what step a would change; a is not in its needs, so a run may do it after";
    Map<String, String> inexact = plan(previews, "b").inexact();
    assertEquals(List.of("count", "seen"), List.copyOf(inexact.keySet()));
    assertTrue(inexact.get("count").startsWith(why), inexact.toString());
    assertEquals(Map.of(), plan(previews, "d").inexact(), "a is needed through c");
  }

  @Test
  void aStepThatSeesEffectsButReadsNoneStaysExact() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: a, action: test.step, with: {effect: 'a'}}\n"
                + "  - {id: b, action: test.step, needs: []}\n");
    assertEquals(Map.of(), plan(previews, "b").inexact());
  }

  @Test
  void aFinallyStepNeedsEveryMainStep() {
    var previews =
        preview(
            "steps:\n"
                + "  - {id: a, action: test.step, with: {effect: 'a'}}\n"
                + "finally:\n"
                + "  - {id: f, action: test.step, with: {reads: true, effect: 'f'}}\n"
                + "  - {id: g, action: test.step, with: {reads: true}}\n");
    assertEquals(Map.of(), plan(previews, "f").inexact());
    assertEquals("a,f", plan(previews, "g").predictedOutputs().get("seen"));
    assertTrue(
        plan(previews, "g").inexact().get("seen").startsWith("reads what step f would change"));
  }

  @Test
  void anEffectShowsValuesReadFromEnvMasked() {
    var previews =
        preview(
            "steps:\n  - {id: a, action: test.step, with: {effect: 'key ${{ env.SECRET }}'}}\n");
    assertEquals(
        List.of("key ***"), plan(previews, "a").effects().stream().map(Effect::line).toList());
  }

  @Test
  void aRunHandsItsStepsNoPredictedEffects() throws Exception {
    String yaml =
        Fixtures.header("effects")
            + "steps:\n"
            + "  - {id: a, action: test.step, with: {effect: 'a'}}\n"
            + "  - {id: b, action: test.step, needs: [a], with: {reads: true}}\n";
    RunState end = runs().run(yaml);
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals("", end.step("b").outputs().get("seen"));
  }
}
