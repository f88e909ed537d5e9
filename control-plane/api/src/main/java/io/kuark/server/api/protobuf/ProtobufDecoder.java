package io.kuark.server.api.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Decodes {@code application/vnd.kubernetes.protobuf} bodies (the {@code k8s\0} magic, a {@code
 * runtime.Unknown} envelope naming apiVersion and kind, then the object's protobuf bytes) into the
 * object's JSON tree, the same tree its JSON form would parse into. Go's protobuf encoding writes
 * every non-pointer field, so zero scalars are dropped (as Go's {@code omitempty} JSON does) except
 * for fields that are pointers upstream, where an explicit zero means something.
 */
public final class ProtobufDecoder {

  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC3339_MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Fields that are pointers upstream: their explicit zero values are kept. */
  private static final Set<String> POINTER_FIELDS =
      Set.of(
          "replicas",
          "revisionHistoryLimit",
          "progressDeadlineSeconds",
          "parallelism",
          "completions",
          "activeDeadlineSeconds",
          "backoffLimit",
          "backoffLimitPerIndex",
          "maxFailedIndexes",
          "ttlSecondsAfterFinished",
          "suspend",
          "manualSelector",
          "startingDeadlineSeconds",
          "successfulJobsHistoryLimit",
          "failedJobsHistoryLimit",
          "terminationGracePeriodSeconds",
          "automountServiceAccountToken",
          "shareProcessNamespace",
          "priority",
          "enableServiceLinks",
          "hostUsers",
          "setHostnameAsFQDN",
          "privileged",
          "runAsUser",
          "runAsGroup",
          "runAsNonRoot",
          "readOnlyRootFilesystem",
          "allowPrivilegeEscalation",
          "fsGroup",
          "immutable",
          "defaultMode",
          "optional",
          "mode",
          "allocateLoadBalancerNodePorts",
          "expirationSeconds",
          "gracePeriodSeconds",
          "orphanDependents",
          "minAvailable",
          "maxUnavailable",
          "value",
          "unschedulable");

  private final ProtobufSchema schema;

  public ProtobufDecoder(ProtobufSchema schema) {
    this.schema = schema;
  }

  /** True when {@code body} starts with the Kubernetes protobuf magic. */
  public static boolean isProtobuf(byte[] body) {
    if (body == null || body.length < 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (body[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Decodes an enveloped object; apiVersion and kind come from the envelope. */
  public ObjectNode decode(byte[] body) {
    if (!isProtobuf(body)) {
      throw new ProtobufException("missing the k8s protobuf magic prefix");
    }
    WireReader envelope = new WireReader(body, 4, body.length);
    String apiVersion = "";
    String kind = "";
    byte[] raw = null;
    while (envelope.more()) {
      int key = (int) envelope.varint();
      int number = key >>> 3;
      int wire = key & 7;
      if (number == 1 && wire == 2) {
        WireReader typeMeta = envelope.sub();
        while (typeMeta.more()) {
          int k = (int) typeMeta.varint();
          if ((k >>> 3) == 1) {
            apiVersion = typeMeta.string();
          } else if ((k >>> 3) == 2) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip(k & 7);
          }
        }
      } else if (number == 2 && wire == 2) {
        raw = envelope.bytes();
      } else if (number == 3 && wire == 2) {
        String encoding = envelope.string();
        if (!encoding.isEmpty()) {
          throw new ProtobufException("unsupported content encoding " + encoding);
        }
      } else {
        envelope.skip(wire);
      }
    }
    String message = messageFor(apiVersion, kind);
    ObjectNode object = NODES.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    if (raw != null) {
      ObjectNode fields = decodeMessage(message, new WireReader(raw, 0, raw.length));
      object.setAll(fields);
    }
    return object;
  }

  /** The full message name of {@code kind} in {@code apiVersion}. */
  String messageFor(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    String pkg = group.isEmpty() ? "core" : group.split("\\.")[0];
    String candidate = "k8s.io.api." + pkg + "." + version + "." + kind;
    if (schema.has(candidate)) {
      return candidate;
    }
    if (schema.has(META + kind)) {
      return META + kind;
    }
    throw new ProtobufException("no protobuf schema for " + apiVersion + ", Kind=" + kind);
  }

  private ObjectNode decodeMessage(String message, WireReader in) {
    Map<Integer, ProtobufSchema.Field> fields = schema.message(message);
    if (fields == null) {
      throw new ProtobufException("no protobuf schema for " + message);
    }
    ObjectNode out = NODES.objectNode();
    while (in.more()) {
      int key = (int) in.varint();
      int number = key >>> 3;
      int wire = key & 7;
      ProtobufSchema.Field field = fields.get(number);
      if (field == null) {
        throw new ProtobufException("unknown field " + number + " of " + message);
      }
      if (field.repeated()) {
        if (isMapEntry(field)) {
          ObjectNode map =
              out.has(field.jsonName())
                  ? (ObjectNode) out.get(field.jsonName())
                  : out.putObject(field.jsonName());
          decodeMapEntry(field.messageType(), in.sub(), map);
        } else {
          ArrayNode list =
              out.has(field.jsonName())
                  ? (ArrayNode) out.get(field.jsonName())
                  : out.putArray(field.jsonName());
          if (wire == 2
              && !field.type().equals("message")
              && !field.type().equals("string")
              && !field.type().equals("bytes")) {
            WireReader packed = in.sub();
            while (packed.more()) {
              list.add(scalar(field, packed, scalarWire(field.type())));
            }
          } else {
            list.add(value(field, in, wire));
          }
        }
        continue;
      }
      JsonNode value = value(field, in, wire);
      if (keep(field, value)) {
        out.set(field.jsonName(), value);
      } else {
        out.remove(field.jsonName());
      }
    }
    return out;
  }

  private static boolean keep(ProtobufSchema.Field field, JsonNode value) {
    if (value == null) {
      return false;
    }
    if (POINTER_FIELDS.contains(field.jsonName())) {
      return true;
    }
    if (value.isTextual()) {
      return !value.asText().isEmpty();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isNumber()) {
      return value.asDouble() != 0;
    }
    return true;
  }

  private boolean isMapEntry(ProtobufSchema.Field field) {
    return field.messageType() != null && field.messageType().endsWith("Entry");
  }

  private void decodeMapEntry(String entryType, WireReader in, ObjectNode map) {
    Map<Integer, ProtobufSchema.Field> fields = schema.message(entryType);
    String key = "";
    JsonNode value = NODES.textNode("");
    while (in.more()) {
      int k = (int) in.varint();
      ProtobufSchema.Field f = fields.get(k >>> 3);
      if (f == null) {
        throw new ProtobufException("unknown field of " + entryType);
      }
      JsonNode v = value(f, in, k & 7);
      if ((k >>> 3) == 1) {
        key = v.asText();
      } else {
        value = v;
      }
    }
    map.set(key, value);
  }

  private JsonNode value(ProtobufSchema.Field field, WireReader in, int wire) {
    if (!field.type().equals("message")) {
      return scalar(field, in, wire);
    }
    WireReader sub = in.sub();
    String type = field.messageType();
    switch (type) {
      case META + "Time":
        return time(sub, false);
      case META + "MicroTime":
        return time(sub, true);
      case META + "Duration":
        return duration(sub);
      case "k8s.io.apimachinery.pkg.api.resource.Quantity":
        return firstString(sub);
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        return intOrString(sub);
      case "k8s.io.apimachinery.pkg.runtime.RawExtension":
      case META + "FieldsV1":
        return rawJson(sub);
      default:
        return decodeMessage(type, sub);
    }
  }

  private static JsonNode scalar(ProtobufSchema.Field field, WireReader in, int wire) {
    switch (field.type()) {
      case "string":
        return NODES.textNode(in.string());
      case "bytes":
        return NODES.textNode(Base64.getEncoder().encodeToString(in.bytes()));
      case "bool":
        return NODES.booleanNode(in.varint() != 0);
      case "int32":
        return NODES.numberNode((int) in.varint());
      case "int64":
      case "uint64":
      case "uint32":
        return NODES.numberNode(in.varint());
      case "double":
        return NODES.numberNode(Double.longBitsToDouble(in.fixed64()));
      case "float":
        return NODES.numberNode(Float.intBitsToFloat(in.fixed32()));
      default:
        in.skip(wire);
        throw new ProtobufException("unsupported protobuf type " + field.type());
    }
  }

  private static int scalarWire(String type) {
    return type.equals("double") ? 1 : type.equals("float") ? 5 : 0;
  }

  private static JsonNode time(WireReader in, boolean micro) {
    long seconds = 0;
    int nanos = 0;
    while (in.more()) {
      int k = (int) in.varint();
      if ((k >>> 3) == 1) {
        seconds = in.varint();
      } else if ((k >>> 3) == 2) {
        nanos = (int) in.varint();
      } else {
        in.skip(k & 7);
      }
    }
    if (seconds == 0 && nanos == 0) {
      return NODES.nullNode();
    }
    Instant t = Instant.ofEpochSecond(seconds, nanos);
    return NODES.textNode(micro ? RFC3339_MICRO.format(t) : RFC3339.format(t));
  }

  private static JsonNode duration(WireReader in) {
    long nanos = 0;
    while (in.more()) {
      int k = (int) in.varint();
      if ((k >>> 3) == 1) {
        nanos = in.varint();
      } else {
        in.skip(k & 7);
      }
    }
    java.time.Duration d = java.time.Duration.ofNanos(nanos);
    StringBuilder s = new StringBuilder();
    if (d.toHours() > 0) {
      s.append(d.toHours()).append('h');
    }
    if (d.toHours() > 0 || d.toMinutesPart() > 0) {
      s.append(d.toMinutesPart()).append('m');
    }
    s.append(d.toSecondsPart()).append('s');
    return NODES.textNode(s.toString());
  }

  private static JsonNode firstString(WireReader in) {
    String value = "";
    while (in.more()) {
      int k = (int) in.varint();
      if ((k >>> 3) == 1) {
        value = in.string();
      } else {
        in.skip(k & 7);
      }
    }
    return NODES.textNode(value);
  }

  private static JsonNode intOrString(WireReader in) {
    long type = 0;
    int intVal = 0;
    String strVal = "";
    while (in.more()) {
      int k = (int) in.varint();
      switch (k >>> 3) {
        case 1:
          type = in.varint();
          break;
        case 2:
          intVal = (int) in.varint();
          break;
        case 3:
          strVal = in.string();
          break;
        default:
          in.skip(k & 7);
      }
    }
    return type == 1 ? NODES.textNode(strVal) : NODES.numberNode(intVal);
  }

  private static JsonNode rawJson(WireReader in) {
    byte[] raw = new byte[0];
    while (in.more()) {
      int k = (int) in.varint();
      if ((k >>> 3) == 1) {
        raw = in.bytes();
      } else {
        in.skip(k & 7);
      }
    }
    if (raw.length == 0) {
      return NODES.objectNode();
    }
    try {
      return JSON.readTree(new String(raw, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ProtobufException("embedded object is not JSON");
    }
  }
}
