package io.eksscheduler.engine.spi;

/** The types a parameter, an output or an expression can have. */
public enum ValueType {
  STRING,
  INTEGER,
  NUMBER,
  BOOLEAN,
  ARRAY,
  OBJECT,
  /** Not known until run time; checks on it are deferred. */
  ANY;

  /** The lower-case name used in playbooks and messages. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The label with its article, for messages: "an integer", "a string". */
  public static String article(ValueType type) {
    return (type == INTEGER || type == OBJECT || type == ARRAY || type == ANY ? "an " : "a ")
        + type.label();
  }
}
