package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.server.apimodel.ResourceCatalog;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

  @Test
  void findsFieldsTheTypeDoesNotHave() throws Exception {
    var catalog = ResourceCatalog.builtIns();
    var pod =
        new ObjectMapper()
            .readTree(
                ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'any':'x'},'bogus':1},"
                        + "'spec':{'containers':[{'name':'c','image':'i','imagePullPolicyy':'Always',"
                        + "'resources':{'limits':{'cpu':'1'}},'ports':[{'containerPort':80,'nope':1}]}],"
                        + "'nodeSelector':{'k':'v'}},'extra':true}")
                    .replace('\'', '"'));
    assertThat(UnknownFields.find(catalog.find("", "v1", "pods").orElseThrow(), pod))
        .containsExactly(
            "metadata.bogus",
            "spec.containers[0].imagePullPolicyy",
            "spec.containers[0].ports[0].nope",
            "extra");
    var cm =
        new ObjectMapper()
            .readTree("{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"b\"},\"immutable\":false}");
    assertThat(UnknownFields.find(catalog.find("", "v1", "configmaps").orElseThrow(), cm))
        .isEmpty();
  }
}
