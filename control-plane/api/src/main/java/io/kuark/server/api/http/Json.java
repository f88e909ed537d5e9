package io.kuark.server.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kuark.server.api.protobuf.ProtobufDecoder;
import io.kuark.server.api.protobuf.ProtobufException;
import io.kuark.server.api.protobuf.ProtobufSchema;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The shared Jackson mappers; objects are handled as trees so every kind takes the same path. */
public final class Json {

  /** JSON mapper that rejects duplicate keys (so fieldValidation can report them). */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Lenient mapper for data we wrote ourselves. */
  private static final ObjectMapper LENIENT = new ObjectMapper();

  private static final ObjectMapper YAML = new YAMLMapper();

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final ProtobufDecoder PROTOBUF = new ProtobufDecoder(ProtobufSchema.builtIn());

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** Parses bytes we stored (trusted JSON objects). */
  public static ObjectNode readStored(byte[] bytes) {
    try {
      return (ObjectNode) LENIENT.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt stored object", e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return LENIENT.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String string(JsonNode node) {
    try {
      return LENIENT.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a request body as JSON, or as YAML when it does not look like JSON or the content type
   * says so. Malformed input is a 400 BadRequest.
   */
  public static JsonNode parseBody(byte[] body, String contentType) {
    if (ProtobufDecoder.isProtobuf(body)) {
      try {
        return PROTOBUF.decode(body);
      } catch (ProtobufException e) {
        throw Statuses.failure(
            415, "UnsupportedMediaType", "cannot decode protobuf body: " + e.getMessage(), null);
      }
    }
    boolean yaml = contentType != null && contentType.contains("yaml");
    try {
      if (!yaml && looksLikeJson(body)) {
        return MAPPER.readTree(body);
      }
      JsonNode node = YAML.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Statuses.badRequest("the request body is empty");
      }
      return node;
    } catch (IOException e) {
      throw Statuses.badRequest(
          "the body of the request was in an unknown format or malformed: "
              + firstLine(e.getMessage()));
    }
  }

  /** Parses a body that must be a JSON/YAML object. */
  public static ObjectNode parseObject(byte[] body, String contentType) {
    if (body == null || body.length == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    JsonNode node = parseBody(body, contentType);
    if (!(node instanceof ObjectNode object)) {
      throw Statuses.badRequest("the body of the request must be an object");
    }
    return object;
  }

  private static boolean looksLikeJson(byte[] body) {
    for (byte b : body) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
