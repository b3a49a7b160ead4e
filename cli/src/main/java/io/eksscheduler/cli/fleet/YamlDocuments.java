package io.eksscheduler.cli.fleet;

import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

/**
 * Manifests as multi-document YAML, as {@code kubectl apply -f -} reads them: block style, each
 * document after {@code ---}, multi-line strings (files in a ConfigMap) as literal blocks.
 */
public final class YamlDocuments {
  private YamlDocuments() {}

  public static String dump(List<Map<String, Object>> documents) {
    DumpSettings settings =
        DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setExplicitStart(true)
            .setWidth(100)
            .build();
    return new Dump(settings, new LiteralBlocks(settings)).dumpAllToString(documents.iterator());
  }

  /** Strings of several lines as literal blocks ({@code |}), the others as usual. */
  private static final class LiteralBlocks extends StandardRepresenter {
    LiteralBlocks(DumpSettings settings) {
      super(settings);
      representers.put(
          String.class,
          data -> {
            String s = (String) data;
            return representScalar(
                Tag.STR, s, s.contains("\n") ? ScalarStyle.LITERAL : ScalarStyle.PLAIN);
          });
    }
  }
}
