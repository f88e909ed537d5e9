package io.kuark.server.apimodel.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's downward API rules in pod validation (env field paths, resources, volume items). */
class DownwardApiValidationTest {

  private final PodStrategyTest pods = new PodStrategyTest();

  private List<FieldError> errors(String env, String volumes) {
    ObjectNode p =
        pods.created(
            "{'metadata':{'name':'web','namespace':'default'},'spec':{'containers':["
                + "{'name':'app','image':'busybox','env':["
                + env
                + "]}],'volumes':["
                + volumes
                + "]}}");
    return pods.pods.validateCreate(p);
  }

  private static String envField(String path) {
    return "{'name':'X','valueFrom':{'fieldRef':{'fieldPath':'" + path + "'}}}";
  }

  private static String envResource(String resource, String divisor) {
    return "{'name':'X','valueFrom':{'resourceFieldRef':{'resource':'"
        + resource
        + "'"
        + (divisor == null ? "" : ",'divisor':'" + divisor + "'")
        + "}}}";
  }

  private static String volume(String item) {
    return "{'name':'info','downwardAPI':{'items':[" + item + "]}}";
  }

  @Test
  void whatTheNodeCanFillIsAccepted() {
    assertThat(
            errors(
                String.join(
                    ",",
                    envField("metadata.name"),
                    envField("status.podIP"),
                    envField("metadata.labels[\\u0027app\\u0027]"),
                    envField("metadata.annotations[\\u0027example.com/Note\\u0027]"),
                    envResource("limits.memory", "1Mi"),
                    envResource("requests.cpu", "1m"),
                    envResource("limits.hugepages-2Mi", null)),
                volume("{'path':'labels','fieldRef':{'fieldPath':'metadata.labels'}}")
                    + ","
                    + "{'name':'p','projected':{'sources':[{'downwardAPI':{'items':["
                    + "{'path':'cpu','resourceFieldRef':{'containerName':'app','resource':'limits.cpu','divisor':'1m'}}"
                    + "]}}]}}"))
        .isEmpty();
  }

  @Test
  void envFieldPathsOutsideTheSupportedSetAreRefused() {
    List<FieldError> errs =
        errors(
            String.join(
                ",",
                envField("metadata.labels"),
                envField("spec.restartPolicy"),
                envField("spec.containers"),
                envField("metadata.name[\\u0027x\\u0027]")),
            "");
    assertThat(errs)
        .extracting(FieldError::field)
        .containsExactly(
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath",
            "spec.containers[0].env[1].valueFrom.fieldRef.fieldPath",
            "spec.containers[0].env[2].valueFrom.fieldRef.fieldPath",
            "spec.containers[0].env[3].valueFrom.fieldRef");
    assertThat(errs.get(0).reason()).isEqualTo("FieldValueNotSupported");
    assertThat(errs.get(0).message()).startsWith("Unsupported value: \"metadata.labels\"");
    assertThat(errs.get(2).message())
        .contains("error converting fieldPath: field label not supported: spec.containers");
    assertThat(errs.get(3).message()).contains("does not support subscript");
  }

  @Test
  void resourcesAndDivisorsAreChecked() {
    List<FieldError> errs =
        errors(
            String.join(
                ",",
                envResource("limits.gpu", null),
                envResource("limits.cpu", "1Mi"),
                envResource("requests.memory", "3")),
            "");
    assertThat(errs)
        .extracting(FieldError::field)
        .containsExactly(
            "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource",
            "spec.containers[0].env[1].valueFrom.resourceFieldRef.divisor",
            "spec.containers[0].env[2].valueFrom.resourceFieldRef.divisor");
    assertThat(errs.get(1).message())
        .contains("only divisor's values 1m and 1 are supported with the cpu resource");
    assertThat(errs.get(2).message()).contains("are supported with the memory resource");
  }

  @Test
  void volumeItemsNeedAPathOneSourceAndAContainerForResources() {
    List<FieldError> errs =
        errors(
            "",
            volume(
                String.join(
                    ",",
                    "{'path':'node','fieldRef':{'fieldPath':'spec.nodeName'}}",
                    "{'path':'cpu','resourceFieldRef':{'resource':'limits.cpu'}}",
                    "{'fieldRef':{'fieldPath':'metadata.name'}}",
                    "{'path':'none'}",
                    "{'path':'mode','mode':1024,'fieldRef':{'fieldPath':'metadata.uid'}}")));
    assertThat(errs)
        .extracting(FieldError::field)
        .containsExactly(
            "spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath",
            "spec.volumes[0].downwardAPI.items[1].resourceFieldRef.containerName",
            "spec.volumes[0].downwardAPI.items[2].path",
            "spec.volumes[0].downwardAPI.items[3]",
            "spec.volumes[0].downwardAPI.items[4].mode");
  }
}
