package io.kuark.server.api.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accessors for {@code metadata} of objects held as Jackson trees. */
public final class Meta {

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Meta() {}

  /** The object's metadata, created when missing. */
  public static ObjectNode metadata(ObjectNode object) {
    JsonNode meta = object.get("metadata");
    if (meta instanceof ObjectNode node) {
      return node;
    }
    return object.putObject("metadata");
  }

  public static String name(JsonNode object) {
    return object.path("metadata").path("name").asText("");
  }

  public static String namespace(JsonNode object) {
    return object.path("metadata").path("namespace").asText("");
  }

  public static String uid(JsonNode object) {
    return object.path("metadata").path("uid").asText("");
  }

  public static String resourceVersion(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText("");
  }

  public static boolean deleting(JsonNode object) {
    JsonNode ts = object.path("metadata").path("deletionTimestamp");
    return !ts.isMissingNode() && !ts.isNull();
  }

  public static List<String> finalizers(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : object.path("metadata").path("finalizers")) {
      out.add(f.asText());
    }
    return out;
  }

  public static Map<String, String> labels(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode labels = object.path("metadata").path("labels");
    labels.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  public static void setFinalizers(ObjectNode object, List<String> finalizers) {
    ObjectNode meta = metadata(object);
    if (finalizers.isEmpty()) {
      meta.remove("finalizers");
      return;
    }
    ArrayNode array = meta.putArray("finalizers");
    finalizers.forEach(array::add);
  }

  /** Current time in upstream's RFC 3339 form with second precision. */
  public static String now() {
    return format(Instant.now());
  }

  public static String format(Instant instant) {
    return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant parseTime(String text) {
    return Instant.parse(text);
  }
}
