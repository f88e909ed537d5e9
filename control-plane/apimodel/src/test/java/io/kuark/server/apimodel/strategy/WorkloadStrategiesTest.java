package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.PodStrategyTest.CATALOG;
import static io.kuark.server.apimodel.strategy.PodStrategyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.InvalidStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadStrategiesTest {

  ResourceStrategy strategy(String group, String plural) {
    return Strategies.forType(CATALOG.find(group, "v1", plural).orElseThrow());
  }

  static final String DEPLOYMENT =
      "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'demo','namespace':'default'},"
          + "'spec':{'selector':{'matchLabels':{'app':'demo'}},'template':{'metadata':{'labels':{'app':'demo'}},"
          + "'spec':{'containers':[{'name':'demo','image':'kuark.local/demo:latest'}]}}},'status':{'replicas':9}}";

  @Test
  void deploymentDefaultsAndGeneration() {
    ResourceStrategy s = strategy("apps", "deployments");
    ObjectNode d = json(DEPLOYMENT);
    s.applyDefaults(d);
    s.prepareForCreate(d);
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(d.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(d.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
    assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("25%");
    assertThat(d.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(d.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Always");
    assertThat(d.at("/spec/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("Always");
    assertThat(d.at("/spec/template/spec").has("enableServiceLinks")).isFalse();
    assertThat(d.at("/spec/template/spec").has("serviceAccountName")).isFalse();
    assertThat(d.at("/metadata/generation").asInt()).isEqualTo(1);
    assertThat(d.get("status").toString()).isEqualTo("{}");
    assertThat(s.validateCreate(d)).isEmpty();

    ObjectNode labelsOnly = d.deepCopy();
    ((ObjectNode) labelsOnly.get("metadata")).putObject("labels").put("x", "y");
    s.prepareForUpdate(labelsOnly, d);
    assertThat(labelsOnly.at("/metadata/generation").asInt()).isEqualTo(1);
    ObjectNode scaled = d.deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 3);
    s.prepareForUpdate(scaled, d);
    assertThat(scaled.at("/metadata/generation").asInt()).isEqualTo(2);
  }

  @Test
  void deploymentSelectorMustMatchAndIsImmutable() {
    ResourceStrategy s = strategy("apps", "deployments");
    ObjectNode d = json(DEPLOYMENT.replace("'labels':{'app':'demo'}", "'labels':{'app':'other'}"));
    s.applyDefaults(d);
    s.prepareForCreate(d);
    List<FieldError> errs = s.validateCreate(d);
    assertThat(errs)
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`");
    assertThat(InvalidStatus.message("apps", "Deployment", "demo", errs))
        .startsWith("Deployment.apps \"demo\" is invalid: spec.template");
    assertThat(InvalidStatus.of("apps", "Deployment", "demo", errs).at("/details/group").asText())
        .isEqualTo("apps");

    ObjectNode ok = json(DEPLOYMENT);
    s.applyDefaults(ok);
    ObjectNode changed = ok.deepCopy();
    ((ObjectNode) changed.at("/spec/selector/matchLabels")).put("tier", "x");
    ((ObjectNode) changed.at("/spec/template/metadata/labels")).put("tier", "x");
    assertThat(s.validateUpdate(changed, ok))
        .extracting(FieldError::field)
        .containsExactly("spec.selector");
  }

  @Test
  void deploymentRejectsWrongRestartPolicyAndZeroRollout() {
    ResourceStrategy s = strategy("apps", "deployments");
    ObjectNode d = json(DEPLOYMENT.replace("'containers'", "'restartPolicy':'Never','containers'"));
    ((ObjectNode) d.get("spec"))
        .putObject("strategy")
        .putObject("rollingUpdate")
        .put("maxSurge", 0)
        .put("maxUnavailable", 0);
    s.applyDefaults(d);
    assertThat(s.validateCreate(d))
        .extracting(FieldError::toString)
        .contains(
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
  }

  @Test
  void jobsGetSelectorsFromUidAndNeedOnFailureOrNever() {
    ResourceStrategy s = strategy("batch", "jobs");
    ObjectNode job =
        json(
            "{'metadata':{'name':'j','namespace':'default','uid':'1234'},'spec':{'template':{'spec':{"
                + "'restartPolicy':'Never','containers':[{'name':'c','image':'i'}]}}}}");
    s.applyDefaults(job);
    s.prepareForCreate(job);
    assertThat(job.at("/spec/completions").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/parallelism").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(6);
    assertThat(job.at("/spec/completionMode").asText()).isEqualTo("NonIndexed");
    assertThat(job.at("/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid").asText())
        .isEqualTo("1234");
    assertThat(job.at("/spec/template/metadata/labels/job-name").asText()).isEqualTo("j");
    assertThat(s.validateCreate(job)).isEmpty();
    ObjectNode always =
        json(
            "{'metadata':{'name':'j','namespace':'default'},'spec':{'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}}}");
    s.applyDefaults(always);
    assertThat(s.validateCreate(always))
        .extracting(FieldError::toString)
        .contains(
            "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
  }

  @Test
  void cronJobScheduleAndDefaults() {
    ResourceStrategy s = strategy("batch", "cronjobs");
    ObjectNode cj =
        json(
            "{'metadata':{'name':'c','namespace':'default'},'spec':{'schedule':'*/5 * * * *','jobTemplate':{'spec':{'template':{'spec':{"
                + "'restartPolicy':'OnFailure','containers':[{'name':'c','image':'i'}]}}}}}}");
    s.applyDefaults(cj);
    assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(cj.at("/spec/successfulJobsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(cj.at("/spec/failedJobsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(s.validateCreate(cj)).isEmpty();
    ((ObjectNode) cj.get("spec")).put("schedule", "every minute");
    assertThat(s.validateCreate(cj)).extracting(FieldError::field).containsExactly("spec.schedule");
  }

  @Test
  void statefulSetAndDaemonSetDefaults() {
    ResourceStrategy sts = strategy("apps", "statefulsets");
    ObjectNode o = json(DEPLOYMENT);
    sts.applyDefaults(o);
    assertThat(o.at("/spec/podManagementPolicy").asText()).isEqualTo("OrderedReady");
    assertThat(o.at("/spec/updateStrategy/rollingUpdate/partition").asInt()).isZero();
    assertThat(o.at("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted").asText())
        .isEqualTo("Retain");
    ObjectNode changed = o.deepCopy();
    ((ObjectNode) changed.get("spec")).put("serviceName", "x");
    assertThat(sts.validateUpdate(changed, o))
        .extracting(FieldError::field)
        .containsExactly("spec");
    ResourceStrategy ds = strategy("apps", "daemonsets");
    ObjectNode d = json(DEPLOYMENT);
    ds.applyDefaults(d);
    assertThat(d.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
  }
}
