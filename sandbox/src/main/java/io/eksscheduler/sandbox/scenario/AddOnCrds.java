package io.eksscheduler.sandbox.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The add-ons' upstream CustomResourceDefinitions a scenario can install with {@code addOnCrds},
 * kept verbatim in the jar (io/eksscheduler/sandbox/crds/, with SOURCES naming each one's Go module
 * and version): with their real schemas, the API server prunes and validates add-on objects as in a
 * real cluster, so what hibernation writes to them is checked too.
 */
final class AddOnCrds {
  /** The CRDs a scenario may name, by their file's name without {@code .yaml}. */
  static final List<String> NAMES =
      List.of(
          "karpenter.sh_nodepools",
          "karpenter.sh_nodeclaims",
          "keda.sh_scaledobjects",
          "argoproj.io_applications",
          "kustomize.toolkit.fluxcd.io_kustomizations",
          "helm.toolkit.fluxcd.io_helmreleases");

  private AddOnCrds() {}

  /** The manifests of CRD {@code name}, one of {@link #NAMES}, not templated (taken as is). */
  static List<Map<String, Object>> load(String name) {
    String resource = "/io/eksscheduler/sandbox/crds/" + name + ".yaml";
    String text;
    try (InputStream in = AddOnCrds.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc :
        new Load(LoadSettings.builder().setLabel(resource).build()).loadAllFromString(text)) {
      if (doc instanceof Map<?, ?> map) {
        out.add(ScenarioLoader.stringKeys(map));
      }
    }
    return out;
  }
}
