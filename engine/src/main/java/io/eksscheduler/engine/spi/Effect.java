package io.eksscheduler.engine.spi;

/**
 * A lasting change a step's plan predicts, which later steps of the same dry-run read.
 *
 * <p>The engine carries effects in the order the steps would run and never interprets them: what an
 * effect means is for the actions that emit and read it.
 */
public interface Effect {

  /**
   * The change in one line, as the JSON of a dry-run lists it ("scale Deployment shop/api to 0").
   */
  String line();
}
