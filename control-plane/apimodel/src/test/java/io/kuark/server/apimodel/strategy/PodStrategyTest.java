package io.kuark.server.apimodel.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.InvalidStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStrategyTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ResourceCatalog CATALOG = ResourceCatalog.builtIns();
  final ResourceStrategy pods = Strategies.forType(CATALOG.find("", "v1", "pods").orElseThrow());

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  ObjectNode created(String pod) {
    ObjectNode p = json(pod);
    pods.applyDefaults(p);
    pods.prepareForCreate(p);
    return p;
  }

  @Test
  void defaultsLikeUpstream() {
    ObjectNode p =
        created(
            "{'metadata':{'name':'web','namespace':'default'},'spec':{'containers':["
                + "{'name':'a','image':'kuark.local/demo:latest','ports':[{'containerPort':80}],"
                + " 'readinessProbe':{'httpGet':{'port':80}}},"
                + "{'name':'b','image':'busybox:1.36'},{'name':'c','image':'busybox'},{'name':'d','image':'reg:5000/x@sha256:abc'}],"
                + "'volumes':[{'name':'cfg','configMap':{'name':'c'}}]},'status':{'phase':'Running'}}");
    JsonNode spec = p.get("spec");
    assertThat(spec.get("restartPolicy").asText()).isEqualTo("Always");
    assertThat(spec.get("dnsPolicy").asText()).isEqualTo("ClusterFirst");
    assertThat(spec.get("terminationGracePeriodSeconds").asLong()).isEqualTo(30);
    assertThat(spec.get("schedulerName").asText()).isEqualTo("default-scheduler");
    assertThat(spec.get("securityContext").isObject()).isTrue();
    assertThat(spec.get("enableServiceLinks").asBoolean()).isTrue();
    assertThat(spec.get("serviceAccountName").asText()).isEqualTo("default");
    assertThat(spec.get("serviceAccount").asText()).isEqualTo("default");
    assertThat(spec.get("priority").asInt()).isZero();
    assertThat(spec.get("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    assertThat(spec.get("tolerations")).hasSize(2);
    assertThat(spec.at("/tolerations/0/tolerationSeconds").asInt()).isEqualTo(300);
    JsonNode a = spec.at("/containers/0");
    assertThat(a.get("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(a.get("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
    assertThat(a.get("terminationMessagePolicy").asText()).isEqualTo("File");
    assertThat(a.get("resources").isObject()).isTrue();
    assertThat(a.at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(a.at("/readinessProbe/periodSeconds").asInt()).isEqualTo(10);
    assertThat(a.at("/readinessProbe/httpGet/scheme").asText()).isEqualTo("HTTP");
    assertThat(spec.at("/containers/1/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(spec.at("/containers/2/imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(spec.at("/containers/3/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(spec.at("/volumes/0/configMap/defaultMode").asInt()).isEqualTo(420);
    assertThat(p.get("status").toString())
        .isEqualTo("{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}");
    assertThat(pods.validateCreate(p)).isEmpty();
  }

  @Test
  void limitsBecomeRequestsAndQosFollows() {
    ObjectNode p =
        created(
            "{'metadata':{'name':'g','namespace':'default'},'spec':{'containers':[{'name':'a','image':'i',"
                + "'resources':{'limits':{'cpu':'1','memory':'1Gi'}}}]}}");
    assertThat(p.at("/spec/containers/0/resources/requests/cpu").asText()).isEqualTo("1");
    assertThat(p.at("/status/qosClass").asText()).isEqualTo("Guaranteed");
  }

  @Test
  void invalidPodGivesUpstreamCauses() {
    ObjectNode p =
        created(
            "{'metadata':{'name':'Bad_Name','namespace':'default','labels':{'-x':'ok'}},'spec':{'containers':["
                + "{'name':'a','image':'i','ports':[{'containerPort':70000},{'containerPort':80,'protocol':'XTP'}]},"
                + "{'name':'a'}],'restartPolicy':'Sometimes'}}");
    List<FieldError> errs = pods.validateCreate(p);
    assertThat(errs)
        .extracting(FieldError::field)
        .contains(
            "metadata.name",
            "metadata.labels",
            "spec.containers[0].ports[0].containerPort",
            "spec.containers[0].ports[1].protocol",
            "spec.containers[1].name",
            "spec.containers[1].image",
            "spec.restartPolicy");
    assertThat(errs)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo("spec.containers[1].name");
              assertThat(e.reason()).isEqualTo("FieldValueDuplicate");
              assertThat(e.message()).isEqualTo("Duplicate value: \"a\"");
            });
    assertThat(errs)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo("spec.containers[0].ports[0].containerPort");
              assertThat(e.message())
                  .isEqualTo("Invalid value: 70000: must be between 1 and 65535, inclusive");
            });
    assertThat(errs)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo("spec.restartPolicy");
              assertThat(e.reason()).isEqualTo("FieldValueNotSupported");
              assertThat(e.message())
                  .isEqualTo(
                      "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
            });
    assertThat(errs)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo("metadata.name");
              assertThat(e.message())
                  .startsWith(
                      "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of");
            });
    ObjectNode status = InvalidStatus.of("", "Pod", "Bad_Name", errs);
    assertThat(status.get("code").asInt()).isEqualTo(422);
    assertThat(status.get("reason").asText()).isEqualTo("Invalid");
    assertThat(status.get("message").asText())
        .startsWith("Pod \"Bad_Name\" is invalid: [metadata.name: Invalid value:");
    assertThat(status.at("/details/kind").asText()).isEqualTo("Pod");
    assertThat(status.at("/details").has("group")).isFalse();
    assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("FieldValueInvalid");
  }

  @Test
  void missingContainersAndNamesAreRequired() {
    ObjectNode p = created("{'metadata':{'namespace':'default'},'spec':{}}");
    List<FieldError> errs = pods.validateCreate(p);
    assertThat(errs)
        .extracting(FieldError::toString)
        .contains(
            "metadata.name: Required value: name or generateName is required",
            "spec.containers: Required value");
    ObjectNode vol =
        created(
            "{'metadata':{'name':'p','namespace':'default'},'spec':{'containers':[{'name':'a','image':'i',"
                + "'volumeMounts':[{'name':'nope','mountPath':'/x'}]}],'volumes':[{'name':'v'}]}}");
    assertThat(pods.validateCreate(vol))
        .extracting(FieldError::toString)
        .contains(
            "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"",
            "spec.volumes[0]: Required value: must specify a volume type");
  }

  @Test
  void updatesMayOnlyChangeImagesAndAFewFields() {
    ObjectNode old =
        created(
            "{'metadata':{'name':'p','namespace':'default','uid':'u1'},'spec':{'containers':[{'name':'a','image':'i:1'}]}}");
    ObjectNode newer = old.deepCopy();
    ((ObjectNode) newer.at("/spec/containers/0")).put("image", "i:2");
    pods.prepareForUpdate(newer, old);
    assertThat(pods.validateUpdate(newer, old)).isEmpty();
    ObjectNode bad = old.deepCopy();
    ((ObjectNode) bad.get("spec")).put("restartPolicy", "Never");
    assertThat(pods.validateUpdate(bad, old)).extracting(FieldError::field).containsExactly("spec");
    ObjectNode renamed = old.deepCopy();
    ((ObjectNode) renamed.get("metadata")).put("name", "q");
    assertThat(pods.validateUpdate(renamed, old))
        .extracting(FieldError::toString)
        .contains("metadata.name: Invalid value: \"q\": field is immutable");
  }

  @Test
  void mainUpdateKeepsStatusAndStatusUpdateKeepsSpec() {
    ObjectNode old =
        created(
            "{'metadata':{'name':'p','namespace':'default','labels':{'a':'1'}},'spec':{'containers':[{'name':'a','image':'i'}]}}");
    ((ObjectNode) old.get("status")).put("phase", "Running");
    ObjectNode viaMain = old.deepCopy();
    ((ObjectNode) viaMain.get("status")).put("phase", "Failed");
    pods.prepareForUpdate(viaMain, old);
    assertThat(viaMain.at("/status/phase").asText()).isEqualTo("Running");
    ObjectNode viaStatus = old.deepCopy();
    ((ObjectNode) viaStatus.get("status")).put("phase", "Succeeded");
    ((ObjectNode) viaStatus.at("/spec/containers/0")).put("image", "other");
    ((ObjectNode) viaStatus.at("/metadata/labels")).put("a", "2");
    pods.prepareForStatusUpdate(viaStatus, old);
    assertThat(viaStatus.at("/status/phase").asText()).isEqualTo("Succeeded");
    assertThat(viaStatus.at("/spec/containers/0/image").asText()).isEqualTo("i");
    assertThat(viaStatus.at("/metadata/labels/a").asText()).isEqualTo("1");
    assertThat(pods.validateStatusUpdate(viaStatus, old)).isEmpty();
  }

  @Test
  void bindingSetsNodeOnceAndMarksScheduled() {
    ObjectNode p =
        created(
            "{'metadata':{'name':'p','namespace':'default'},'spec':{'containers':[{'name':'a','image':'i'}]}}");
    JsonNode binding =
        json("{'kind':'Binding','metadata':{'name':'p'},'target':{'kind':'Node','name':'n1'}}");
    assertThat(PodStrategy.bind(p, binding)).isEmpty();
    assertThat(p.at("/spec/nodeName").asText()).isEqualTo("n1");
    assertThat(p.at("/status/conditions/0/type").asText()).isEqualTo("PodScheduled");
    assertThat(PodStrategy.bind(p, binding)).contains("pod p is already assigned to node \"n1\"");
  }
}
