package io.eksscheduler.actions.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Relaxes a webhook's {@code failurePolicy: Fail} to {@code Ignore} and restores it: the original
 * goes to the step's ledger and to the configuration's annotation {@code eks-scheduler.io/original}
 * ({@link WebhookOriginals}) before the change, in the same patch as the change.
 *
 * <p>Not through {@code OriginalsProtocol}: here the ledger is written before the configuration is
 * read for its annotation (one per configuration, shared by its webhooks), a conflict (409 or 422,
 * a failed {@code test}) keeps the ledger entry and applies the same change again, and a restore
 * always patches; the protocol reads the mark first, forgets and decides again on a conflict, and
 * may leave a subject restored already, so ledger writes and requests would not be the same.
 */
final class FailurePolicyPatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONFLICT_ATTEMPTS = 5;

  private FailurePolicyPatch() {}

  /** On a timeout, relaxed webhooks get their original back: a failed step enforces as before. */
  static void restoreAll(ActionContext ctx, ApiClient client, List<Webhook> found)
      throws ActionFailure, InterruptedException {
    for (Webhook w : found) {
      if (ctx.ledger().get(w.ledgerKey(), String.class).isPresent()
          && "Ignore".equals(w.failurePolicy())) {
        restore(ctx, client, w);
      }
    }
  }

  /** Sets failurePolicy Ignore, its original in the ledger and the annotation first. */
  static void relax(ActionContext ctx, ApiClient client, Webhook found)
      throws ActionFailure, InterruptedException {
    if (!"Fail".equals(found.failurePolicy())) {
      return;
    }
    if (ctx.ledger().get(found.ledgerKey(), String.class).isEmpty()) {
      ctx.ledger().put(found.ledgerKey(), found.failurePolicy());
    }
    patchPolicy(ctx, client, found, "Ignore", found.failurePolicy());
    ctx.log(found.id() + ": failurePolicy Fail -> Ignore until its pods are Ready");
    WebhookNudge.nudge(ctx, client, found);
  }

  /** Puts the original failurePolicy back and removes the annotation's entry. */
  static void restore(ActionContext ctx, ApiClient client, Webhook w)
      throws ActionFailure, InterruptedException {
    String original = ctx.ledger().get(w.ledgerKey(), String.class).orElse("Fail");
    patchPolicy(ctx, client, w, original, null);
    ctx.log(w.id() + ": failurePolicy Ignore -> " + original + " (its pods are Ready)");
  }

  /**
   * One JSON patch, guarded by the resourceVersion read: the webhook's failurePolicy and the
   * configuration's annotations (with {@code original} recorded for this webhook, or its entry
   * removed when null).
   */
  private static void patchPolicy(
      ActionContext ctx, ApiClient client, Webhook found, String policy, String original)
      throws ActionFailure, InterruptedException {
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    Webhook w = found;
    for (int attempt = 1; ; attempt++) {
      Map<String, String> annotations = annotations(ctx, admission, w);
      Map<String, String> next;
      try {
        next = WebhookOriginals.withEntry(annotations, ctx.runId(), w.name(), original);
      } catch (IllegalArgumentException e) {
        throw new ActionFailure(w.kind() + " " + w.configuration() + ": " + e.getMessage(), false);
      }
      V1Patch patch = new V1Patch(jsonPatch(w, policy, next));
      String name = w.configuration();
      try {
        KubeCalls.call(
            ctx,
            "setting failurePolicy " + policy + " on " + w.id(),
            () ->
                Webhook.VALIDATING.equals(found.kind())
                    ? PatchUtils.patch(
                        V1ValidatingWebhookConfiguration.class,
                        () ->
                            admission
                                .patchValidatingWebhookConfiguration(name, patch)
                                .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_PATCH,
                        client)
                    : PatchUtils.patch(
                        V1MutatingWebhookConfiguration.class,
                        () ->
                            admission
                                .patchMutatingWebhookConfiguration(name, patch)
                                .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_PATCH,
                        client));
        ctx.changed();
        return;
      } catch (ActionFailure e) {
        int code = e.getCause() instanceof ApiException api ? api.getCode() : -1;
        if ((code != 409 && code != 422) || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        w = reread(ctx, admission, w).orElseThrow(() -> e);
      }
    }
  }

  /**
   * The JSON patch that sets {@code w}'s failurePolicy to {@code policy} and its configuration's
   * annotations to {@code annotations}, guarded by the resourceVersion read and the webhook's name
   * at its index.
   */
  static String jsonPatch(Webhook w, String policy, Map<String, String> annotations) {
    ArrayNode ops = JSON.createArrayNode();
    ops.addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", w.resourceVersion());
    ops.addObject()
        .put("op", "test")
        .put("path", "/webhooks/" + w.index() + "/name")
        .put("value", w.name());
    ops.addObject()
        .put("op", "replace")
        .put("path", "/webhooks/" + w.index() + "/failurePolicy")
        .put("value", policy);
    ObjectNode set = ops.addObject().put("op", "add").put("path", "/metadata/annotations");
    set.set("value", JSON.valueToTree(annotations));
    return ops.toString();
  }

  private static Map<String, String> annotations(
      ActionContext ctx, AdmissionregistrationV1Api admission, Webhook w)
      throws ActionFailure, InterruptedException {
    V1ObjectMeta meta =
        Webhook.VALIDATING.equals(w.kind())
            ? KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readValidatingWebhookConfiguration(w.configuration()).execute())
                .getMetadata()
            : KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readMutatingWebhookConfiguration(w.configuration()).execute())
                .getMetadata();
    return meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
  }

  private static Optional<Webhook> reread(
      ActionContext ctx, AdmissionregistrationV1Api admission, Webhook w)
      throws ActionFailure, InterruptedException {
    List<Webhook> now =
        Webhook.VALIDATING.equals(w.kind())
            ? Webhook.of(
                KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () ->
                        admission.readValidatingWebhookConfiguration(w.configuration()).execute()))
            : Webhook.of(
                KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readMutatingWebhookConfiguration(w.configuration()).execute()));
    return now.stream().filter(x -> x.name().equals(w.name())).findFirst();
  }
}
