package io.eksscheduler.sandbox.network;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1EndpointSlice;

/**
 * Answers "does a pod serve {@code ip:port}?" from the EndpointSlices, so the simulated VPC only
 * carries traffic to pods that exist and cuts it when they are gone, as a real network does when
 * the process behind a connection dies. By address and port, because every hostNetwork pod of a
 * node (kube-proxy, aws-node...) shares the node's IP.
 */
final class ServingAddresses {

  private final DiscoveryV1Api discovery;

  ServingAddresses(ApiClient admin) {
    this.discovery = new DiscoveryV1Api(admin);
  }

  /**
   * True while an EndpointSlice lists {@code ip} with {@code port}, ready or terminating: a
   * terminating pod's process serves until KWOK removes the pod at the end of its grace period.
   * Unknown (API error) counts as serving, so an API hiccup never cuts a webhook call.
   */
  boolean serving(String ip, int port) {
    try {
      for (V1EndpointSlice slice :
          discovery.listEndpointSliceForAllNamespaces().execute().getItems()) {
        boolean hasPort =
            slice.getPorts() != null
                && slice.getPorts().stream()
                    .anyMatch(p -> p.getPort() != null && p.getPort() == port);
        if (hasPort
            && slice.getEndpoints() != null
            && slice.getEndpoints().stream().anyMatch(e -> e.getAddresses().contains(ip))) {
          return true;
        }
      }
      return false;
    } catch (ApiException e) {
      System.out.println(
          "EndpointSlice lookup for " + ip + ":" + port + " failed: HTTP " + e.getCode());
      return true;
    }
  }
}
