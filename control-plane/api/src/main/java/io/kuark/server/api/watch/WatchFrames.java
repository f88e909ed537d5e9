package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.nio.charset.StandardCharsets;

/** Encodes watch events as the newline-delimited JSON frames upstream streams. */
public final class WatchFrames {

  private WatchFrames() {}

  public static byte[] frame(String type, JsonNode object) {
    return frame(type, Json.bytes(object));
  }

  static byte[] frame(String type, byte[] objectJson) {
    byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + objectJson.length + 2];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(objectJson, 0, out, head.length, objectJson.length);
    out[out.length - 2] = '}';
    out[out.length - 1] = '\n';
    return out;
  }
}
