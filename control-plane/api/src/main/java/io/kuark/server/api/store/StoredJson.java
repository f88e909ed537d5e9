package io.kuark.server.api.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.storage.KeyValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON of a stored object as the API serves it, made from the stored bytes without building a
 * Jackson tree: stored objects lack {@code metadata.resourceVersion} (it is the storage revision),
 * so it is spliced in as the last field of {@code metadata}, which is where {@link
 * ObjectStore#decode} puts it; the bytes are the same as encoding the decoded object. A list of a
 * thousand objects then costs a token scan per object instead of a parse into trees and a
 * serialization back.
 */
public final class StoredJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private StoredJson() {}

  /** The object's JSON with {@code metadata.resourceVersion} = its mod revision. */
  public static byte[] withResourceVersion(KeyValue kv) {
    byte[] stored = kv.value();
    long metadataEnd;
    boolean metadataEmpty;
    try (JsonParser p = FACTORY.createParser(stored)) {
      long[] found = metadataEnd(p);
      if (found == null) {
        return viaTree(kv);
      }
      metadataEnd = found[0];
      metadataEmpty = found[1] == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt stored object", e);
    }
    byte[] field =
        ((metadataEmpty ? "" : ",") + "\"resourceVersion\":\"" + kv.modRevision() + "\"")
            .getBytes(StandardCharsets.UTF_8);
    int at = (int) metadataEnd;
    byte[] out = new byte[stored.length + field.length];
    System.arraycopy(stored, 0, out, 0, at);
    System.arraycopy(field, 0, out, at, field.length);
    System.arraycopy(stored, at, out, at + field.length, stored.length - at);
    return out;
  }

  /**
   * The byte offset of the closing brace of the top-level {@code metadata} object and its field
   * count (0 or 1+), or null when the object has no metadata object, already has a resourceVersion,
   * or is not an object: those take the tree path.
   */
  private static long[] metadataEnd(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("metadata")) {
        if (value != JsonToken.START_OBJECT) {
          return null;
        }
        int fields = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          if (p.currentName().equals("resourceVersion")) {
            return null;
          }
          fields++;
          p.nextToken();
          p.skipChildren();
        }
        long offset = p.currentTokenLocation().getByteOffset();
        return offset < 0 ? null : new long[] {offset, fields};
      }
      p.skipChildren();
    }
    return null;
  }

  private static byte[] viaTree(KeyValue kv) {
    ObjectNode object = ObjectStore.decode(kv).object();
    return Json.bytes(object);
  }
}
