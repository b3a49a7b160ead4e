package io.eksscheduler.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wait is said in a log without a live display (CI, Jobs) and in JSON: when it starts, then every
 * 10 s while it polls every second, and again at once for the next wait of the step.
 */
class ProgressLinesTest {

  /** A clock the test moves. */
  private static final class Hands extends Clock {
    Instant now = Instant.parse("2026-12-07T01:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Polls every second for {@code seconds}, saying what it waits for each time. */
  private static void pollFor(io.eksscheduler.engine.run.EventSink sink, Hands clock, int seconds) {
    for (int i = 0; i < seconds; i++) {
      sink.progress("scale-to-zero", "nodegroup general: 2 nodes left");
      clock.now = clock.now.plus(Duration.ofSeconds(1));
    }
  }

  private static List<String> lines(StringWriter w) {
    return Arrays.stream(w.toString().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  @Test
  void aPlainLogSaysAWaitAtItsStartAndEveryTenSeconds() {
    Hands clock = new Hands();
    StringWriter out = new StringWriter();
    TextOutput text =
        new TextOutput(new PrintWriter(out), new PrintWriter(new StringWriter()), clock, false);
    pollFor(text, clock, 35);
    List<String> lines = lines(out);
    assertEquals(
        List.of(
            "[01:00:00] step scale-to-zero: waiting: nodegroup general: 2 nodes left",
            "[01:00:10] step scale-to-zero: waiting: nodegroup general: 2 nodes left",
            "[01:00:20] step scale-to-zero: waiting: nodegroup general: 2 nodes left",
            "[01:00:30] step scale-to-zero: waiting: nodegroup general: 2 nodes left"),
        lines);
    text.close();
  }

  @Test
  void jsonSaysAWaitAsProgressLines() {
    Hands clock = new Hands();
    StringWriter out = new StringWriter();
    JsonOutput json = new JsonOutput(new PrintWriter(out), clock);
    pollFor(json, clock, 12);
    List<String> lines = lines(out);
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(
        "{\"type\":\"progress\",\"time\":\"2026-12-07T01:00:00Z\",\"step\":\"scale-to-zero\","
            + "\"waitingFor\":\"nodegroup general: 2 nodes left\"}",
        lines.get(0));
    assertTrue(lines.get(1).contains("\"time\":\"2026-12-07T01:00:10Z\""), lines.get(1));
  }

  @Test
  void theNextWaitOfAStepIsSaidAtOnce() {
    ProgressPace pace = new ProgressPace();
    Instant t = Instant.parse("2026-12-07T01:00:00Z");
    assertTrue(pace.due("drain", t));
    assertEquals(false, pace.due("drain", t.plusSeconds(9)));
    assertTrue(pace.due("other", t.plusSeconds(9)), "each step has its own pace");
    pace.done("drain");
    assertTrue(pace.due("drain", t.plusSeconds(9)));
  }
}
