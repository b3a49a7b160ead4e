package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.fleet.FleetManifests;
import io.eksscheduler.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** {@code fleet render} as a user runs it: what it prints, and what it refuses. */
class FleetRenderTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path EXAMPLE = ROOT.resolve("examples/fleets/non-prod.yaml");
  private static final String IMAGE = "registry.example.com/eks-scheduler:1.0.0";

  @TempDir Path dir;

  private Cli.Result render(String... more) {
    List<String> args = new ArrayList<>(List.of("fleet", "render", EXAMPLE.toString()));
    args.addAll(List.of(more));
    return new Cli(dir.resolve("state")).run(args.toArray(String[]::new));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
      out.add((Map<String, Object>) o);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> m, String... keys) {
    Object o = m;
    for (String k : keys) {
      o = ((Map<String, Object>) o).get(k);
    }
    return (Map<String, Object>) o;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theExampleFleetRendersOneCronJobPerClusterRunningExactlyReconcile() {
    Cli.Result r =
        render("--image", IMAGE, "--irsa-role-arn", "arn:aws:iam::111122223333:role/runner");
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.err(), "stdout only, manifests only");
    List<Map<String, Object>> docs = documents(r.out());
    assertEquals(
        List.of("Namespace", "ServiceAccount", "ConfigMap", "CronJob", "CronJob"),
        docs.stream().map(d -> d.get("kind")).toList());
    for (Map<String, Object> d : docs) {
      assertEquals(
          "non-prod", at(d, "metadata", "labels").get(FleetManifests.FLEET_LABEL), d.toString());
    }
    assertEquals(
        "arn:aws:iam::111122223333:role/runner",
        at(docs.get(1), "metadata", "annotations").get("eks.amazonaws.com/role-arn"));
    Map<String, Object> data = at(docs.get(2), "data");
    assertEquals(read(EXAMPLE), data.get("fleet.yaml"));
    assertEquals(read(ROOT.resolve("playbooks/hibernate.yaml")), data.get("playbook-1.yaml"));

    Map<String, Object> qa = docs.get(4);
    assertEquals("qa", at(qa, "metadata").get("name"));
    Map<String, Object> spec = at(qa, "spec");
    assertEquals("Forbid", spec.get("concurrencyPolicy"));
    assertEquals("Etc/UTC", spec.get("timeZone"));
    assertTrue(
        ((String) spec.get("schedule")).matches("[0-4]-59/5 \\* \\* \\* \\*"), spec.toString());
    Map<String, Object> job = at(spec, "jobTemplate", "spec");
    Map<String, Object> pod = at(job, "template", "spec");
    assertEquals("Never", pod.get("restartPolicy"));
    Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
    assertEquals(
        List.of(
            "reconcile",
            "--fleet",
            "/etc/eks-scheduler/fleet/examples/fleets/non-prod.yaml",
            "--cluster",
            "qa",
            "--eks-login",
            "--state",
            "kubernetes"),
        container.get("args"));
    assertEquals(true, at(container, "securityContext").get("readOnlyRootFilesystem"));
    // The playbook keeps its path relative to the fleet file inside the mount.
    List<Map<String, Object>> items =
        (List<Map<String, Object>>)
            at((Map<String, Object>) ((List<Object>) pod.get("volumes")).get(0), "configMap")
                .get("items");
    assertEquals(
        List.of(
            Map.of("key", "fleet.yaml", "path", "examples/fleets/non-prod.yaml"),
            Map.of("key", "playbook-1.yaml", "path", "playbooks/hibernate.yaml")),
        items);
    Map<String, Object> rule =
        ((List<Map<String, Object>>) at(job, "podFailurePolicy").get("rules")).get(0);
    assertEquals("FailJob", rule.get("action"));
    assertEquals(List.of(2, 4), at(rule, "onExitCodes").get("values"));
    // The stock playbooks' worst case: every step's attempts to their timeouts, plus 10 minutes.
    assertTrue(((Number) job.get("activeDeadlineSeconds")).longValue() >= 3 * 3600, job.toString());

    assertTrue(r.out().startsWith("# Fleet non-prod: 2 clusters"), r.out());
    assertTrue(
        r.out()
            .contains(
                "#   aws eks create-access-entry --region us-east-1 --cluster-name qa"
                    + " --principal-arn arn:aws:iam::222233334444:role/eks-scheduler"
                    + " --kubernetes-groups eks-scheduler\n"),
        r.out());
  }

  @Test
  void podIdentityIsAnAssociationNotAnAnnotation() {
    Cli.Result r =
        render(
            "--image",
            IMAGE,
            "--pod-identity-role-arn",
            "arn:aws:iam::111122223333:role/runner",
            "--management-cluster",
            "ops");
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out()
            .contains(
                "#   aws eks create-pod-identity-association --cluster-name ops --namespace"
                    + " eks-scheduler-fleet --service-account eks-scheduler --role-arn"
                    + " arn:aws:iam::111122223333:role/runner\n"),
        r.out());
    assertTrue(!r.out().contains("eks.amazonaws.com/role-arn"), r.out());
  }

  @Test
  void badOptionsAreRefusedWithExit2AndNoManifest() {
    for (String[] args :
        List.of(
            new String[] {"--image", IMAGE, "--every", "7"},
            new String[] {"--image", IMAGE, "--namespace", "Not_A_Label"},
            new String[] {"--image", IMAGE, "--irsa-role-arn", "arn:aws:iam::1:user/x"},
            new String[] {"--image", IMAGE, "--job-deadline", "1h"},
            new String[] {})) {
      Cli.Result r = render(args);
      assertEquals(2, r.code(), r.toString());
      assertEquals("", r.out(), r.toString());
      assertTrue(r.err().contains("error") || r.err().contains("Missing"), r.toString());
    }
  }

  @Test
  void eksNamesBecomeDnsNamesOfAtMost52CharactersThatStayApart() {
    String eks = "Team-Payments_Staging.Cluster-With-A-Very-Long-Name-From-Terraform-2026";
    String name = FleetManifests.name(eks, FleetManifests.MAX_NAME);
    assertTrue(name.length() <= 52, name);
    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), name);
    assertTrue(name.startsWith("team-payments-staging-cluster-with-a"), name);
    assertNotEquals(name, FleetManifests.name(eks.toLowerCase(), FleetManifests.MAX_NAME));
    assertEquals("dev", FleetManifests.name("dev", FleetManifests.MAX_NAME));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
