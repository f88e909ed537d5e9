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
    Spliced spliced = spliced(kv);
    byte[] out = new byte[spliced.length()];
    spliced.writeTo(out, 0);
    return out;
  }

  /**
   * Where {@code metadata.resourceVersion} goes in the stored bytes, without copying them yet: a
   * list sizes its response exactly from these and writes every item straight into it, instead of
   * making a spliced copy per item and copying them all again.
   */
  public static Spliced spliced(KeyValue kv) {
    byte[] stored = kv.value();
    long[] found;
    try (JsonParser p = FACTORY.createParser(stored)) {
      found = metadataEnd(p);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt stored object", e);
    }
    if (found == null) {
      byte[] encoded = viaTree(kv);
      return new Spliced(encoded, encoded.length, new byte[0]);
    }
    byte[] field =
        ((found[1] == 0 ? "" : ",") + "\"resourceVersion\":\"" + kv.modRevision() + "\"")
            .getBytes(StandardCharsets.ISO_8859_1);
    return new Spliced(stored, (int) found[0], field);
  }

  /** Stored bytes with {@code insert} to go in at offset {@code at}. */
  public static final class Spliced {
    private final byte[] bytes;
    private final int at;
    private final byte[] insert;

    Spliced(byte[] bytes, int at, byte[] insert) {
      this.bytes = bytes;
      this.at = at;
      this.insert = insert;
    }

    /** Length of the spliced JSON. */
    public int length() {
      return bytes.length + insert.length;
    }

    /** Writes the spliced JSON into {@code out} at {@code pos}; returns the position after it. */
    public int writeTo(byte[] out, int pos) {
      System.arraycopy(bytes, 0, out, pos, at);
      System.arraycopy(insert, 0, out, pos + at, insert.length);
      System.arraycopy(bytes, at, out, pos + at + insert.length, bytes.length - at);
      return pos + length();
    }
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
