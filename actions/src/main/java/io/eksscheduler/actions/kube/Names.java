package io.eksscheduler.actions.kube;

import io.kubernetes.client.openapi.models.V1ObjectMeta;

/** The namespace/name form users see in messages and outputs. */
public final class Names {
  private Names() {}

  public static String of(V1ObjectMeta meta) {
    return meta.getNamespace() == null
        ? meta.getName()
        : meta.getNamespace() + "/" + meta.getName();
  }
}
