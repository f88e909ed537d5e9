package io.kuark.server.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.server.api.http.Json;
import io.kuark.server.storage.KeyValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StoredJsonTest {

  /** What the tree path serves: decode (which sets resourceVersion), then encode. */
  private static String viaTree(KeyValue kv) {
    return new String(Json.bytes(ObjectStore.decode(kv).object()), StandardCharsets.UTF_8);
  }

  private static String spliced(KeyValue kv) {
    return new String(StoredJson.withResourceVersion(kv), StandardCharsets.UTF_8);
  }

  private static KeyValue stored(String json, long revision) {
    // Stored bytes are what ObjectStore writes: compact Jackson output.
    byte[] bytes = Json.bytes(Json.readStored(json.getBytes(StandardCharsets.UTF_8)));
    return new KeyValue("/registry/core/configmaps/default/c", bytes, 3, revision);
  }

  @Test
  void theSplicedJsonIsTheJsonOfTheDecodedObject() {
    String[] objects = {
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
          + "\"namespace\":\"default\",\"labels\":{\"a\":\"b\"},\"managedFields\":[{\"manager\":"
          + "\"m\",\"fieldsV1\":{\"f:data\":{\".\":{},\"f:k\":{}}}}]},\"data\":{\"k\":\"v\"}}",
      // Metadata not first, a value that looks like metadata, non-ASCII text and numbers.
      "{\"data\":{\"k\":\"\\\"metadata\\\":{ é ✓\"},\"n\":[1,2.5,{\"x\":null}],"
          + "\"metadata\":{\"name\":\"c\",\"generation\":4}}",
      "{\"kind\":\"ConfigMap\",\"metadata\":{}}",
    };
    for (String object : objects) {
      KeyValue kv = stored(object, 42);
      assertThat(spliced(kv)).isEqualTo(viaTree(kv)).contains("\"resourceVersion\":\"42\"");
    }
  }

  @Test
  void objectsWithoutAMetadataObjectTakeTheTreePath() {
    for (String object :
        new String[] {"{\"kind\":\"ConfigMap\"}", "{\"kind\":\"ConfigMap\",\"metadata\":null}"}) {
      KeyValue kv = stored(object, 7);
      assertThat(spliced(kv)).isEqualTo(viaTree(kv));
    }
  }
}
