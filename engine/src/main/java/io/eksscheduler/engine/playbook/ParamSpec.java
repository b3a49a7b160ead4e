package io.eksscheduler.engine.playbook;

import io.eksscheduler.engine.spi.ValueType;
import java.util.Optional;

/**
 * A declared input of a playbook.
 *
 * @param name the name used as {@code params.NAME}
 * @param type string, integer, number or boolean
 * @param required true when the run must be given a value
 * @param defaultValue the value used when none is given
 * @param description what the param is for
 */
public record ParamSpec(
    String name,
    ValueType type,
    boolean required,
    Optional<Object> defaultValue,
    String description) {}
