package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.StoredJson;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain JSON list ({@code <Kind>List}) written straight from stored bytes: the same document
 * {@link ResponseShaper#list} makes from decoded objects, without a tree per item.
 */
final class EncodedList {

  private static final byte[] ITEMS = ",\"items\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] END = "]}".getBytes(StandardCharsets.UTF_8);

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
    // Sized exactly first, so the items are copied once, straight into the response.
    List<StoredJson.Spliced> items = new ArrayList<>(page.items().size());
    int size = headJson.length - 1 + ITEMS.length + END.length;
    for (KeyValue kv : page.items()) {
      StoredJson.Spliced item = StoredJson.spliced(kv);
      items.add(item);
      size += item.length() + 1;
    }
    if (!items.isEmpty()) {
      size--;
    }
    byte[] out = new byte[size];
    // {"kind":…,"metadata":{…}  +  ,"items":[ … ]}
    System.arraycopy(headJson, 0, out, 0, headJson.length - 1);
    int pos = headJson.length - 1;
    System.arraycopy(ITEMS, 0, out, pos, ITEMS.length);
    pos += ITEMS.length;
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out[pos++] = ',';
      }
      pos = items.get(i).writeTo(out, pos);
    }
    System.arraycopy(END, 0, out, pos, END.length);
    return out;
  }
}
