package io.kuark.server.apimodel.table;

import static io.kuark.server.apimodel.table.PodPrinterTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.CustomResourceTypes;
import io.kuark.server.apimodel.CustomResourceTypesTest;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableConverterTest {

  static final Instant NOW = Instant.parse("2024-01-01T01:00:00Z");
  final ResourceCatalog catalog = ResourceCatalog.builtIns();
  final TableConverter tables = new TableConverter();

  ResourceType type(String group, String plural) {
    return catalog.find(group, "v1", plural).orElseThrow();
  }

  List<String> headers(ObjectNode table) {
    List<String> out = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> out.add(c.get("name").asText()));
    return out;
  }

  List<String> row(ObjectNode table, int i) {
    List<String> out = new ArrayList<>();
    table.at("/rows/" + i + "/cells").forEach(c -> out.add(c.isNull() ? null : c.asText()));
    return out;
  }

  @Test
  void podTableHasUpstreamShapeAndMetadataObjects() {
    JsonNode pod =
        json(
            "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'a','namespace':'default','creationTimestamp':'2024-01-01T00:00:00Z'},"
                + "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Pending'}}");
    ObjectNode table =
        tables.table(
            type("", "pods"),
            null,
            List.of(pod),
            TableOptions.defaults().withListMeta("42", "tok", 3L),
            NOW);
    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("42");
    assertThat(table.at("/metadata/continue").asText()).isEqualTo("tok");
    assertThat(table.at("/metadata/remainingItemCount").asLong()).isEqualTo(3);
    assertThat(headers(table))
        .containsExactly(
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates");
    JsonNode nameCol = table.at("/columnDefinitions/0");
    assertThat(nameCol.get("format").asText()).isEqualTo("name");
    assertThat(nameCol.get("priority").asInt()).isZero();
    assertThat(table.at("/columnDefinitions/5/priority").asInt()).isEqualTo(1);
    assertThat(row(table, 0).subList(0, 5)).containsExactly("a", "0/1", "Pending", "0", "60m");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(table.at("/rows/0/object/metadata/namespace").asText()).isEqualTo("default");
    assertThat(table.at("/rows/0/object").has("spec")).isFalse();
  }

  @Test
  void includeObjectNoneAndObjectAndNoHeaders() {
    JsonNode cm =
        json(
            "{'kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1','b':'2'},'binaryData':{'x':'AA=='}}");
    ObjectNode full =
        tables.table(
            type("", "configmaps"),
            null,
            List.of(cm),
            TableOptions.defaults().withIncludeObject(IncludeObject.OBJECT),
            NOW);
    assertThat(full.at("/rows/0/object/data/a").asText()).isEqualTo("1");
    assertThat(row(full, 0)).containsExactly("c", "3", "<unknown>");
    ObjectNode none =
        tables.table(
            type("", "configmaps"),
            null,
            List.of(cm),
            TableOptions.defaults().withIncludeObject(IncludeObject.NONE).withNoHeaders(true),
            NOW);
    assertThat(none.at("/rows/0").has("object")).isFalse();
    assertThat(none.get("columnDefinitions")).isEmpty();
  }

  @Test
  void deploymentAndReplicaSetRows() {
    JsonNode d =
        json(
            "{'metadata':{'name':'demo','creationTimestamp':'2024-01-01T00:58:00Z'},'spec':{'replicas':3,"
                + "'selector':{'matchLabels':{'app':'demo'}},'template':{'spec':{'containers':[{'name':'demo','image':'kuark.local/demo:latest'}]}}},"
                + "'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}");
    ObjectNode table =
        tables.table(type("apps", "deployments"), null, List.of(d), TableOptions.defaults(), NOW);
    assertThat(headers(table))
        .containsExactly(
            "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector");
    assertThat(row(table, 0))
        .containsExactly(
            "demo", "2/3", "3", "2", "2m", "demo", "kuark.local/demo:latest", "app=demo");
    ObjectNode rs =
        tables.table(type("apps", "replicasets"), null, List.of(d), TableOptions.defaults(), NOW);
    assertThat(row(rs, 0).subList(0, 4)).containsExactly("demo", "3", "0", "2");
  }

  @Test
  void serviceColumns() {
    JsonNode svc =
        json(
            "{'metadata':{'name':'web'},'spec':{'type':'NodePort','clusterIP':'10.43.0.12',"
                + "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}],'selector':{'app':'web','tier':'fe'}}}");
    ObjectNode table =
        tables.table(type("", "services"), null, List.of(svc), TableOptions.defaults(), NOW);
    assertThat(headers(table))
        .containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector");
    assertThat(row(table, 0))
        .containsExactly(
            "web",
            "NodePort",
            "10.43.0.12",
            "<none>",
            "80:30080/TCP,53/UDP",
            "<unknown>",
            "app=web,tier=fe");
    JsonNode lb =
        json(
            "{'metadata':{'name':'lb'},'spec':{'type':'LoadBalancer','clusterIP':'10.43.0.2','ports':[]}}");
    assertThat(
            row(
                    tables.table(
                        type("", "services"), null, List.of(lb), TableOptions.defaults(), NOW),
                    0)
                .get(3))
        .isEqualTo("<pending>");
  }

  @Test
  void nodeColumns() {
    JsonNode node =
        json(
            "{'metadata':{'name':'n1','labels':{'node-role.kubernetes.io/control-plane':'','node-role.kubernetes.io/master':''}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}],"
                + "'addresses':[{'type':'InternalIP','address':'192.0.2.10'},{'type':'Hostname','address':'n1'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.33.0-kuark','osImage':'Debian','kernelVersion':'6.1','containerRuntimeVersion':'runc://1.1'}}}");
    ObjectNode table =
        tables.table(type("", "nodes"), null, List.of(node), TableOptions.defaults(), NOW);
    assertThat(row(table, 0))
        .containsExactly(
            "n1",
            "Ready,SchedulingDisabled",
            "control-plane,master",
            "<unknown>",
            "v1.33.0-kuark",
            "192.0.2.10",
            "<none>",
            "Debian",
            "6.1",
            "runc://1.1");
  }

  @Test
  void eventColumns() {
    JsonNode ev =
        json(
            "{'metadata':{'name':'demo.1'},'involvedObject':{'kind':'Pod','name':'demo-1','fieldPath':'spec.containers{demo}'},"
                + "'reason':'Pulled','message':'ok ','type':'Normal','source':{'component':'kubelet','host':'n1'},"
                + "'firstTimestamp':'2024-01-01T00:50:00Z','lastTimestamp':'2024-01-01T00:59:00Z','count':4}");
    ObjectNode table =
        tables.table(type("", "events"), null, List.of(ev), TableOptions.defaults(), NOW);
    assertThat(headers(table))
        .containsExactly(
            "Last Seen",
            "Type",
            "Reason",
            "Object",
            "Subobject",
            "Source",
            "Message",
            "First Seen",
            "Count",
            "Name");
    assertThat(row(table, 0))
        .containsExactly(
            "60s",
            "Normal",
            "Pulled",
            "pod/demo-1",
            "spec.containers{demo}",
            "kubelet, n1",
            "ok",
            "10m",
            "4",
            "demo.1");
  }

  @Test
  void jobsAndCronJobs() {
    JsonNode job =
        json(
            "{'metadata':{'name':'j'},'spec':{'completions':3,'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}},"
                + "'status':{'succeeded':3,'startTime':'2024-01-01T00:00:00Z','completionTime':'2024-01-01T00:00:42Z',"
                + "'conditions':[{'type':'Complete','status':'True'}]}}");
    assertThat(
            row(
                    tables.table(
                        type("batch", "jobs"), null, List.of(job), TableOptions.defaults(), NOW),
                    0)
                .subList(0, 4))
        .containsExactly("j", "Complete", "3/3", "42s");
    JsonNode cj =
        json(
            "{'metadata':{'name':'cj'},'spec':{'schedule':'*/5 * * * *','suspend':false,"
                + "'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}}}},'status':{}}");
    assertThat(
            row(
                    tables.table(
                        type("batch", "cronjobs"), null, List.of(cj), TableOptions.defaults(), NOW),
                    0)
                .subList(0, 6))
        .containsExactly("cj", "*/5 * * * *", "<none>", "False", "0", "<none>");
  }

  @Test
  void endpointsListAtMostThree() {
    JsonNode ep =
        json(
            "{'metadata':{'name':'e'},'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'},{'ip':'10.0.0.3'},{'ip':'10.0.0.4'}],"
                + "'ports':[{'port':80}]}]}");
    assertThat(
            row(
                    tables.table(
                        type("", "endpoints"), null, List.of(ep), TableOptions.defaults(), NOW),
                    0)
                .get(1))
        .isEqualTo("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
  }

  @Test
  void customResourcesUsePrinterColumnsOrNameAge() throws Exception {
    JsonNode crd =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(CustomResourceTypesTest.CRD);
    ResourceType widgets = CustomResourceTypes.typesOf(crd).get(0);
    JsonNode w =
        json(
            "{'metadata':{'name':'w1','creationTimestamp':'2024-01-01T00:00:00Z'},'spec':{'size':7}}");
    ObjectNode table =
        tables.table(
            widgets,
            CustomResourceTypes.printerColumns(crd, "v1"),
            List.of(w),
            TableOptions.defaults(),
            NOW);
    assertThat(headers(table)).containsExactly("Name", "Size");
    assertThat(table.at("/rows/0/cells/1").isIntegralNumber()).isTrue();
    assertThat(row(table, 0)).containsExactly("w1", "7");
    ObjectNode plain = tables.table(widgets, null, List.of(w), TableOptions.defaults(), NOW);
    assertThat(headers(plain)).containsExactly("Name", "Age");
    assertThat(row(plain, 0)).containsExactly("w1", "60m");
  }

  @Test
  void otherKindsGetNameAndCreatedAt() {
    JsonNode role = json("{'metadata':{'name':'r','creationTimestamp':'2024-01-01T00:00:00Z'}}");
    ObjectNode table =
        tables.table(
            catalog.find("rbac.authorization.k8s.io", "v1", "roles").orElseThrow(),
            null,
            List.of(role),
            TableOptions.defaults(),
            NOW);
    assertThat(headers(table)).containsExactly("Name", "Created At");
    assertThat(row(table, 0)).containsExactly("r", "2024-01-01T00:00:00Z");
  }

  @Test
  void everyBuiltInProducesOneCellPerColumnForAnEmptyObject() {
    JsonNode empty = json("{'metadata':{'name':'x'}}");
    for (ResourceType t : catalog.all()) {
      ObjectNode table = tables.table(t, null, List.of(empty), TableOptions.defaults(), NOW);
      assertThat(table.at("/rows/0/cells").size())
          .as(t.plural())
          .isEqualTo(table.get("columnDefinitions").size());
    }
  }

  @Test
  void ingressHostsAndAddresses() {
    JsonNode ing =
        json(
            "{'metadata':{'name':'i'},'spec':{'ingressClassName':'nginx','tls':[{}],'rules':[{'host':'a'},{'host':'b'},{'host':'c'},{'host':'d'},{'host':'e'}]},"
                + "'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.9'},{'ip':'192.0.2.1'}]}}}");
    ObjectNode table =
        tables.table(
            catalog.find("networking.k8s.io", "v1", "ingresses").orElseThrow(),
            null,
            List.of(ing),
            TableOptions.defaults(),
            NOW);
    assertThat(row(table, 0).subList(0, 5))
        .containsExactly("i", "nginx", "a,b,c + 2 more...", "192.0.2.1,192.0.2.9", "80, 443");
  }

  @Test
  void jobStatusPrefersCompleteThenFailed() {
    JsonNode failed =
        json(
            "{'metadata':{'name':'j'},'spec':{'template':{'spec':{'containers':[]}}},'status':{'conditions':["
                + "{'type':'FailureTarget','status':'True'},{'type':'Failed','status':'True'}]}}");
    assertThat(
            row(
                    tables.table(
                        type("batch", "jobs"), null, List.of(failed), TableOptions.defaults(), NOW),
                    0)
                .get(1))
        .isEqualTo("Failed");
    JsonNode running =
        json("{'metadata':{'name':'j'},'spec':{'parallelism':3},'status':{'succeeded':1}}");
    assertThat(
            row(
                    tables.table(
                        type("batch", "jobs"),
                        null,
                        List.of(running),
                        TableOptions.defaults(),
                        NOW),
                    0)
                .subList(1, 4))
        .containsExactly("Running", "1/1 of 3", "");
  }

  @Test
  void resourceQuotaSplitsRequestsAndLimits() {
    JsonNode q =
        json(
            "{'metadata':{'name':'q'},'status':{'hard':{'pods':'10','limits.cpu':'4','requests.memory':'1Gi'},"
                + "'used':{'pods':'2','limits.cpu':'1'}}}");
    ObjectNode table =
        tables.table(type("", "resourcequotas"), null, List.of(q), TableOptions.defaults(), NOW);
    assertThat(headers(table)).containsExactly("Name", "Age", "Request", "Limit");
    assertThat(row(table, 0))
        .containsExactly("q", "<unknown>", "pods: 2/10, requests.memory: 0/1Gi", "limits.cpu: 1/4");
  }

  @Test
  void columnsAndCellsAreAvailableSeparately() {
    ResourceType pods = type("", "pods");
    assertThat(tables.columnDefinitions(pods, null)).hasSize(9);
    JsonNode pod =
        json(
            "{'metadata':{'name':'a'},'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Pending'}}");
    assertThat(tables.cells(pods, null, pod, NOW)).hasSize(9).startsWith("a", "0/1", "Pending");
  }

  @Test
  void partialObjectMetadataList() {
    ObjectNode list =
        PartialObjects.list(
            List.of(json("{'kind':'Pod','metadata':{'name':'a'},'spec':{}}")),
            "meta.k8s.io/v1",
            "7",
            null,
            null);
    assertThat(list.get("kind").asText()).isEqualTo("PartialObjectMetadataList");
    assertThat(list.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(list.at("/items/0/kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(list.at("/items/0/metadata/name").asText()).isEqualTo("a");
    assertThat(list.at("/items/0").has("spec")).isFalse();
  }

  @Test
  void negotiatesTablesAndPartialMetadata() {
    MetaMediaType t =
        MetaMediaType.negotiate(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
            .orElseThrow();
    assertThat(t.table()).isTrue();
    assertThat(t.contentType()).isEqualTo("application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(
            MetaMediaType.negotiate(
                    "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
                .orElseThrow()
                .partialMetadata())
        .isTrue();
    assertThat(
            MetaMediaType.negotiate("application/json;as=Table;v=v9;g=meta.k8s.io,application/json")
                .orElseThrow()
                .as())
        .isNull();
    assertThat(MetaMediaType.negotiate("application/json;as=Table;v=v9;g=meta.k8s.io")).isEmpty();
    assertThat(MetaMediaType.negotiate(null).orElseThrow().mediaType())
        .isEqualTo("application/json");
    assertThat(MetaMediaType.negotiate("application/yaml").orElseThrow().mediaType())
        .isEqualTo("application/yaml");
    assertThat(IncludeObject.fromQuery(null)).isEqualTo(IncludeObject.METADATA);
    assertThat(IncludeObject.fromQuery("Object")).isEqualTo(IncludeObject.OBJECT);
  }
}
