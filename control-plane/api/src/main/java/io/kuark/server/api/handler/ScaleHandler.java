package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.patch.JsonPatch;
import io.kuark.server.api.patch.MergePatch;
import io.kuark.server.api.patch.PatchException;
import io.kuark.server.api.store.Meta;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code scale} subresource (autoscaling/v1 Scale) of deployments, replicasets, statefulsets
 * and custom resources with a scale subresource: GET, PUT and PATCH change only {@code
 * spec.replicas}.
 */
final class ScaleHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final ObjectUpdater updater;

  ScaleHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.updater = new ObjectUpdater(ctx);
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    String ns = req.info().namespace();
    String name = req.info().name();
    switch (req.info().verb()) {
      case "get":
        return ApiResponse.ok(toScale(ctx.store().require(req.type(), ns, name).object()));
      case "update":
      case "patch":
        {
          boolean patch = req.info().verb().equals("patch");
          JsonNode body =
              patch
                  ? Json.parseBody(req.body(), "json")
                  : Json.parseObject(req.body(), req.contentType());
          WriteResult result =
              updater.update(
                  req.type(),
                  ns,
                  name,
                  current -> {
                    ObjectNode scale = toScale(current);
                    ObjectNode wanted =
                        patch ? applyPatch(scale, body, req.contentType()) : (ObjectNode) body;
                    JsonNode replicas = wanted.path("spec").path("replicas");
                    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
                      throw Statuses.invalid(
                          req.type(),
                          name,
                          "spec.replicas",
                          "Invalid value: " + replicas + ": must be greater than or equal to 0");
                    }
                    current.with("spec").put("replicas", replicas.asInt());
                    String rv = patch ? "" : Meta.resourceVersion(wanted);
                    if (rv.isEmpty()) {
                      Meta.metadata(current).remove("resourceVersion");
                    } else {
                      Meta.metadata(current).put("resourceVersion", rv);
                    }
                    return current;
                  },
                  ObjectUpdater.Mode.MAIN,
                  req.dryRun(),
                  null,
                  FieldManagers.of(req, "scale"));
          return ApiResponse.ok(toScale(result.object()));
        }
      default:
        throw Statuses.methodNotAllowed(req.info().verb());
    }
  }

  private static ObjectNode applyPatch(ObjectNode scale, JsonNode patch, String contentType) {
    try {
      JsonNode out =
          contentType != null && contentType.startsWith("application/json-patch+json")
              ? JsonPatch.apply(scale, patch)
              : MergePatch.apply(scale, patch);
      return (ObjectNode) out;
    } catch (PatchException | ClassCastException e) {
      throw Statuses.failure(422, "Invalid", e.getMessage(), null);
    }
  }

  static ObjectNode toScale(ObjectNode object) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    JsonNode om = object.path("metadata");
    for (String f :
        new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (om.has(f)) {
        meta.set(f, om.get(f));
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", object.path("status").path("replicas").asInt(0));
    String selector = selectorString(object.path("spec").path("selector"));
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  /** A LabelSelector object in the string form ({@code app=web,tier in (a,b)}). */
  static String selectorString(JsonNode selector) {
    StringBuilder out = new StringBuilder();
    Iterator<Map.Entry<String, JsonNode>> labels = selector.path("matchLabels").fields();
    while (labels.hasNext()) {
      Map.Entry<String, JsonNode> e = labels.next();
      append(out, e.getKey() + "=" + e.getValue().asText());
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      StringBuilder values = new StringBuilder();
      for (JsonNode v : expr.path("values")) {
        values.append(values.length() == 0 ? "" : ",").append(v.asText());
      }
      switch (expr.path("operator").asText()) {
        case "In":
          append(out, key + " in (" + values + ")");
          break;
        case "NotIn":
          append(out, key + " notin (" + values + ")");
          break;
        case "Exists":
          append(out, key);
          break;
        case "DoesNotExist":
          append(out, "!" + key);
          break;
        default:
          break;
      }
    }
    return out.toString();
  }

  private static void append(StringBuilder out, String term) {
    if (out.length() > 0) {
      out.append(',');
    }
    out.append(term);
  }
}
