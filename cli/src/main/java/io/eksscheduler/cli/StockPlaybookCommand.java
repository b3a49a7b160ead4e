package io.eksscheduler.cli;

import io.eksscheduler.engine.spi.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that runs one of the stock playbooks packaged in the jar (or an edited copy given with
 * {@code --playbook}) for one cluster, exactly as {@code run} would: its options become the
 * playbook's params and nothing else.
 */
abstract class StockPlaybookCommand extends AppCommand {
  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description = "The EKS cluster (param cluster).")
  String cluster;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The AWS region (param region; default: AWS_REGION or the profile's).")
  String region;

  @Option(
      names = "--playbook",
      paramLabel = "FILE",
      description = "Run this playbook instead of the stock one, e.g. an edited copy of it.")
  Path playbook;

  @Option(
      names = "--eks-login",
      description =
          "Reach Kubernetes with a token presigned with the AWS credentials (param login=eks),"
              + " from the endpoint and CA that EKS reports, even if a kubeconfig is configured."
              + " Without a kubeconfig this is what happens anyway.")
  boolean eksLogin;

  @Option(
      names = "--allow-changed",
      description =
          "Continue an unfinished run of this cluster even though its playbook text differs from"
              + " the one given now (the stock playbook of another version, an edited --playbook);"
              + " steps are matched by id.")
  boolean allowChanged;

  @Option(
      names = "--continue-within",
      paramLabel = "DURATION",
      description =
          "Continue an unfinished run of this playbook on this cluster only if it started less"
              + " than this long ago and is the cluster's latest run (default 12h); older or"
              + " superseded unfinished runs are abandoned (their finally steps run) and a fresh"
              + " run starts.")
  String continueWithin;

  @Mixin RunOptions options;

  /** The stock playbook's file name under {@code playbooks/}, e.g. {@code hibernate.yaml}. */
  abstract String stockPlaybook();

  /** Params this command sets from its own options, besides cluster, region and login. */
  abstract Map<String, String> ownParams();

  int launch() {
    Map<String, String> params = new LinkedHashMap<>(options.params);
    params.put("cluster", cluster);
    if (region != null) {
      params.put("region", region);
    }
    if (eksLogin) {
      params.put("login", "eks");
    }
    params.putAll(ownParams());
    options.params = params;
    String name;
    String text;
    if (playbook != null) {
      name = playbook.toString();
      try {
        text = Files.readString(playbook);
      } catch (NoSuchFileException e) {
        throw new UserError(playbook + ":1:1: no such file");
      } catch (IOException e) {
        throw new UserError(playbook + ":1:1: cannot read: " + e.getMessage());
      }
    } else {
      name = "eks-scheduler:playbooks/" + stockPlaybook();
      text = stock(stockPlaybook());
    }
    return new RunLauncher(app)
        .launch(
            app.load(text, name),
            text,
            options,
            StateChoice.Kind.KUBERNETES,
            new ContinuedRuns.Settings(allowChanged, maxAge()));
  }

  private Duration maxAge() {
    if (continueWithin == null) {
      return Continuation.DEFAULT_MAX_AGE;
    }
    return Durations.parse(continueWithin)
        .filter(d -> !d.isZero())
        .orElseThrow(
            () ->
                new UserError(
                    List.of("--continue-within: " + Durations.badDuration(continueWithin)),
                    ExitCodes.INVALID));
  }

  /** The text of a stock playbook packaged in the jar. */
  static String stock(String file) {
    try (InputStream in =
        StockPlaybookCommand.class.getClassLoader().getResourceAsStream("playbooks/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the stock playbook " + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("reading the stock playbook " + file, e);
    }
  }
}
