package io.eksscheduler.engine.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link java.time.Duration} or enum component of an action's params: a value the schema lets
 * through but that does not bind (a duration too long to hold, a rendered value that is still an
 * expression ${{ }}) binds as absent, so that the action's default applies, as it did when the
 * action read its own text and fell back to its default. Without it, such a duration fails the
 * step's first attempt with {@link Durations#badDuration}, and such an enum value fails the step.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.METHOD,
  ElementType.PARAMETER
})
public @interface AbsentIfUnparsable {}
