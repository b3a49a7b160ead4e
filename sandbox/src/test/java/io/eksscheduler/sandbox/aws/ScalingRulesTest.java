package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eksscheduler.sandbox.aws.ScalingRules.Sizes;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalingRulesTest {

  private static final Sizes CURRENT = new Sizes(1, 3, 5);

  @Test
  void eksRefusesZeroMaxSize() {
    AwsError e =
        assertThrows(
            AwsError.class,
            () -> ScalingRules.eksScaling(CURRENT, Optional.of(0), Optional.of(0), Optional.of(0)));

    assertEquals(400, e.status());
    assertEquals("InvalidParameterException", e.code());
    assertEquals("Maximum capacity 0 can't be less than 1", e.getMessage());
  }

  @Test
  void eksAllowsZeroMinAndDesiredWithMaxOne() {
    assertEquals(
        new Sizes(0, 0, 1),
        ScalingRules.eksScaling(CURRENT, Optional.of(0), Optional.of(0), Optional.of(1)));
  }

  @Test
  void eksRefusesMinAboveDesiredWithItsMessage() {
    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                ScalingRules.eksScaling(
                    CURRENT, Optional.of(4), Optional.empty(), Optional.empty()));

    assertEquals("Minimum capacity 4 can't be greater than desired size 3", e.getMessage());
  }

  @Test
  void eksRefusesDesiredAboveMax() {
    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                ScalingRules.eksScaling(
                    CURRENT, Optional.empty(), Optional.of(6), Optional.empty()));

    assertEquals("desiredSize can't be greater than maxSize", e.getMessage());
  }

  @Test
  void asgAllowsMaxZero() {
    assertEquals(
        new Sizes(0, 0, 0),
        ScalingRules.asgUpdate(CURRENT, Optional.of(0), Optional.of(0), Optional.of(0)));
  }

  @Test
  void asgRefusesDesiredOutsideBoundsAsValidationError() {
    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                ScalingRules.asgUpdate(
                    CURRENT, Optional.empty(), Optional.of(9), Optional.empty()));

    assertEquals("ValidationError", e.code());
    assertEquals(
        "Desired capacity:9 must be between the specified min size:1 and max size:5",
        e.getMessage());
  }

  @Test
  void asgOmittedDesiredFollowsANewMinOrMax() {
    assertEquals(
        new Sizes(4, 4, 5),
        ScalingRules.asgUpdate(CURRENT, Optional.of(4), Optional.empty(), Optional.empty()));
    assertEquals(
        new Sizes(0, 2, 2),
        ScalingRules.asgUpdate(CURRENT, Optional.of(0), Optional.empty(), Optional.of(2)));
  }
}
