package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.FleetManifests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code fleet render} cannot put in a manifest, printed as YAML comments above them: how to
 * apply them, the runner's AWS identity, and how each target cluster lets the runner in.
 */
final class FleetInstructions {
  private FleetInstructions() {}

  static List<String> comments(
      Fleet fleet,
      String namespace,
      Optional<String> runnerRole,
      boolean podIdentity,
      String management,
      String envSecret) {
    String role = runnerRole.orElse("RUNNER_ROLE_ARN");
    String label = FleetManifests.FLEET_LABEL + "=" + FleetManifests.name(fleet.name(), 63);
    List<String> out = new ArrayList<>();
    out.add(
        "Fleet "
            + fleet.name()
            + ": "
            + fleet.clusters().size()
            + (fleet.clusters().size() == 1 ? " cluster" : " clusters")
            + ", rendered by eks-scheduler fleet render. Apply to the management cluster"
            + " (Kubernetes 1.27+):");
    out.add("  kubectl apply --prune -l " + label + " -f THIS_FILE");
    out.add("");
    out.add("The runner's AWS identity, " + role + ", with docs/iam-policy.json and");
    out.add("docs/iam-policy-wake.json attached (and docs/iam-policy-assume.json for a roleArn):");
    if (podIdentity) {
      out.add(
          "  aws eks create-pod-identity-association --cluster-name "
              + (management == null ? "MANAGEMENT_CLUSTER" : management)
              + " --namespace "
              + namespace
              + " --service-account "
              + FleetManifests.SERVICE_ACCOUNT
              + " --role-arn "
              + role);
    } else if (runnerRole.isPresent()) {
      out.add("  (IRSA: the ServiceAccount's annotation below; the role trusts the cluster's OIDC");
      out.add(
          "  provider for system:serviceaccount:"
              + namespace
              + ":"
              + FleetManifests.SERVICE_ACCOUNT
              + ")");
    } else {
      out.add(
          "  give the ServiceAccount "
              + namespace
              + "/"
              + FleetManifests.SERVICE_ACCOUNT
              + " a role: render with --irsa-role-arn or --pod-identity-role-arn");
    }
    out.add("");
    out.add("Each target cluster lets the runner in, once: an access entry mapping the role the");
    out.add(
        "runner acts as to the group eks-scheduler, and the roles deploy/rbac.yaml binds to it:");
    Map<String, String> principals = new LinkedHashMap<>();
    for (Fleet.Cluster c : fleet.clusters()) {
      principals.put(c.region() + " " + c.name(), c.roleArn().orElse(role));
    }
    principals.forEach(
        (where, principal) -> {
          String[] rc = where.split(" ", 2);
          out.add(
              "  aws eks create-access-entry --region "
                  + rc[0]
                  + " --cluster-name "
                  + rc[1]
                  + " --principal-arn "
                  + principal
                  + " --kubernetes-groups eks-scheduler");
          out.add("  kubectl --context " + rc[1] + " apply -f deploy/rbac.yaml");
        });
    fleet
        .webhookUrlFrom()
        .ifPresent(
            from -> {
              out.add("");
              if (from.env().isPresent()) {
                out.add("The webhook's URL, in the Secret the pods read their environment from:");
                out.add(
                    "  kubectl -n "
                        + namespace
                        + " create secret generic "
                        + envSecret
                        + " --from-literal="
                        + from.env().get()
                        + "=https://...");
              } else {
                out.add("The webhook's URL, in the Secret the fleet names (read by the pods):");
                out.add(
                    "  kubectl -n "
                        + namespace
                        + " create secret generic "
                        + from.secretName().orElseThrow()
                        + " --from-literal="
                        + from.secretKey().orElseThrow()
                        + "=https://...");
              }
            });
    return out;
  }
}
