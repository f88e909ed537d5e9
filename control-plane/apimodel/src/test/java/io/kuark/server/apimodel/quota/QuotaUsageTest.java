package io.kuark.server.apimodel.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaUsageTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  static JsonNode quota(String spec) throws Exception {
    return json("{'spec':" + spec + "}");
  }

  @Test
  void podUsageSumsContainersTakesTheLargestInitContainerAndAddsOverhead() throws Exception {
    JsonNode pod =
        json(
            "{'spec':{'overhead':{'cpu':'50m'},'initContainers':[{'name':'i','resources':{'requests':{'cpu':'2'}}}],"
                + "'containers':[{'name':'a','resources':{'requests':{'cpu':'500m','memory':'1Gi'},'limits':{'memory':'2Gi'}}},"
                + "{'name':'b','resources':{'requests':{'cpu':'250m'}}}]}}");
    ResourceList u = QuotaUsage.usage("", "pods", pod, NOW);
    assertThat(u.get("requests.cpu").toString()).isEqualTo("2050m");
    assertThat(u.get("cpu").toString()).isEqualTo("2050m");
    assertThat(u.get("requests.memory").toString()).isEqualTo("1Gi");
    assertThat(u.get("limits.memory").toString()).isEqualTo("2Gi");
    assertThat(u.get("pods").toString()).isEqualTo("1");
    assertThat(u.get("count/pods").toString()).isEqualTo("1");
  }

  @Test
  void finishedAndExpiredPodsCostOnlyTheirObjectCount() throws Exception {
    JsonNode done = json("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Failed'}}");
    assertThat(QuotaUsage.usage("", "pods", done, NOW).names()).containsExactly("count/pods");
    JsonNode expired =
        json(
            "{'metadata':{'deletionTimestamp':'2026-11-27T09:59:00Z','deletionGracePeriodSeconds':30},"
                + "'spec':{'containers':[{'name':'a'}]}}");
    assertThat(QuotaUsage.usage("", "pods", expired, NOW).has("pods")).isFalse();
    JsonNode graceful =
        json(
            "{'metadata':{'deletionTimestamp':'2026-11-27T10:00:20Z','deletionGracePeriodSeconds':30},"
                + "'spec':{'containers':[{'name':'a'}]}}");
    assertThat(QuotaUsage.usage("", "pods", graceful, NOW).has("pods")).isTrue();
  }

  @Test
  void scopesSelectPods() throws Exception {
    JsonNode bestEffort = json("{'spec':{'containers':[{'name':'a'}]}}");
    JsonNode burstable =
        json(
            "{'spec':{'activeDeadlineSeconds':60,'priorityClassName':'high',"
                + "'containers':[{'name':'a','resources':{'requests':{'memory':'1Mi'}}}]}}");
    JsonNode be = quota("{'hard':{'pods':'1'},'scopes':['BestEffort']}");
    assertThat(QuotaUsage.matches(be, "", "pods", bestEffort)).isTrue();
    assertThat(QuotaUsage.matches(be, "", "pods", burstable)).isFalse();
    JsonNode terminating = quota("{'hard':{'pods':'1'},'scopes':['Terminating','NotBestEffort']}");
    assertThat(QuotaUsage.matches(terminating, "", "pods", burstable)).isTrue();
    assertThat(QuotaUsage.matches(terminating, "", "pods", bestEffort)).isFalse();
    JsonNode priority =
        quota(
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass',"
                + "'operator':'In','values':['high']}]}}");
    assertThat(QuotaUsage.matches(priority, "", "pods", burstable)).isTrue();
    assertThat(QuotaUsage.matches(priority, "", "pods", bestEffort)).isFalse();
    // A scoped quota matches no other kind; an unscoped one matches only what it tracks.
    assertThat(QuotaUsage.matches(be, "", "configmaps", json("{}"))).isFalse();
    assertThat(QuotaUsage.matches(quota("{'hard':{'pods':'1'}}"), "", "configmaps", json("{}")))
        .isFalse();
  }

  @Test
  void servicesClaimsAndCounts() throws Exception {
    JsonNode lb = json("{'spec':{'type':'LoadBalancer','ports':[{'port':80},{'port':443}]}}");
    ResourceList s = QuotaUsage.usage("", "services", lb, NOW);
    assertThat(s.toString())
        .isEqualTo("count/services=1,services=1,services.loadbalancers=1,services.nodeports=2");
    JsonNode claim =
        json("{'spec':{'storageClassName':'fast','resources':{'requests':{'storage':'5Gi'}}}}");
    assertThat(QuotaUsage.usage("", "persistentvolumeclaims", claim, NOW).toString())
        .isEqualTo(
            "count/persistentvolumeclaims=1,fast.storageclass.storage.k8s.io/persistentvolumeclaims=1,"
                + "fast.storageclass.storage.k8s.io/requests.storage=5Gi,persistentvolumeclaims=1,"
                + "requests.storage=5Gi");
    assertThat(QuotaUsage.usage("apps", "deployments", json("{}"), NOW).toString())
        .isEqualTo("count/deployments.apps=1");
    assertThat(
            QuotaUsage.matchingResources(
                "",
                "pods",
                List.of(
                    "pods", "requests.cpu", "services", "count/pods", "requests.nvidia.com/gpu")))
        .containsExactly("pods", "requests.cpu", "count/pods", "requests.nvidia.com/gpu");
  }

  @Test
  void podConstraintNamesEveryContainerMissingATrackedValue() throws Exception {
    JsonNode pod =
        json(
            "{'spec':{'containers':[{'name':'a','resources':{'limits':{'cpu':'1'}}},{'name':'b'}]}}");
    assertThat(
            QuotaUsage.podConstraintViolation(
                pod, List.of("limits.cpu", "requests.memory", "pods")))
        .isEqualTo("must specify limits.cpu for: b; requests.memory for: a,b");
  }
}
