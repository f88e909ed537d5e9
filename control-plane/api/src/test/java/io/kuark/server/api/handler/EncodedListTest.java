package io.kuark.server.api.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedListTest {

  private static final ResourceType CONFIG_MAPS =
      ResourceCatalog.builtIns().find("", "v1", "configmaps").orElseThrow();

  private static KeyValue configMap(String name, long revision) {
    String json =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\"default\"},\"data\":{\"k\":\"v\"}}";
    return new KeyValue(
        "/registry/core/configmaps/default/" + name,
        json.getBytes(StandardCharsets.UTF_8),
        revision,
        revision);
  }

  private static KeyValue withoutMetadata(long revision) {
    return new KeyValue(
        "/registry/core/configmaps/default/odd",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8),
        revision,
        revision);
  }

  /** The list the tree path makes of the same page. */
  private static String viaShaper(ListResult page) {
    List<ObjectNode> items = new ArrayList<>();
    for (KeyValue kv : page.items()) {
      items.add(ObjectStore.decode(kv).object());
    }
    ObjectNode meta = Json.object();
    meta.put("resourceVersion", Long.toString(page.revision()));
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
      if (page.remainingItemCount() > 0) {
        meta.put("remainingItemCount", page.remainingItemCount());
      }
    }
    return Json.string(
        new ResponseShaper(null).list(CONFIG_MAPS, items, meta, OutputFormat.OBJECT, ""));
  }

  @Test
  void theEncodedListIsTheShapersList() {
    ListResult[] pages = {
      new ListResult(List.of(), 9, null, 0),
      new ListResult(List.of(configMap("a", 4), configMap("b", 8)), 9, null, 0),
      new ListResult(List.of(configMap("a", 4)), 9, "tok\"en", 1),
      // An item without a metadata object takes the tree path; its neighbours are spliced.
      new ListResult(List.of(configMap("a", 4), withoutMetadata(6), configMap("c", 7)), 9, null, 0),
    };
    for (ListResult page : pages) {
      assertThat(new String(EncodedList.of(CONFIG_MAPS, page), StandardCharsets.UTF_8))
          .isEqualTo(viaShaper(page));
    }
  }
}
