package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.StoredJson;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A plain JSON list ({@code <Kind>List}) written straight from stored bytes: the same document
 * {@link ResponseShaper#list} makes from decoded objects, without a tree per item.
 */
final class EncodedList {

  private EncodedList() {}

  static byte[] of(ResourceType type, ListResult page) {
    ObjectNode head = Json.object();
    head.put("kind", type.listKind());
    head.put("apiVersion", type.apiVersion());
    ObjectNode meta = head.putObject("metadata");
    meta.put("resourceVersion", Long.toString(page.revision()));
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
      if (page.remainingItemCount() > 0) {
        meta.put("remainingItemCount", page.remainingItemCount());
      }
    }
    byte[] headJson = Json.bytes(head);
    int size = headJson.length + 16;
    for (KeyValue kv : page.items()) {
      size += kv.value().length + 32;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    // {"kind":…,"metadata":{…}  +  ,"items":[ … ]}
    out.write(headJson, 0, headJson.length - 1);
    out.writeBytes(",\"items\":[".getBytes(StandardCharsets.UTF_8));
    boolean first = true;
    for (KeyValue kv : page.items()) {
      if (!first) {
        out.write(',');
      }
      first = false;
      out.writeBytes(StoredJson.withResourceVersion(kv));
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
