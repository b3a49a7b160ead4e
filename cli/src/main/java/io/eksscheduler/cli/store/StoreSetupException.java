package io.eksscheduler.cli.store;

import java.io.IOException;

/**
 * The cluster store cannot be used as the cluster is set up (its namespace missing and not ours to
 * create, a webhook that would refuse its writes, rights missing): what to do is in the message.
 */
public final class StoreSetupException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoreSetupException(String message) {
    super(message);
  }
}
