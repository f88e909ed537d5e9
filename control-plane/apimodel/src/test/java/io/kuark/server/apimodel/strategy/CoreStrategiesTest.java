package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.PodStrategyTest.CATALOG;
import static io.kuark.server.apimodel.strategy.PodStrategyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.CustomResourceTypes;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreStrategiesTest {

  ResourceStrategy strategy(String group, String plural) {
    return Strategies.forType(CATALOG.find(group, "v1", plural).orElseThrow());
  }

  @Test
  void serviceDefaultsAndValidation() {
    ResourceStrategy s = strategy("", "services");
    ObjectNode svc =
        json(
            "{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'app':'web'},'ports':[{'port':80}]}}");
    s.applyDefaults(svc);
    s.prepareForCreate(svc);
    assertThat(svc.at("/spec/type").asText()).isEqualTo("ClusterIP");
    assertThat(svc.at("/spec/sessionAffinity").asText()).isEqualTo("None");
    assertThat(svc.at("/spec/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
    assertThat(svc.at("/spec/ipFamilies/0").asText()).isEqualTo("IPv4");
    assertThat(svc.at("/spec/ipFamilyPolicy").asText()).isEqualTo("SingleStack");
    assertThat(svc.at("/spec/internalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(svc.get("status").toString()).isEqualTo("{\"loadBalancer\":{}}");
    assertThat(s.validateCreate(svc)).isEmpty();

    ObjectNode bad =
        json(
            "{'metadata':{'name':'1web','namespace':'default'},'spec':{'type':'Magic','ports':[{'port':0},{'port':81,'name':'a'}]}}");
    s.applyDefaults(bad);
    List<FieldError> errs = s.validateCreate(bad);
    assertThat(errs)
        .extracting(FieldError::field)
        .contains("metadata.name", "spec.type", "spec.ports[0].name", "spec.ports[0].port");
    assertThat(errs)
        .extracting(FieldError::toString)
        .contains("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
    ObjectNode none = json("{'metadata':{'name':'x','namespace':'default'},'spec':{}}");
    s.applyDefaults(none);
    assertThat(s.validateCreate(none))
        .extracting(FieldError::toString)
        .containsExactly("spec.ports: Required value");
  }

  @Test
  void serviceClusterIpIsKeptAndImmutable() {
    ResourceStrategy s = strategy("", "services");
    ObjectNode old =
        json(
            "{'metadata':{'name':'web','namespace':'default'},'spec':{'clusterIP':'10.43.0.5','ports':[{'port':80}]}}");
    s.applyDefaults(old);
    ObjectNode omitted =
        json("{'metadata':{'name':'web','namespace':'default'},'spec':{'ports':[{'port':80}]}}");
    s.applyDefaults(omitted);
    s.prepareForUpdate(omitted, old);
    assertThat(omitted.at("/spec/clusterIPs/0").asText()).isEqualTo("10.43.0.5");
    ObjectNode changed = old.deepCopy();
    ((ObjectNode) changed.get("spec"))
        .put("clusterIP", "10.43.0.6")
        .putArray("clusterIPs")
        .add("10.43.0.6");
    assertThat(s.validateUpdate(changed, old))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.clusterIPs[0]: Invalid value: []string{\"10.43.0.6\"}: may not change once set");
  }

  @Test
  void namespaceIsALabelWithFinalizerAndPhase() {
    ResourceStrategy s = strategy("", "namespaces");
    ObjectNode ns = json("{'metadata':{'name':'team-a'}}");
    s.applyDefaults(ns);
    s.prepareForCreate(ns);
    assertThat(ns.at("/metadata/labels/kubernetes.io~1metadata.name").asText()).isEqualTo("team-a");
    assertThat(ns.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");
    assertThat(ns.at("/status/phase").asText()).isEqualTo("Active");
    assertThat(s.validateCreate(ns)).isEmpty();
    ObjectNode dotted = json("{'metadata':{'name':'a.b'}}");
    assertThat(s.validateCreate(dotted))
        .extracting(FieldError::field)
        .containsExactly("metadata.name");
    ObjectNode withNs = json("{'metadata':{'name':'a','namespace':'x'}}");
    assertThat(s.validateCreate(withNs))
        .extracting(FieldError::toString)
        .containsExactly("metadata.namespace: Forbidden: not allowed on this type");
  }

  @Test
  void configMapsAndSecrets() {
    ResourceStrategy cm = strategy("", "configmaps");
    ObjectNode c =
        json(
            "{'metadata':{'name':'c','namespace':'default'},'data':{'ok':'1','bad key':'2'},'binaryData':{'ok':'AA=='}}");
    assertThat(cm.validateCreate(c))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("data[bad key]", "data");
    ObjectNode frozen =
        json("{'metadata':{'name':'c','namespace':'default'},'immutable':true,'data':{'a':'1'}}");
    ObjectNode edit = frozen.deepCopy();
    ((ObjectNode) edit.get("data")).put("a", "2");
    assertThat(cm.validateUpdate(edit, frozen))
        .extracting(FieldError::toString)
        .containsExactly("data: Forbidden: field is immutable when `immutable` is set");
    ResourceStrategy secrets = strategy("", "secrets");
    ObjectNode sec = json("{'metadata':{'name':'s','namespace':'default'},'data':{'a':'YQ=='}}");
    secrets.applyDefaults(sec);
    assertThat(sec.get("type").asText()).isEqualTo("Opaque");
    ObjectNode tls =
        json(
            "{'metadata':{'name':'t','namespace':'default'},'type':'kubernetes.io/tls','data':{}}");
    assertThat(secrets.validateCreate(tls))
        .extracting(FieldError::field)
        .containsExactly("data[tls.crt]", "data[tls.key]");
  }

  @Test
  void nodesKeepTheirStatusOnCreate() {
    ResourceStrategy s = strategy("", "nodes");
    ObjectNode n = json("{'metadata':{'name':'n1'},'status':{'capacity':{'cpu':'2'}}}");
    s.applyDefaults(n);
    s.prepareForCreate(n);
    assertThat(n.at("/status/allocatable/cpu").asText()).isEqualTo("2");
    ObjectNode tainted =
        json("{'metadata':{'name':'n1'},'spec':{'taints':[{'key':'k','effect':'Sometimes'}]}}");
    assertThat(s.validateCreate(tainted))
        .extracting(FieldError::field)
        .containsExactly("spec.taints[0].effect");
  }

  @Test
  void everyStoredBuiltInAcceptsAMinimalValidObjectShape() {
    for (ResourceType t : CATALOG.all()) {
      ResourceStrategy s = Strategies.forType(t);
      ObjectNode o = json("{'metadata':{'name':'x'}}");
      if (t.namespaced()) {
        ((ObjectNode) o.get("metadata")).put("namespace", "default");
      }
      s.applyDefaults(o);
      s.prepareForCreate(o);
      if (t.kind().equals("CustomResourceDefinition")) {
        continue; // its name must be <plural>.<group>, checked in crdsAreEstablished...
      }
      // metadata itself never yields an error for a valid name; kind-specific required fields may
      assertThat(s.validateCreate(o))
          .as(t.plural())
          .noneMatch(e -> e.field().startsWith("metadata"));
    }
    assertThat(
            Strategies.forType(
                    CATALOG.find("authentication.k8s.io", "v1", "tokenreviews").orElseThrow())
                .validateCreate(json("{'spec':{'token':'x'}}")))
        .isEmpty();
  }

  @Test
  void rbacNamesArePathSegments() {
    ResourceStrategy s = strategy("rbac.authorization.k8s.io", "clusterroles");
    assertThat(s.validateCreate(json("{'metadata':{'name':'system:controller:x'}}"))).isEmpty();
    assertThat(s.validateCreate(json("{'metadata':{'name':'a/b'}}")))
        .extracting(FieldError::message)
        .containsExactly("Invalid value: \"a/b\": may not contain '/'");
  }

  @Test
  void crdsAreEstablishedAndCustomResourcesTrackGeneration() throws Exception {
    ResourceStrategy s = strategy("apiextensions.k8s.io", "customresourcedefinitions");
    ObjectNode crd =
        (ObjectNode)
            PodStrategyTest.JSON.readTree(io.kuark.server.apimodel.CustomResourceTypesTest.CRD);
    ((ObjectNode) crd.at("/spec/versions/1"))
        .putObject("schema")
        .putObject("openAPIV3Schema")
        .put("type", "object");
    s.applyDefaults(crd);
    s.prepareForCreate(crd);
    assertThat(crd.at("/spec/names/singular").asText()).isEqualTo("widget");
    assertThat(crd.at("/status/conditions/1/type").asText()).isEqualTo("Established");
    assertThat(crd.at("/status/storedVersions/0").asText()).isEqualTo("v1");
    assertThat(s.validateCreate(crd)).isEmpty();
    ((ObjectNode) crd.get("metadata")).put("name", "wrong.example.com");
    assertThat(s.validateCreate(crd))
        .extracting(FieldError::field)
        .containsExactly("metadata.name");

    ResourceType widgets = CustomResourceTypes.typesOf(crd).get(0);
    ResourceStrategy cr = Strategies.forType(widgets);
    ObjectNode w = json("{'metadata':{'name':'w'},'spec':{'size':1},'status':{'x':1}}");
    cr.prepareForCreate(w);
    assertThat(w.has("status")).isFalse();
    assertThat(w.at("/metadata/generation").asInt()).isEqualTo(1);
    ObjectNode w2 = w.deepCopy();
    ((ObjectNode) w2.get("spec")).put("size", 2);
    cr.prepareForUpdate(w2, w);
    assertThat(w2.at("/metadata/generation").asInt()).isEqualTo(2);
  }
}
