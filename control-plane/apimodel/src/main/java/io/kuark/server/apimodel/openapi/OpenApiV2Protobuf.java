package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes an OpenAPI v2 JSON document as the {@code openapi.v2.Document} protocol buffer (gnostic's
 * OpenAPIv2.proto), the form kubectl 1.27/1.28 fetch with {@code Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf}. Vendor extensions travel as YAML
 * text (JSON is valid YAML), as gnostic does.
 */
final class OpenApiV2Protobuf {

  private OpenApiV2Protobuf() {}

  static byte[] encode(JsonNode doc) {
    ProtoWriter w = new ProtoWriter();
    w.string(1, doc.path("swagger").asText("2.0"));
    ProtoWriter info = new ProtoWriter();
    info.string(1, doc.path("info").path("title").asText());
    info.string(2, doc.path("info").path("version").asText());
    w.message(2, info);
    ProtoWriter paths = new ProtoWriter();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ProtoWriter named = new ProtoWriter();
      named.string(1, e.getKey());
      named.message(2, pathItem(e.getValue()));
      paths.message(2, named);
    }
    w.message(8, paths);
    ProtoWriter defs = new ProtoWriter();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("definitions").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      defs.message(1, namedSchema(e.getKey(), e.getValue()));
    }
    w.message(9, defs);
    for (JsonNode req : doc.path("security")) {
      ProtoWriter sr = new ProtoWriter();
      for (Iterator<Map.Entry<String, JsonNode>> it = req.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ProtoWriter nsa = new ProtoWriter();
        nsa.string(1, e.getKey());
        ProtoWriter arr = new ProtoWriter();
        e.getValue().forEach(v -> arr.stringElement(1, v.asText()));
        nsa.message(2, arr);
        sr.message(1, nsa);
      }
      w.message(12, sr);
    }
    ProtoWriter secDefs = new ProtoWriter();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("securityDefinitions").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ProtoWriter apiKey = new ProtoWriter();
      apiKey.string(1, e.getValue().path("type").asText());
      apiKey.string(2, e.getValue().path("name").asText());
      apiKey.string(3, e.getValue().path("in").asText());
      apiKey.string(4, e.getValue().path("description").asText());
      ProtoWriter item = new ProtoWriter();
      item.message(2, apiKey);
      ProtoWriter named = new ProtoWriter();
      named.string(1, e.getKey());
      named.message(2, item);
      secDefs.message(1, named);
    }
    w.message(13, secDefs);
    return w.bytes();
  }

  private static ProtoWriter pathItem(JsonNode item) {
    ProtoWriter w = new ProtoWriter();
    String[] methods = {"get", "put", "post", "delete", "options", "head", "patch"};
    for (int i = 0; i < methods.length; i++) {
      if (item.has(methods[i])) {
        w.message(i + 2, operation(item.get(methods[i])));
      }
    }
    for (JsonNode p : item.path("parameters")) {
      w.message(9, parameter(p));
    }
    extensions(item, w, 10);
    return w;
  }

  private static ProtoWriter operation(JsonNode op) {
    ProtoWriter w = new ProtoWriter();
    op.path("tags").forEach(t -> w.stringElement(1, t.asText()));
    w.string(3, op.path("description").asText());
    w.string(5, op.path("operationId").asText());
    op.path("produces").forEach(t -> w.stringElement(6, t.asText()));
    op.path("consumes").forEach(t -> w.stringElement(7, t.asText()));
    for (JsonNode p : op.path("parameters")) {
      w.message(8, parameter(p));
    }
    ProtoWriter responses = new ProtoWriter();
    for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ProtoWriter response = new ProtoWriter();
      response.string(1, e.getValue().path("description").asText());
      if (e.getValue().has("schema")) {
        ProtoWriter schemaItem = new ProtoWriter();
        schemaItem.message(1, schema(e.getValue().get("schema")));
        response.message(2, schemaItem);
      }
      ProtoWriter value = new ProtoWriter();
      value.message(1, response);
      ProtoWriter named = new ProtoWriter();
      named.string(1, e.getKey());
      named.message(2, value);
      responses.message(1, named);
    }
    w.message(9, responses);
    op.path("schemes").forEach(t -> w.stringElement(10, t.asText()));
    extensions(op, w, 13);
    return w;
  }

  private static ProtoWriter parameter(JsonNode p) {
    ProtoWriter parameter = new ProtoWriter();
    String in = p.path("in").asText();
    if (in.equals("body")) {
      ProtoWriter body = new ProtoWriter();
      body.string(1, p.path("description").asText());
      body.string(2, p.path("name").asText());
      body.string(3, in);
      body.bool(4, p.path("required").asBoolean(false));
      if (p.has("schema")) {
        body.message(5, schema(p.get("schema")));
      }
      parameter.message(1, body);
    } else {
      ProtoWriter sub = new ProtoWriter();
      sub.bool(1, p.path("required").asBoolean(false));
      sub.string(2, in);
      sub.string(3, p.path("description").asText());
      sub.string(4, p.path("name").asText());
      boolean query = !in.equals("path");
      sub.string(query ? 6 : 5, p.path("type").asText());
      sub.bool(query ? 20 : 19, p.path("uniqueItems").asBoolean(false));
      ProtoWriter nonBody = new ProtoWriter();
      nonBody.message(query ? 3 : 4, sub);
      parameter.message(2, nonBody);
    }
    ProtoWriter item = new ProtoWriter();
    item.message(1, parameter);
    return item;
  }

  private static ProtoWriter namedSchema(String name, JsonNode schema) {
    ProtoWriter named = new ProtoWriter();
    named.string(1, name);
    named.message(2, schema(schema));
    return named;
  }

  static ProtoWriter schema(JsonNode s) {
    ProtoWriter w = new ProtoWriter();
    w.string(1, s.path("$ref").asText(""));
    w.string(2, s.path("format").asText(""));
    w.string(3, s.path("title").asText(""));
    w.string(4, s.path("description").asText(""));
    if (s.has("default")) {
      w.message(5, any(s.get("default")));
    }
    w.dbl(6, s.path("multipleOf").asDouble(0));
    w.dbl(7, s.path("maximum").asDouble(0));
    w.bool(8, s.path("exclusiveMaximum").asBoolean(false));
    w.dbl(9, s.path("minimum").asDouble(0));
    w.bool(10, s.path("exclusiveMinimum").asBoolean(false));
    w.int64(11, s.path("maxLength").asLong(0));
    w.int64(12, s.path("minLength").asLong(0));
    w.string(13, s.path("pattern").asText(""));
    w.int64(14, s.path("maxItems").asLong(0));
    w.int64(15, s.path("minItems").asLong(0));
    w.bool(16, s.path("uniqueItems").asBoolean(false));
    w.int64(17, s.path("maxProperties").asLong(0));
    w.int64(18, s.path("minProperties").asLong(0));
    s.path("required").forEach(r -> w.stringElement(19, r.asText()));
    s.path("enum").forEach(v -> w.message(20, any(v)));
    JsonNode ap = s.get("additionalProperties");
    if (ap != null) {
      ProtoWriter item = new ProtoWriter();
      if (ap.isBoolean()) {
        item.bool(2, ap.asBoolean());
      } else {
        item.message(1, schema(ap));
      }
      w.message(21, item);
    }
    JsonNode type = s.get("type");
    if (type != null) {
      ProtoWriter t = new ProtoWriter();
      if (type.isArray()) {
        type.forEach(v -> t.stringElement(1, v.asText()));
      } else {
        t.stringElement(1, type.asText());
      }
      w.message(22, t);
    }
    JsonNode items = s.get("items");
    if (items != null) {
      ProtoWriter it = new ProtoWriter();
      if (items.isArray()) {
        items.forEach(i -> it.message(1, schema(i)));
      } else {
        it.message(1, schema(items));
      }
      w.message(23, it);
    }
    s.path("allOf").forEach(a -> w.message(24, schema(a)));
    JsonNode props = s.get("properties");
    if (props != null) {
      ProtoWriter p = new ProtoWriter();
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        p.message(1, namedSchema(e.getKey(), e.getValue()));
      }
      w.message(25, p);
    }
    w.bool(27, s.path("readOnly").asBoolean(false));
    if (s.has("example")) {
      w.message(30, any(s.get("example")));
    }
    extensions(s, w, 31);
    return w;
  }

  private static void extensions(JsonNode node, ProtoWriter w, int field) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("x-")) {
        ProtoWriter named = new ProtoWriter();
        named.string(1, e.getKey());
        named.message(2, any(e.getValue()));
        w.message(field, named);
      }
    }
  }

  /** An {@code Any} carrying the value as YAML text (JSON syntax, newline-terminated). */
  private static ProtoWriter any(JsonNode value) {
    ProtoWriter a = new ProtoWriter();
    a.string(2, value.toString() + "\n");
    return a;
  }
}
