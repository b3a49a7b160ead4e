package io.eksscheduler.actions.pausing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ResourceType;
import org.junit.jupiter.api.Test;

class GitOpsObjectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ClusterObject object(ResourceType type, String json) throws Exception {
    return new ClusterObject(type, JSON.readTree(json.replace('\'', '"')));
  }

  @Test
  void anApplicationManagesItsDestinationNamespace() throws Exception {
    ClusterObject app =
        object(
            ResourceType.APPLICATION,
            "{'metadata':{'name':'a','namespace':'argocd'},'spec':{'destination':{'namespace':'shop'}}}");
    assertEquals("shop", GitOpsObjects.managedNamespace(app));
  }

  @Test
  void aFluxObjectManagesItsTargetNamespace() throws Exception {
    ClusterObject ks =
        object(
            ResourceType.KUSTOMIZATION,
            "{'metadata':{'name':'k','namespace':'flux-system'},'spec':{'targetNamespace':'data'}}");
    assertEquals("data", GitOpsObjects.managedNamespace(ks));
  }

  @Test
  void aFluxObjectWithoutTargetNamespaceManagesItsOwn() throws Exception {
    ClusterObject hr =
        object(ResourceType.HELM_RELEASE, "{'metadata':{'name':'r','namespace':'shop'},'spec':{}}");
    assertEquals("shop", GitOpsObjects.managedNamespace(hr));
  }

  @Test
  void theExcludeAnnotationIsHonoured() throws Exception {
    assertTrue(
        object(
                ResourceType.NODE_POOL,
                "{'metadata':{'name':'p','annotations':{'eks-scheduler.io/exclude':'true'}}}")
            .excluded());
    assertFalse(object(ResourceType.NODE_POOL, "{'metadata':{'name':'p'}}").excluded());
  }

  @Test
  void clusterScopedObjectsAreNamedWithoutNamespace() throws Exception {
    assertEquals(
        "NodePool default", object(ResourceType.NODE_POOL, "{'metadata':{'name':'default'}}").id());
  }
}
