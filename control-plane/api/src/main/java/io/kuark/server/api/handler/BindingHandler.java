package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;

/**
 * POST of a {@code Binding} to {@code pods/NAME/binding} or {@code bindings}: sets the pod's {@code
 * spec.nodeName} with a compare-and-swap and marks it PodScheduled; 409 Conflict when the pod is
 * already bound or is being deleted.
 */
final class BindingHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final ObjectUpdater updater;
  private final ResourceType pods;

  BindingHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.updater = new ObjectUpdater(ctx);
    this.pods = ctx.catalog().find("", "v1", "pods").orElseThrow();
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode binding = Json.parseObject(req.body(), req.contentType());
    String podName = req.info().hasName() ? req.info().name() : Meta.name(binding);
    String bodyName = Meta.name(binding);
    if (!bodyName.isEmpty() && !bodyName.equals(podName)) {
      throw Statuses.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + podName
              + ")");
    }
    String node = binding.path("target").path("name").asText("");
    if (node.isEmpty()) {
      throw Statuses.invalid(pods, podName, "target.name", "Required value");
    }
    String uid = binding.path("metadata").path("uid").asText("");
    boolean dryRun = req.dryRun();
    updater.update(
        pods,
        req.info().namespace(),
        podName,
        pod -> {
          if (!uid.isEmpty() && !uid.equals(Meta.uid(pod))) {
            throw Statuses.conflict(
                pods,
                podName,
                "Precondition failed: UID in precondition: "
                    + uid
                    + ", UID in object meta: "
                    + Meta.uid(pod));
          }
          if (Meta.deleting(pod)) {
            throw Statuses.conflict(
                pods,
                podName,
                "pod " + podName + " is being deleted, cannot be assigned to a host");
          }
          String bound = pod.path("spec").path("nodeName").asText("");
          if (!bound.isEmpty()) {
            throw Statuses.conflict(
                pods,
                podName + "/binding",
                "pod " + podName + " is already assigned to node \"" + bound + "\"");
          }
          pod.with("spec").put("nodeName", node);
          setScheduled(pod);
          Meta.metadata(pod).remove("resourceVersion");
          return pod;
        },
        ObjectUpdater.Mode.RAW,
        dryRun,
        null);
    ObjectNode status = Statuses.success(podName, "", "pods", null);
    status.remove("details");
    return ApiResponse.created(status);
  }

  private static void setScheduled(ObjectNode pod) {
    ObjectNode status = pod.with("status");
    JsonNode existing = status.get("conditions");
    ArrayNode conditions = existing instanceof ArrayNode a ? a : status.putArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (conditions.get(i).path("type").asText().equals("PodScheduled")) {
        conditions.remove(i);
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", "PodScheduled");
    c.put("status", "True");
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", Meta.now());
  }
}
