package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.PodPrinterTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPathTest {

  final JsonNode doc =
      json(
          "{'metadata':{'name':'n','annotations':{'a.b/c':'x'}},'status':{'conditions':["
              + "{'type':'Ready','status':'True'},{'type':'Synced','status':'False'}],'n':[1,2,3]}}");

  String first(String path) {
    List<JsonNode> r = JsonPath.parse(path).find(doc);
    return r.isEmpty() ? null : r.get(0).asText();
  }

  @Test
  void supportsThePrinterColumnSubset() {
    assertThat(first(".metadata.name")).isEqualTo("n");
    assertThat(first("{.metadata.name}")).isEqualTo("n");
    assertThat(first(".metadata.annotations['a.b/c']")).isEqualTo("x");
    assertThat(first(".status.conditions[1].type")).isEqualTo("Synced");
    assertThat(first(".status.n[-1]")).isEqualTo("3");
    assertThat(first(".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("True");
    assertThat(first(".status.conditions[?(@.type!='Ready')].type")).isEqualTo("Synced");
    assertThat(JsonPath.parse(".status.conditions[*].type").find(doc)).hasSize(2);
    assertThat(JsonPath.parse("..type").find(doc)).hasSize(2);
    assertThat(first(".spec.missing")).isNull();
    assertThat(first(".status.n[7]")).isNull();
  }

  @Test
  void rejectsWhatItCannotEvaluate() {
    assertThatThrownBy(() -> JsonPath.parse(".a[x:y")).isInstanceOf(IllegalArgumentException.class);
  }
}
