package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import org.junit.jupiter.api.Test;

/** Time and MicroTime fields re-encoded by {@link TypedRoundTrip} as upstream encodes them. */
class TimeFieldsRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ResourceCatalog catalog = ResourceCatalog.builtIns();

  private ObjectNode roundTrip(String group, String resource, String json) throws Exception {
    ResourceType type = catalog.find(group, "v1", resource).orElseThrow();
    ObjectNode object = (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    assertThat(TypedRoundTrip.apply(type, object, true).invalidTimes()).isEmpty();
    return object;
  }

  @Test
  void timeFieldsKeepWholeSecondsInUtc() throws Exception {
    ObjectNode pod =
        roundTrip(
            "",
            "pods",
            "{'metadata':{'name':'p','creationTimestamp':'2026-11-28T10:00:00.123456Z',"
                + "'deletionTimestamp':'2026-11-28T12:30:05+02:00',"
                + "'managedFields':[{'manager':'m','time':'2026-11-28T10:00:01.9Z'}]},"
                + "'spec':{'containers':[{'name':'c','image':'i'}]},"
                + "'status':{'startTime':'2026-11-28T10:00:00.123456Z','conditions':[{'type':'Ready',"
                + "'status':'True','lastTransitionTime':'2026-11-28T10:00:00.999999999Z',"
                + "'lastProbeTime':null}],'containerStatuses':[{'name':'c','state':{'running':"
                + "{'startedAt':'2026-11-28T10:00:02.5-01:30'}}}]}}");
    assertThat(pod.at("/metadata/creationTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(pod.at("/metadata/deletionTimestamp").asText()).isEqualTo("2026-11-28T10:30:05Z");
    assertThat(pod.at("/metadata/managedFields/0/time").asText()).isEqualTo("2026-11-28T10:00:01Z");
    assertThat(pod.at("/status/startTime").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(pod.at("/status/conditions/0/lastTransitionTime").asText())
        .isEqualTo("2026-11-28T10:00:00Z");
    assertThat(pod.at("/status/conditions/0/lastProbeTime").isNull()).isTrue();
    assertThat(pod.at("/status/containerStatuses/0/state/running/startedAt").asText())
        .isEqualTo("2026-11-28T11:30:02Z");

    ObjectNode pdb =
        roundTrip(
            "policy",
            "poddisruptionbudgets",
            "{'metadata':{'name':'b'},'status':{'disruptedPods':{'p1':'2026-11-28T10:00:00.5Z'}}}");
    assertThat(pdb.at("/status/disruptedPods/p1").asText()).isEqualTo("2026-11-28T10:00:00Z");
  }

  @Test
  void microTimeFieldsKeepSixFractionalDigitsInUtc() throws Exception {
    ObjectNode lease =
        roundTrip(
            "coordination.k8s.io",
            "leases",
            "{'metadata':{'name':'l','creationTimestamp':'2026-11-28T10:00:00.5Z'},"
                + "'spec':{'holderIdentity':'n','renewTime':'2026-11-28T10:00:00.123456789Z',"
                + "'acquireTime':'2026-11-28T11:00:00.1+01:00'}}");
    assertThat(lease.at("/spec/renewTime").asText()).isEqualTo("2026-11-28T10:00:00.123456Z");
    assertThat(lease.at("/spec/acquireTime").asText()).isEqualTo("2026-11-28T10:00:00.100000Z");
    assertThat(lease.at("/metadata/creationTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");

    ObjectNode event =
        roundTrip(
            "events.k8s.io",
            "events",
            "{'metadata':{'name':'e'},'eventTime':'2026-11-28T10:00:00.123456Z',"
                + "'series':{'count':2,'lastObservedTime':'2026-11-28T10:00:00Z'},"
                + "'deprecatedFirstTimestamp':'2026-11-28T10:00:00.7Z'}");
    assertThat(event.at("/eventTime").asText()).isEqualTo("2026-11-28T10:00:00.123456Z");
    assertThat(event.at("/series/lastObservedTime").asText())
        .isEqualTo("2026-11-28T10:00:00.000000Z");
    assertThat(event.at("/deprecatedFirstTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");

    ObjectNode coreEvent =
        roundTrip(
            "",
            "events",
            "{'metadata':{'name':'e'},'eventTime':'2026-11-28T10:00:00.1234567Z',"
                + "'firstTimestamp':'2026-11-28T10:00:00.1234567Z'}");
    assertThat(coreEvent.at("/eventTime").asText()).isEqualTo("2026-11-28T10:00:00.123456Z");
    assertThat(coreEvent.at("/firstTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");
  }

  @Test
  void invalidTimesAreReportedWithTheirPath() throws Exception {
    ResourceType pods = catalog.find("", "v1", "pods").orElseThrow();
    for (String bad :
        new String[] {
          "yesterday",
          "",
          "2026-11-28T10:00Z",
          "2026-11-28 10:00:00Z",
          "2026-13-28T10:00:00Z",
          "2026-11-28T10:00:00",
          "2026-11-28T10:00:00.Z",
          "2026-11-28T10:00:60Z",
          "2026-11-28T10:00:00+24:00"
        }) {
      ObjectNode pod = JSON.createObjectNode();
      pod.putObject("status").put("startTime", bad);
      assertThat(TypedRoundTrip.apply(pods, pod, true).invalidTimes())
          .as(bad)
          .containsExactly(
              "parsing time \""
                  + bad
                  + "\" in status.startTime: not an RFC 3339 date-time (2006-01-02T15:04:05Z07:00)");
      assertThat(pod.at("/status/startTime").asText()).isEqualTo(bad);
    }
  }

  @Test
  void customResourcesAreLeftAsSent() throws Exception {
    ResourceType widgets =
        new ResourceType(
            "example.com",
            "v1",
            "Widget",
            "widgets",
            "widget",
            java.util.List.of(),
            java.util.List.of(),
            true,
            ResourceType.STANDARD_VERBS,
            java.util.List.of(),
            null,
            null);
    ObjectNode object =
        (ObjectNode)
            JSON.readTree(
                "{\"metadata\":{\"creationTimestamp\":\"2026-11-28T10:00:00.5Z\"},\"spec\":{\"a\":[]}}");
    ObjectNode sent = object.deepCopy();
    assertThat(TypedRoundTrip.apply(widgets, object, true).unknownFields()).isEmpty();
    assertThat(object).isEqualTo(sent);
  }
}
