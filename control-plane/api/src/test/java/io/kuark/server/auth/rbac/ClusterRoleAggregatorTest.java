package io.kuark.server.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.auth.authz.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterRoleAggregatorTest {

  @Test
  void defaultRolesAggregateViewIntoEditIntoAdmin() {
    List<ObjectNode> all = new ArrayList<>();
    for (DefaultRoles.Role r : DefaultRoles.all()) {
      all.add(BootstrapPolicy.role(r));
    }
    ObjectNode view = find(all, "view");
    view.set("rules", ClusterRoleAggregator.aggregate(view, all));
    ObjectNode edit = find(all, "edit");
    edit.set("rules", ClusterRoleAggregator.aggregate(edit, all));
    ObjectNode admin = find(all, "admin");
    admin.set("rules", ClusterRoleAggregator.aggregate(admin, all));
    List<PolicyRule> viewRules = PolicyRule.listFromJson(view.path("rules"));
    List<PolicyRule> editRules = PolicyRule.listFromJson(edit.path("rules"));
    List<PolicyRule> adminRules = PolicyRule.listFromJson(admin.path("rules"));
    assertThat(viewRules).isNotEmpty();
    assertThat(editRules).containsAll(viewRules);
    assertThat(adminRules).containsAll(editRules);
    assertThat(adminRules.size()).isGreaterThan(editRules.size());
    assertThat(json(admin)).contains("rolebindings");
    assertThat(json(edit)).doesNotContain("rolebindings");
  }

  @Test
  void matchExpressionsAndEmptySelectors() throws Exception {
    var m = new com.fasterxml.jackson.databind.ObjectMapper();
    JsonNode labels = m.readTree("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(LabelSelectors.matches(m.readTree("{\"matchLabels\":{\"a\":\"1\"}}"), labels))
        .isTrue();
    assertThat(LabelSelectors.matches(m.readTree("{\"matchLabels\":{\"a\":\"2\"}}"), labels))
        .isFalse();
    assertThat(
            LabelSelectors.matches(
                m.readTree(
                    "{\"matchExpressions\":[{\"key\":\"b\",\"operator\":\"In\",\"values\":[\"2\",\"3\"]}]}"),
                labels))
        .isTrue();
    assertThat(
            LabelSelectors.matches(
                m.readTree("{\"matchExpressions\":[{\"key\":\"c\",\"operator\":\"Exists\"}]}"),
                labels))
        .isFalse();
    assertThat(LabelSelectors.matches(m.readTree("{}"), labels)).isFalse();
  }

  private static ObjectNode find(List<ObjectNode> all, String name) {
    for (ObjectNode o : all) {
      if (o.path("metadata").path("name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError(name);
  }

  private static String json(ObjectNode o) {
    return o.path("rules").toString();
  }
}
