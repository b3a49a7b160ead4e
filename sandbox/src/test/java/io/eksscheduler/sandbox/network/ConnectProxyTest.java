package io.eksscheduler.sandbox.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectProxyTest {

  @Test
  void targetPortIsReadFromTheAuthority() {
    assertEquals(9443, ConnectProxy.targetPort("10.0.0.13:9443"));
    assertEquals(443, ConnectProxy.targetPort("[fd00::1]:443"));
  }

  @Test
  void malformedAuthorityHasNoPort() {
    assertEquals(-1, ConnectProxy.targetPort("10.0.0.13"));
    assertEquals(-1, ConnectProxy.targetPort("10.0.0.13:https"));
  }
}
