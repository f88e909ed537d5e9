package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import org.junit.jupiter.api.Test;

/** Unknown fields of built-in objects found (and dropped) by {@link TypedRoundTrip}. */
class UnknownFieldsTest {
  private static final String POD =
      ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'any':'x'},'bogus':1},"
              + "'spec':{'containers':[{'name':'c','image':'i','imagePullPolicyy':'Always',"
              + "'resources':{'limits':{'cpu':'1'}},'ports':[{'containerPort':80,'nope':1}]}],"
              + "'nodeSelector':{'k':'v'}},'extra':true}")
          .replace('\'', '"');

  private final ResourceCatalog catalog = ResourceCatalog.builtIns();
  private final ResourceType pods = catalog.find("", "v1", "pods").orElseThrow();

  @Test
  void findsFieldsTheTypeDoesNotHaveAndDropsThem() throws Exception {
    ObjectNode pod = (ObjectNode) new ObjectMapper().readTree(POD);
    assertThat(TypedRoundTrip.apply(pods, pod, true).unknownFields())
        .containsExactly(
            "metadata.bogus",
            "spec.containers[0].imagePullPolicyy",
            "spec.containers[0].ports[0].nope",
            "extra");
    assertThat(pod.toString())
        .isEqualTo(
            ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'any':'x'}},"
                    + "'spec':{'containers':[{'name':'c','image':'i',"
                    + "'resources':{'limits':{'cpu':'1'}},'ports':[{'containerPort':80}]}],"
                    + "'nodeSelector':{'k':'v'}}}")
                .replace('\'', '"'));

    ObjectNode cm =
        (ObjectNode)
            new ObjectMapper()
                .readTree(
                    "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"b\"},\"immutable\":false}");
    assertThat(
            TypedRoundTrip.apply(catalog.find("", "v1", "configmaps").orElseThrow(), cm, true)
                .unknownFields())
        .isEmpty();
  }

  @Test
  void keepsThemUnlookedAtWhenNotAsked() throws Exception {
    ObjectNode pod = (ObjectNode) new ObjectMapper().readTree(POD);
    assertThat(TypedRoundTrip.apply(pods, pod, false).unknownFields()).isEmpty();
    assertThat(pod).isEqualTo(new ObjectMapper().readTree(POD));
  }
}
