package io.eksscheduler.engine.run;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.state.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a step's rendered {@code with} against its action's schema and binds it: a {@link
 * Duration} component from the playbook form (90s, 15m, 1h30m), an enum component from its
 * lower-case, dash-separated name ({@code leave-to-termination} for {@code LEAVE_TO_TERMINATION}),
 * so that actions neither parse nor compare text.
 */
final class Binding {
  private static final ObjectMapper JSON =
      Json.mapper()
          .registerModule(
              new SimpleModule("params")
                  .addDeserializer(Duration.class, new PlaybookDuration())
                  .setDeserializerModifier(new EnumsByName()));

  private Binding() {}

  /** Why the rendered value cannot be used, or binds it to the action's params type. */
  static <P> P bind(Action<P> action, JsonNode rendered, SchemaCheck schemas) throws StepFailure {
    List<String> problems = schemas.check(action.withSchema(), rendered);
    if (!problems.isEmpty()) {
      throw new StepFailure(
          "with, once evaluated, does not fit action "
              + action.name()
              + ": "
              + String.join("; ", problems),
          false);
    }
    try {
      return JSON.treeToValue(rendered, action.paramsType());
    } catch (BadDuration e) {
      throw new ParamRefused(e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new StepFailure(
          "with does not fit action " + action.name() + ": " + e.getOriginalMessage(), false);
    }
  }

  /** A failure to prepare a step, with whether retrying could help. */
  static class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean retryable;

    StepFailure(String message, boolean retryable) {
      super(message);
      this.retryable = retryable;
    }
  }

  /**
   * A value that fits the schema but not its type (a duration too long to hold, a rendered value
   * that is still an expression): reported as the step's first attempt failing, with the message
   * the action itself gave before values were bound here, so that runs record what they always did.
   */
  static final class ParamRefused extends StepFailure {
    private static final long serialVersionUID = 1L;

    ParamRefused(String message) {
      super(message, false);
    }
  }

  /**
   * A duration in the playbook form, refused with the message of {@link Durations}, or absent when
   * it does not parse on a component marked {@link AbsentIfUnparsable}.
   */
  private static final class PlaybookDuration extends StdScalarDeserializer<Duration>
      implements ContextualDeserializer {
    private static final long serialVersionUID = 1L;
    private final boolean absentIfUnparsable;

    PlaybookDuration() {
      this(false);
    }

    private PlaybookDuration(boolean absentIfUnparsable) {
      super(Duration.class);
      this.absentIfUnparsable = absentIfUnparsable;
    }

    @Override
    public JsonDeserializer<?> createContextual(
        DeserializationContext ctxt, BeanProperty property) {
      return absentIfUnparsable(property) ? new PlaybookDuration(true) : this;
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      Optional<Duration> d = Durations.parse(text);
      if (d.isEmpty() && absentIfUnparsable) {
        return null;
      }
      return d.orElseThrow(() -> new BadDuration(p, text));
    }
  }

  private static boolean absentIfUnparsable(BeanProperty property) {
    return property != null && property.getAnnotation(AbsentIfUnparsable.class) != null;
  }

  private static final class BadDuration extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    BadDuration(JsonParser p, String text) {
      super(p, Durations.badDuration(text));
    }
  }

  /** Reads an enum from its constant's name in lower case with dashes, or from the name itself. */
  private static final class EnumsByName extends BeanDeserializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public JsonDeserializer<?> modifyEnumDeserializer(
        DeserializationConfig config,
        JavaType type,
        BeanDescription beanDesc,
        JsonDeserializer<?> deserializer) {
      return new ByName((Class<Enum>) type.getRawClass(), false);
    }
  }

  /**
   * An enum constant from its dashed lower-case name, or absent when it is none of them on a
   * component marked {@link AbsentIfUnparsable}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final class ByName extends StdScalarDeserializer<Enum<?>>
      implements ContextualDeserializer {
    private static final long serialVersionUID = 1L;
    private final Class<Enum> enumType;
    private final boolean absentIfUnparsable;

    ByName(Class<Enum> enumType, boolean absentIfUnparsable) {
      super(enumType);
      this.enumType = enumType;
      this.absentIfUnparsable = absentIfUnparsable;
    }

    @Override
    public JsonDeserializer<?> createContextual(
        DeserializationContext ctxt, BeanProperty property) {
      return absentIfUnparsable(property) ? new ByName(enumType, true) : this;
    }

    @Override
    public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (Enum<?>) ctxt.handleUnexpectedToken(enumType, p);
      }
      String name = text.toUpperCase(Locale.ROOT).replace('-', '_');
      for (Enum<?> constant : enumType.getEnumConstants()) {
        if (constant.name().equals(name)) {
          return constant;
        }
      }
      if (absentIfUnparsable) {
        return null;
      }
      return (Enum<?>) ctxt.handleWeirdStringValue(enumType, text, "not one of the values");
    }
  }
}
