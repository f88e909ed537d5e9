package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Renders {@link PathBuilder.PathItem}s and schemas as OpenAPI v2 (Swagger) or v3 JSON. */
final class Renderer {

  static final String V3_PREFIX = "#/components/schemas/";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> PRODUCES =
      List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");

  private Renderer() {}

  static ObjectNode v2PathItem(PathBuilder.PathItem item, String kind) {
    ObjectNode out = JSON.objectNode();
    for (Map.Entry<String, Operation> e : item.operations().entrySet()) {
      out.set(e.getKey(), v2Operation(e.getValue()));
    }
    ArrayNode params = out.putArray("parameters");
    for (String p : item.pathParams()) {
      ObjectNode param = params.addObject();
      param.put("uniqueItems", true);
      param.put("type", "string");
      param.put(
          "description",
          p.equals("name")
              ? "name of the " + kind
              : "object name and auth scope, such as for teams and projects");
      param.put("name", p);
      param.put("in", "path");
      param.put("required", true);
    }
    params.add(v2Query("pretty"));
    return out;
  }

  private static ObjectNode v2Query(String name) {
    String[] d = Parameters.describe(name);
    ObjectNode param = JSON.objectNode();
    param.put("uniqueItems", true);
    param.put("type", d[0]);
    param.put("description", d[1]);
    param.put("name", name);
    param.put("in", "query");
    return param;
  }

  private static ObjectNode v2Operation(Operation op) {
    ObjectNode o = JSON.objectNode();
    o.put("description", op.action() + " " + op.kind());
    ArrayNode consumes = o.putArray("consumes");
    if (op.patch()) {
      Operation.PATCH_TYPES.forEach(consumes::add);
    } else {
      consumes.add("*/*");
    }
    ArrayNode produces = o.putArray("produces");
    PRODUCES.forEach(produces::add);
    if (op.watchable()) {
      produces.add("application/json;stream=watch");
      produces.add("application/vnd.kubernetes.protobuf;stream=watch");
    }
    o.putArray("schemes").add("https");
    o.putArray("tags").add(op.tag());
    o.put("operationId", op.operationId());
    ArrayNode params = o.putArray("parameters");
    if (op.bodyDefinition() != null) {
      ObjectNode body = params.addObject();
      body.put("name", "body");
      body.put("in", "body");
      body.put("required", !op.method().equals("delete"));
      body.putObject("schema").put("$ref", ModelSchemas.REF_PREFIX + op.bodyDefinition());
    }
    for (String q : op.queryParams()) {
      params.add(v2Query(q));
    }
    ObjectNode responses = o.putObject("responses");
    ObjectNode ok = responses.putObject("200");
    ok.put("description", "OK");
    if (op.responseDefinition() != null) {
      ok.putObject("schema").put("$ref", ModelSchemas.REF_PREFIX + op.responseDefinition());
    } else {
      ok.putObject("schema").put("type", "string");
    }
    if (op.method().equals("post")) {
      responses.set("201", created(op, "Created", false));
      responses.set("202", created(op, "Accepted", false));
    }
    responses.putObject("401").put("description", "Unauthorized");
    extensions(o, op);
    return o;
  }

  private static ObjectNode created(Operation op, String description, boolean v3) {
    ObjectNode r = JSON.objectNode();
    r.put("description", description);
    if (v3) {
      r.set("content", v3Content(op.responseDefinition()));
    } else {
      r.putObject("schema").put("$ref", ModelSchemas.REF_PREFIX + op.responseDefinition());
    }
    return r;
  }

  private static void extensions(ObjectNode o, Operation op) {
    o.put("x-kubernetes-action", op.action());
    ObjectNode gvk = o.putObject("x-kubernetes-group-version-kind");
    gvk.put("group", op.group());
    gvk.put("kind", op.kind());
    gvk.put("version", op.version());
  }

  static ObjectNode v3PathItem(PathBuilder.PathItem item, String kind) {
    ObjectNode out = JSON.objectNode();
    for (Map.Entry<String, Operation> e : item.operations().entrySet()) {
      out.set(e.getKey(), v3Operation(e.getValue()));
    }
    ArrayNode params = out.putArray("parameters");
    for (String p : item.pathParams()) {
      ObjectNode param = params.addObject();
      param.put("name", p);
      param.put("in", "path");
      param.put(
          "description",
          p.equals("name")
              ? "name of the " + kind
              : "object name and auth scope, such as for teams and projects");
      param.put("required", true);
      ObjectNode schema = param.putObject("schema");
      schema.put("type", "string");
      schema.put("uniqueItems", true);
    }
    params.add(v3Query("pretty"));
    return out;
  }

