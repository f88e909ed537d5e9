package io.kuark.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestInfoParserTest {

  private static RequestInfo parse(String method, String path, String watch) {
    return RequestInfoParser.parse(method, path, watch).orElseThrow();
  }

  @Test
  void namespacedObjectAndSubresource() {
    RequestInfo i = parse("PUT", "/api/v1/namespaces/default/pods/web/status", null);
    assertThat(i)
        .isEqualTo(new RequestInfo("update", "", "v1", "default", "pods", "web", "status"));
  }

  @Test
  void groupCollectionsAndVerbs() {
    assertThat(parse("GET", "/apis/apps/v1/namespaces/ns/deployments", null).verb())
        .isEqualTo("list");
    assertThat(parse("GET", "/apis/apps/v1/deployments", "true").verb()).isEqualTo("watch");
    assertThat(parse("DELETE", "/apis/apps/v1/namespaces/ns/deployments", null).verb())
        .isEqualTo("deletecollection");
    assertThat(parse("POST", "/apis/apps/v1/namespaces/ns/deployments", null).verb())
        .isEqualTo("create");
    assertThat(parse("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale", null))
        .isEqualTo(new RequestInfo("patch", "apps", "v1", "ns", "deployments", "d", "scale"));
  }

  @Test
  void namespaceObjectsAndTheirSubresources() {
    assertThat(parse("GET", "/api/v1/namespaces/kube-system", null))
        .isEqualTo(new RequestInfo("get", "", "v1", "", "namespaces", "kube-system", ""));
    assertThat(parse("PUT", "/api/v1/namespaces/x/finalize", null))
        .isEqualTo(new RequestInfo("update", "", "v1", "", "namespaces", "x", "finalize"));
    assertThat(parse("GET", "/api/v1/namespaces", null).verb()).isEqualTo("list");
  }

  @Test
  void legacyWatchPrefix() {
    RequestInfo i = parse("GET", "/api/v1/watch/namespaces/a/pods/p", null);
    assertThat(i.verb()).isEqualTo("watch");
    assertThat(i.name()).isEqualTo("p");
  }

  @Test
  void nonResourcePathsAreEmpty() {
    assertThat(RequestInfoParser.parse("GET", "/api", null)).isEmpty();
    assertThat(RequestInfoParser.parse("GET", "/apis/apps", null)).isEmpty();
    assertThat(RequestInfoParser.parse("GET", "/version", null)).isEmpty();
  }

  @Test
  void nodeProxyTakesAPathAfterTheSubresource() {
    assertThat(parse("GET", "/api/v1/nodes/n1/proxy/stats/summary", null))
        .isEqualTo(new RequestInfo("get", "", "v1", "", "nodes", "n1", "proxy"));
    assertThat(parse("POST", "/api/v1/nodes/n1/proxy/metrics", null).verb()).isEqualTo("create");
    assertThat(RequestInfoParser.parse("GET", "/api/v1/namespaces/a/pods/p/log/extra", null))
        .isEmpty();
  }
}
