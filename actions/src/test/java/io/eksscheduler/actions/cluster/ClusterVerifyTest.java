package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterVerifyTest {

  @Test
  void sameServerComparesSchemeHostAndPortOnly() {
    assertTrue(
        ClusterVerify.sameServer(
            "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
            "https://abc.gr7.eu-west-1.eks.amazonaws.com:443/"));
    assertTrue(ClusterVerify.sameServer("https://127.0.0.1:6443/", "https://127.0.0.1:6443"));
    assertFalse(ClusterVerify.sameServer("https://127.0.0.1:6443", "https://127.0.0.1:6444"));
    assertFalse(
        ClusterVerify.sameServer(
            "https://abc.gr7.eu-west-1.eks.amazonaws.com",
            "https://def.gr7.eu-west-1.eks.amazonaws.com"));
    assertFalse(ClusterVerify.sameServer("http://127.0.0.1:6443", "https://127.0.0.1:6443"));
    assertFalse(ClusterVerify.sameServer(null, "https://127.0.0.1:6443"));
    assertFalse(ClusterVerify.sameServer("not a url", "https://127.0.0.1:6443"));
  }

  @Test
  void optInIsCheckedUnlessForcedOrNotRequired() {
    assertTrue(new ClusterVerify.Params("dev", null, null, null, null).optInChecked());
    assertTrue(new ClusterVerify.Params("dev", false, true, null, null).optInChecked());
    assertFalse(new ClusterVerify.Params("dev", true, null, null, null).optInChecked());
    assertFalse(new ClusterVerify.Params("dev", false, false, null, null).optInChecked());
  }
}
