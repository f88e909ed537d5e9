package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import org.junit.jupiter.api.Test;

/** Empty optional lists and maps dropped by {@link TypedRoundTrip}, as upstream's omitempty. */
class EmptyOptionalFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ResourceCatalog catalog = ResourceCatalog.builtIns();

  private ObjectNode removed(String group, String version, String resource, String json)
      throws Exception {
    ResourceType type = catalog.find(group, version, resource).orElseThrow();
    ObjectNode object = (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    TypedRoundTrip.apply(type, object, true);
    return object;
  }

  @Test
  void dropsEmptyOptionalListsAndMapsAsTheJavaClientSendsThem() throws Exception {
    ObjectNode pod =
        removed(
            "",
            "v1",
            "pods",
            "{'metadata':{'name':'p','finalizers':[],'annotations':{},'labels':{'a':''}},"
                + "'spec':{'nodeSelector':{},'initContainers':[],'containers':[{'name':'c',"
                + "'image':'i','args':[],'env':[],'resources':{'limits':{},'requests':{'cpu':'1'},"
                + "'claims':[]}}],'securityContext':{'sysctls':[]}},"
                + "'status':{'podIPs':[],'conditions':[{'type':'Ready','status':'True'}]}}");

    assertThat(pod.toString())
        .isEqualTo(
            ("{'metadata':{'name':'p','labels':{'a':''}},'spec':{'containers':[{'name':'c',"
                    + "'image':'i','resources':{'requests':{'cpu':'1'}}}],'securityContext':{}},"
                    + "'status':{'conditions':[{'type':'Ready','status':'True'}]}}")
                .replace('\'', '"'));
  }

  @Test
  void keepsRequiredAndAlwaysEncodedListsAndEmptyStructs() throws Exception {
    ObjectNode pod =
        removed(
            "",
            "v1",
            "pods",
            "{'metadata':{'name':'p'},'spec':{'containers':[],'securityContext':{}}}");
    assertThat(pod.path("spec").has("containers")).isTrue();
    assertThat(pod.path("spec").has("securityContext")).isTrue();

    ObjectNode role =
        removed(
            "rbac.authorization.k8s.io",
            "v1",
            "roles",
            "{'metadata':{'name':'r','labels':{}},'rules':[]}");
    assertThat(role.toString()).isEqualTo("{\"metadata\":{\"name\":\"r\"},\"rules\":[]}");

    ObjectNode slice =
        removed(
            "discovery.k8s.io",
            "v1",
            "endpointslices",
            "{'metadata':{'name':'s'},'addressType':'IPv4','endpoints':[{'addresses':[],"
                + "'conditions':{}}],'ports':[]}");
    assertThat(slice.toString())
        .isEqualTo(
            "{'metadata':{'name':'s'},'addressType':'IPv4','endpoints':[{'addresses':[],'conditions':{}}],'ports':[]}"
                .replace('\'', '"'));
  }

  @Test
  void mapEntriesStayEvenWhenTheirValueIsEmpty() throws Exception {
    ObjectNode cm =
        removed("", "v1", "configmaps", "{'metadata':{'name':'c'},'data':{'empty':''}}");
    assertThat(cm.path("data").has("empty")).isTrue();
    assertThat(removed("", "v1", "configmaps", "{'metadata':{'name':'c'},'data':{}}").has("data"))
        .isFalse();
  }

  @Test
  void crdVersionsStayWhileItsOptionalListsGo() throws Exception {
    ResourceType crd =
        catalog.find("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
    ObjectNode object =
        (ObjectNode)
            JSON.readTree(
                "{\"spec\":{\"versions\":[],\"names\":{\"shortNames\":[],\"plural\":\"ws\"}}}");
    TypedRoundTrip.apply(crd, object, true);
    assertThat(object.toString())
        .isEqualTo("{\"spec\":{\"versions\":[],\"names\":{\"plural\":\"ws\"}}}");
  }
}
