package io.eksscheduler.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void playbookFormsParse() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("90s"));
    assertEquals(Optional.of(Duration.ofMinutes(90)), Durations.parse("1h30m"));
    assertEquals(Optional.of(Duration.ofMillis(250)), Durations.parse("250ms"));
    assertEquals(Optional.of(Duration.ofMinutes(2).plusMillis(5)), Durations.parse("2m5ms"));
  }

  @Test
  void badFormsAreRefused() {
    for (String bad : new String[] {"", "5x", "1d", "m", "30m1h", "1.5h", "-1s", "10"}) {
      assertEquals(Optional.empty(), Durations.parse(bad), bad);
    }
  }

  @Test
  void formatIsTheInverseOfParse() {
    for (String s : new String[] {"1h30m", "45s", "250ms", "2h5s", "0s"}) {
      assertEquals(s, Durations.format(Durations.parse(s).orElseThrow()));
    }
  }
}
