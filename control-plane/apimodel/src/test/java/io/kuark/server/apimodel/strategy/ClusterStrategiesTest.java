package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.PodStrategyTest.CATALOG;
import static io.kuark.server.apimodel.strategy.PodStrategyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import org.junit.jupiter.api.Test;

class ClusterStrategiesTest {

  ResourceStrategy strategy(String group, String plural) {
    return Strategies.forType(CATALOG.find(group, "v1", plural).orElseThrow());
  }

  @Test
  void rbacRulesAndBindings() {
    ResourceStrategy roles = strategy("rbac.authorization.k8s.io", "roles");
    ObjectNode role =
        json(
            "{'metadata':{'name':'r','namespace':'default'},'rules':[{'apiGroups':[''],'resources':['pods']}]}");
    assertThat(roles.validateCreate(role))
        .extracting(FieldError::toString)
        .containsExactly("rules[0].verbs: Required value: verbs must contain at least one value");
    ResourceStrategy bindings = strategy("rbac.authorization.k8s.io", "rolebindings");
    ObjectNode rb =
        json(
            "{'metadata':{'name':'b','namespace':'default'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'r'},"
                + "'subjects':[{'kind':'User','name':'alice'},{'kind':'Robot','name':'x'}]}");
    bindings.applyDefaults(rb);
    assertThat(rb.at("/subjects/0/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(bindings.validateCreate(rb))
        .extracting(FieldError::field)
        .containsExactly("subjects[1].kind");
    ObjectNode changed = rb.deepCopy();
    ((ObjectNode) changed.get("roleRef")).put("name", "other");
    assertThat(bindings.validateUpdate(changed, rb))
        .extracting(FieldError::field)
        .contains("roleRef");
    ResourceStrategy crbs = strategy("rbac.authorization.k8s.io", "clusterrolebindings");
    ObjectNode crb =
        json(
            "{'metadata':{'name':'b'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'r'}}");
    assertThat(crbs.validateCreate(crb))
        .extracting(FieldError::toString)
        .containsExactly(
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"");
  }

  @Test
  void storageAndSchedulingClasses() {
    ResourceStrategy sc = strategy("storage.k8s.io", "storageclasses");
    ObjectNode c = json("{'metadata':{'name':'local'},'provisioner':'kuark.io/hostpath'}");
    sc.applyDefaults(c);
    assertThat(c.get("reclaimPolicy").asText()).isEqualTo("Delete");
    assertThat(c.get("volumeBindingMode").asText()).isEqualTo("Immediate");
    assertThat(sc.validateCreate(c)).isEmpty();
    ObjectNode changed = c.deepCopy();
    changed.putObject("parameters").put("a", "b");
    assertThat(sc.validateUpdate(changed, c))
        .extracting(FieldError::toString)
        .containsExactly("parameters: Forbidden: updates to parameters are forbidden.");
    ResourceStrategy pcs = strategy("scheduling.k8s.io", "priorityclasses");
    ObjectNode pc = json("{'metadata':{'name':'high'},'value':2000000000}");
    pcs.applyDefaults(pc);
    assertThat(pc.get("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    assertThat(pcs.validateCreate(pc)).extracting(FieldError::field).containsExactly("value");
  }

  @Test
  void slicesBudgetsIngressesRuntimeClasses() {
    ObjectNode slice =
        json(
            "{'metadata':{'name':'s','namespace':'default'},'addressType':'IPv5','endpoints':[{'addresses':[]}]}");
    assertThat(strategy("discovery.k8s.io", "endpointslices").validateCreate(slice))
        .extracting(FieldError::field)
        .containsExactly("addressType", "endpoints[0].addresses");
    ObjectNode pdb =
        json(
            "{'metadata':{'name':'p','namespace':'default'},'spec':{'minAvailable':1,'maxUnavailable':1}}");
    ResourceStrategy pdbs = strategy("policy", "poddisruptionbudgets");
    pdbs.prepareForCreate(pdb);
    assertThat(pdb.at("/metadata/generation").asInt()).isEqualTo(1);
    assertThat(pdbs.validateCreate(pdb)).extracting(FieldError::field).containsExactly("spec");
    ObjectNode ing =
        json(
            "{'metadata':{'name':'i','namespace':'default'},'spec':{'rules':[{'host':'a.example','http':{'paths':[{'path':'/','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}}");
    assertThat(strategy("networking.k8s.io", "ingresses").validateCreate(ing))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");
    ObjectNode rc = json("{'metadata':{'name':'runc'},'handler':'Runc'}");
    assertThat(strategy("node.k8s.io", "runtimeclasses").validateCreate(rc))
        .extracting(FieldError::field)
        .containsExactly("handler");
  }
}
