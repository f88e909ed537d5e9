package io.kuark.server.api.protobuf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The protobuf wire schema of the built-in Kubernetes types (message → field number → JSON name and
 * type), loaded from {@code k8s-proto-schema.tsv}. Immutable after loading.
 */
public final class ProtobufSchema {

  /**
   * One field.
   *
   * @param jsonName the field's JSON name
   * @param type protobuf scalar type, or {@code message}
   * @param messageType full message name for {@code message} fields, else null
   * @param repeated true for repeated fields (and maps)
   */
  public record Field(String jsonName, String type, String messageType, boolean repeated) {}

  private static final String RESOURCE = "/io/kuark/server/api/protobuf/k8s-proto-schema.tsv";
  private static volatile ProtobufSchema builtIn;

  private final Map<String, Map<Integer, Field>> messages;

  private ProtobufSchema(Map<String, Map<Integer, Field>> messages) {
    this.messages = messages;
  }

  /** The schema shipped with the server (loaded once). */
  public static ProtobufSchema builtIn() {
    ProtobufSchema s = builtIn;
    if (s == null) {
      synchronized (ProtobufSchema.class) {
        if (builtIn == null) {
          builtIn = load();
        }
        s = builtIn;
      }
    }
    return s;
  }

  /** The fields of {@code message}, or null when unknown. */
  public Map<Integer, Field> message(String message) {
    return messages.get(message);
  }

  public boolean has(String message) {
    return messages.containsKey(message);
  }

  private static ProtobufSchema load() {
    Map<String, Map<Integer, Field>> out = new HashMap<>();
    try (InputStream in = ProtobufSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] c = line.split("\t");
        out.computeIfAbsent(c[0], k -> new HashMap<>())
            .put(
                Integer.parseInt(c[1]),
                new Field(c[2], c[3], c[4].equals("-") ? null : c[4], c[5].equals("r")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProtobufSchema(out);
  }
}