  private static ObjectNode v3Query(String name) {
    String[] d = Parameters.describe(name);
    ObjectNode param = JSON.objectNode();
    param.put("name", name);
    param.put("in", "query");
    param.put("description", d[1]);
    ObjectNode schema = param.putObject("schema");
    schema.put("type", d[0]);
    schema.put("uniqueItems", true);
    return param;
  }

  private static ObjectNode v3Operation(Operation op) {
    ObjectNode o = JSON.objectNode();
    o.putArray("tags").add(op.tag());
    o.put("description", op.action() + " " + op.kind());
    o.put("operationId", op.operationId());
    ArrayNode params = o.putArray("parameters");
    for (String q : op.queryParams()) {
      params.add(v3Query(q));
    }
    if (op.bodyDefinition() != null) {
      ObjectNode body = o.putObject("requestBody");
      ObjectNode content = body.putObject("content");
      if (op.patch()) {
        for (String t : Operation.PATCH_TYPES) {
          content.putObject(t).putObject("schema").put("$ref", V3_PREFIX + op.bodyDefinition());
        }
      } else {
        content.putObject("*/*").putObject("schema").put("$ref", V3_PREFIX + op.bodyDefinition());
      }
      body.put("required", !op.method().equals("delete"));
    }
    ObjectNode responses = o.putObject("responses");
    ObjectNode ok = responses.putObject("200");
    ok.put("description", "OK");
    if (op.responseDefinition() != null) {
      ok.set("content", v3Content(op.responseDefinition()));
      if (op.watchable()) {
        ((ObjectNode) ok.get("content"))
            .putObject("application/json;stream=watch")
            .putObject("schema")
            .put("$ref", V3_PREFIX + op.responseDefinition());
      }
    } else {
      ok.putObject("content").putObject("*/*").putObject("schema").put("type", "string");
    }
    if (op.method().equals("post")) {
      responses.set("201", created(op, "Created", true));
      responses.set("202", created(op, "Accepted", true));
    }
    responses.putObject("401").put("description", "Unauthorized");
    extensions(o, op);
    return o;
  }

  private static ObjectNode v3Content(String definition) {
    ObjectNode content = JSON.objectNode();
    for (String t : PRODUCES) {
      content.putObject(t).putObject("schema").put("$ref", V3_PREFIX + definition);
    }
    return content;
  }

  /**
   * A v2 schema turned into a v3 one: refs point at {@code #/components/schemas/}, and a {@code
   * $ref} with sibling keywords is wrapped into {@code allOf} (siblings of $ref are ignored in
   * OpenAPI 3.0).
   */
  static JsonNode toV3(JsonNode schema) {
    if (schema.isArray()) {
      ArrayNode out = JSON.arrayNode();
      schema.forEach(n -> out.add(toV3(n)));
      return out;
    }
    if (!schema.isObject()) {
      return schema;
    }
    ObjectNode out = JSON.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = schema.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
        out.put("$ref", e.getValue().asText().replace(ModelSchemas.REF_PREFIX, V3_PREFIX));
      } else {
        out.set(e.getKey(), toV3(e.getValue()));
      }
    }
    if (out.has("$ref") && out.size() > 1) {
      ObjectNode wrapped = JSON.objectNode();
      wrapped.putArray("allOf").addObject().set("$ref", out.remove("$ref"));
      wrapped.setAll(out);
      return wrapped;
    }
    return out;
  }

  /** Every definition name referenced (transitively through {@code defs}) from the node. */
  static void collectRefs(
      JsonNode node,
      String prefix,
      java.util.Set<String> out,
      Map<String, ? extends JsonNode> defs) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith(prefix)) {
        String name = ref.asText().substring(prefix.length());
        if (out.add(name) && defs.containsKey(name)) {
          collectRefs(defs.get(name), prefix, out, defs);
        }
      }
      node.elements().forEachRemaining(n -> collectRefs(n, prefix, out, defs));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(n -> collectRefs(n, prefix, out, defs));
    }
  }
}
