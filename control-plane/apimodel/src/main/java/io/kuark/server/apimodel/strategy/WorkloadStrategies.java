package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultBool;
import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultLong;
import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultText;
import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.List;

/** Strategies for apps/v1 and batch/v1 workloads. */
final class WorkloadStrategies {

  private WorkloadStrategies() {}

  /** Defaults a pod template's spec (if present). */
  static void templateDefaults(ObjectNode template) {
    if (template.get("spec") instanceof ObjectNode spec) {
      PodSpecDefaults.apply(spec);
    }
  }

  static void validateTemplate(
      JsonNode template, String path, List<String> restartPolicies, List<FieldError> errs) {
    MetadataValidator.labels(
        template.path("metadata").path("labels"), path + ".metadata.labels", errs);
    MetadataValidator.annotations(
        template.path("metadata").path("annotations"), path + ".metadata.annotations", errs);
    PodSpecValidator.validate(template.path("spec"), path + ".spec", errs);
    String restart = template.path("spec").path("restartPolicy").asText("");
    if (!restart.isEmpty() && !restartPolicies.contains(restart)) {
      errs.add(FieldError.notSupported(path + ".spec.restartPolicy", restart, restartPolicies));
    }
  }

  static void nonNegative(JsonNode spec, String field, List<FieldError> errs) {
    JsonNode v = spec.path(field);
    if (v.isNumber() && v.asLong() < 0) {
      errs.add(FieldError.invalid("spec." + field, v, "must be greater than or equal to 0"));
    }
  }

  static void immutable(
      JsonNode now, JsonNode old, String field, String path, List<FieldError> errs) {
    JsonNode a = now.path(field);
    JsonNode b = old.path(field);
    if (!a.equals(b)) {
      Object shown = field.equals("selector") ? Selectors.goSelector(a) : a;
      errs.add(FieldError.invalid(path, shown, "field is immutable"));
    }
  }

  static JsonNode emptyStatus() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** apps/v1 Deployment. */
  static final class Deployment extends GenericStrategy {
    Deployment(ResourceType type) {
      super(type, true);
    }

    @Override
    protected void defaults(ObjectNode d) {
      ObjectNode spec = obj(d, "spec");
      defaultLong(spec, "replicas", 1);
      ObjectNode strategy = obj(spec, "strategy");
      defaultText(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(strategy.path("type").asText())) {
        ObjectNode ru = obj(strategy, "rollingUpdate");
        if (!ru.hasNonNull("maxUnavailable")) {
          ru.put("maxUnavailable", "25%");
        }
        if (!ru.hasNonNull("maxSurge")) {
          ru.put("maxSurge", "25%");
        }
      }
      defaultLong(spec, "revisionHistoryLimit", 10);
      defaultLong(spec, "progressDeadlineSeconds", 600);
      templateDefaults(obj(spec, "template"));
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return emptyStatus();
    }

    @Override
    protected void validateObject(ObjectNode d, List<FieldError> errs) {
      JsonNode spec = d.path("spec");
      nonNegative(spec, "replicas", errs);
      nonNegative(spec, "revisionHistoryLimit", errs);
      nonNegative(spec, "minReadySeconds", errs);
      Selectors.validateWorkload(spec, "deployment", errs);
      validateTemplate(spec.path("template"), "spec.template", List.of("Always"), errs);
      String type = spec.path("strategy").path("type").asText("");
      if (!type.equals("RollingUpdate") && !type.equals("Recreate")) {
        errs.add(
            FieldError.notSupported(
                "spec.strategy.type", type, List.of("Recreate", "RollingUpdate")));
      }
      if (type.equals("Recreate") && spec.path("strategy").hasNonNull("rollingUpdate")) {
        errs.add(
            FieldError.forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'"));
      }
      JsonNode ru = spec.path("strategy").path("rollingUpdate");
      if (isZero(ru.path("maxUnavailable")) && isZero(ru.path("maxSurge"))) {
        errs.add(
            FieldError.invalid(
                "spec.strategy.rollingUpdate.maxUnavailable",
                ru.path("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0"));
      }
      JsonNode pds = spec.path("progressDeadlineSeconds");
      if (pds.isNumber() && pds.asLong() <= spec.path("minReadySeconds").asLong(0)) {
        errs.add(
            FieldError.invalid(
                "spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
      }
    }

    private static boolean isZero(JsonNode intOrPercent) {
      String s = intOrPercent.asText("");
      return s.equals("0") || s.equals("0%");
    }

    @Override
    protected void validateObjectUpdate(ObjectNode d, JsonNode old, List<FieldError> errs) {
      immutable(d.path("spec"), old.path("spec"), "selector", "spec.selector", errs);
    }
  }

  /** apps/v1 ReplicaSet. */
  static final class ReplicaSet extends GenericStrategy {
    ReplicaSet(ResourceType type) {
      super(type, true);
    }

    @Override
    protected void defaults(ObjectNode rs) {
      ObjectNode spec = obj(rs, "spec");
      defaultLong(spec, "replicas", 1);
      templateDefaults(obj(spec, "template"));
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      ObjectNode s = JsonNodeFactory.instance.objectNode();
      s.put("replicas", 0);
      return s;
    }

    @Override
    protected void validateObject(ObjectNode rs, List<FieldError> errs) {
      JsonNode spec = rs.path("spec");
      nonNegative(spec, "replicas", errs);
      nonNegative(spec, "minReadySeconds", errs);
      Selectors.validateWorkload(spec, "replicaset", errs);
      validateTemplate(spec.path("template"), "spec.template", List.of("Always"), errs);
    }

    @Override
    protected void validateObjectUpdate(ObjectNode rs, JsonNode old, List<FieldError> errs) {
      immutable(rs.path("spec"), old.path("spec"), "selector", "spec.selector", errs);
    }
  }

  /** apps/v1 DaemonSet. */
  static final class DaemonSet extends GenericStrategy {
    DaemonSet(ResourceType type) {
      super(type, true);
    }

    @Override
    protected void defaults(ObjectNode ds) {
      ObjectNode spec = obj(ds, "spec");
      ObjectNode strategy = obj(spec, "updateStrategy");
      defaultText(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(strategy.path("type").asText())) {
        ObjectNode ru = obj(strategy, "rollingUpdate");
        if (!ru.hasNonNull("maxUnavailable")) {
          ru.put("maxUnavailable", 1);
        }
        if (!ru.hasNonNull("maxSurge")) {
          ru.put("maxSurge", 0);
        }
      }
      defaultLong(spec, "revisionHistoryLimit", 10);
      templateDefaults(obj(spec, "template"));
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      ObjectNode s = JsonNodeFactory.instance.objectNode();
      s.put("currentNumberScheduled", 0);
      s.put("desiredNumberScheduled", 0);
      s.put("numberMisscheduled", 0);
      s.put("numberReady", 0);
      return s;
    }

    @Override
    protected void validateObject(ObjectNode ds, List<FieldError> errs) {
      JsonNode spec = ds.path("spec");
      Selectors.validateWorkload(spec, "daemonset", errs);
      validateTemplate(spec.path("template"), "spec.template", List.of("Always"), errs);
      String type = spec.path("updateStrategy").path("type").asText("");
      if (!type.equals("RollingUpdate") && !type.equals("OnDelete")) {
        errs.add(
            FieldError.notSupported(
                "spec.updateStrategy.type", type, List.of("OnDelete", "RollingUpdate")));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode ds, JsonNode old, List<FieldError> errs) {
      immutable(ds.path("spec"), old.path("spec"), "selector", "spec.selector", errs);
    }
  }

  /** apps/v1 StatefulSet. */
  static final class StatefulSet extends GenericStrategy {
    private static final List<String> MUTABLE =
        List.of(
            "replicas",
            "ordinals",
            "template",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds");

    StatefulSet(ResourceType type) {
      super(type, true);
    }

    @Override
    protected void defaults(ObjectNode sts) {
      ObjectNode spec = obj(sts, "spec");
      defaultLong(spec, "replicas", 1);
      defaultText(spec, "podManagementPolicy", "OrderedReady");
      ObjectNode strategy = obj(spec, "updateStrategy");
      defaultText(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(strategy.path("type").asText())) {
        defaultLong(obj(strategy, "rollingUpdate"), "partition", 0);
      }
      defaultLong(spec, "revisionHistoryLimit", 10);
      ObjectNode retention = obj(spec, "persistentVolumeClaimRetentionPolicy");
      defaultText(retention, "whenDeleted", "Retain");
      defaultText(retention, "whenScaled", "Retain");
      for (JsonNode t : spec.path("volumeClaimTemplates")) {
        if (t instanceof ObjectNode claim) {
          defaultText(claim, "apiVersion", "v1");
          defaultText(claim, "kind", "PersistentVolumeClaim");
          defaultText(obj(claim, "spec"), "volumeMode", "Filesystem");
        }
      }
      templateDefaults(obj(spec, "template"));
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      ObjectNode s = JsonNodeFactory.instance.objectNode();
      s.put("replicas", 0);
      s.put("availableReplicas", 0);
      return s;
    }

    @Override
    protected void validateObject(ObjectNode sts, List<FieldError> errs) {
      JsonNode spec = sts.path("spec");
      nonNegative(spec, "replicas", errs);
      Selectors.validateWorkload(spec, "statefulset", errs);
      validateTemplate(spec.path("template"), "spec.template", List.of("Always"), errs);
      String policy = spec.path("podManagementPolicy").asText("");
      if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
        errs.add(
            FieldError.invalid(
                "spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode sts, JsonNode old, List<FieldError> errs) {
      ObjectNode a = sts.path("spec").deepCopy();
      ObjectNode b = old.path("spec").deepCopy();
      for (String f : MUTABLE) {
        a.remove(f);
        b.remove(f);
      }
      if (!a.equals(b)) {
        errs.add(
            FieldError.forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',"
                    + " 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'"
                    + " are forbidden"));
      }
    }
  }

  /** batch/v1 Job. */
  static final class Job extends GenericStrategy {
    Job(ResourceType type) {
      super(type, true);
    }

    @Override
    protected void defaults(ObjectNode job) {
      ObjectNode spec = obj(job, "spec");
      if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
        spec.put("completions", 1);
        spec.put("parallelism", 1);
      }
      defaultLong(spec, "parallelism", 1);
      defaultLong(spec, "backoffLimit", 6);
      defaultText(spec, "completionMode", "NonIndexed");
      defaultBool(spec, "suspend", false);
      if (!spec.hasNonNull("podFailurePolicy")) {
        defaultText(spec, "podReplacementPolicy", "TerminatingOrFailed");
      }
      templateDefaults(obj(spec, "template"));
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return emptyStatus();
    }

    /** Generates upstream's selector and template labels from the job's uid (set uid first). */
    @Override
    public void prepareForCreate(ObjectNode job) {
      super.prepareForCreate(job);
      String uid = job.path("metadata").path("uid").asText("");
      String name = job.path("metadata").path("name").asText("");
      ObjectNode spec = obj(job, "spec");
      if (uid.isEmpty() || spec.path("manualSelector").asBoolean(false)) {
        return;
      }
      ObjectNode labels = obj(obj(obj(spec, "template"), "metadata"), "labels");
      labels.put("batch.kubernetes.io/controller-uid", uid);
      labels.put("batch.kubernetes.io/job-name", name);
      labels.put("controller-uid", uid);
      labels.put("job-name", name);
      if (!spec.hasNonNull("selector")) {
        obj(obj(spec, "selector"), "matchLabels").put("batch.kubernetes.io/controller-uid", uid);
      }
    }

    @Override
    protected void validateObject(ObjectNode job, List<FieldError> errs) {
      JsonNode spec = job.path("spec");
      nonNegative(spec, "parallelism", errs);
      nonNegative(spec, "completions", errs);
      nonNegative(spec, "backoffLimit", errs);
      JsonNode ads = spec.path("activeDeadlineSeconds");
      if (ads.isNumber() && ads.asLong() <= 0) {
        errs.add(FieldError.invalid("spec.activeDeadlineSeconds", ads, "must be greater than 0"));
      }
      if (spec.has("selector")) {
        Selectors.syntax(spec.path("selector"), "spec.selector", errs);
      }
      validateJobTemplate(spec.path("template"), "spec.template", errs);
    }

    @Override
    protected void validateObjectUpdate(ObjectNode job, JsonNode old, List<FieldError> errs) {
      immutable(job.path("spec"), old.path("spec"), "selector", "spec.selector", errs);
      ObjectNode a = job.path("spec").path("template").deepCopy();
      ObjectNode b = old.path("spec").path("template").deepCopy();
      // scheduling directives may change while suspended; the rest of the template is fixed
      if (!old.path("spec").path("suspend").asBoolean(false)) {
        if (!a.equals(b)) {
          errs.add(
              FieldError.invalid(
                  "spec.template",
                  new Selectors.RawValue("core.PodTemplateSpec{...}"),
                  "field is immutable"));
        }
      }
      if ("NonIndexed".equals(old.path("spec").path("completionMode").asText("NonIndexed"))) {
        JsonNode c = job.path("spec").path("completions");
        if (!c.equals(old.path("spec").path("completions"))) {
          errs.add(FieldError.invalid("spec.completions", c, "field is immutable"));
        }
      }
    }
  }

  static void validateJobTemplate(JsonNode template, String path, List<FieldError> errs) {
    MetadataValidator.labels(
        template.path("metadata").path("labels"), path + ".metadata.labels", errs);
    PodSpecValidator.validate(template.path("spec"), path + ".spec", errs);
    String restart = template.path("spec").path("restartPolicy").asText("");
    if (!restart.equals("OnFailure") && !restart.equals("Never")) {
      errs.add(
          FieldError.required(
              path + ".spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
    }
  }

  /** batch/v1 CronJob. */
  static final class CronJob extends GenericStrategy {
    CronJob(ResourceType type) {
      super(
          type,
          name -> {
            List<String> errs = new java.util.ArrayList<>(NameRules.dns1123Subdomain(name));
            if (name.length() > 52) {
              errs.add("must be no more than 52 characters");
            }
            return errs;
          },
          true);
    }

    @Override
    protected void defaults(ObjectNode cj) {
      ObjectNode spec = obj(cj, "spec");
      defaultText(spec, "concurrencyPolicy", "Allow");
      defaultBool(spec, "suspend", false);
      defaultLong(spec, "successfulJobsHistoryLimit", 3);
      defaultLong(spec, "failedJobsHistoryLimit", 1);
      ObjectNode jobSpec = obj(obj(spec, "jobTemplate"), "spec");
      if (jobSpec.get("template") instanceof ObjectNode t) {
        templateDefaults(t);
      }
      defaultLong(jobSpec, "backoffLimit", 6);
      defaultText(jobSpec, "completionMode", "NonIndexed");
      defaultBool(jobSpec, "suspend", false);
      if (!jobSpec.hasNonNull("podFailurePolicy")) {
        defaultText(jobSpec, "podReplacementPolicy", "TerminatingOrFailed");
      }
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return emptyStatus();
    }

    @Override
    protected void validateObject(ObjectNode cj, List<FieldError> errs) {
      JsonNode spec = cj.path("spec");
      String schedule = spec.path("schedule").asText("");
      if (schedule.isEmpty()) {
        errs.add(FieldError.required("spec.schedule", null));
      } else if (!CronSchedule.isValid(schedule)) {
        errs.add(FieldError.invalid("spec.schedule", schedule, "unparseable cron schedule"));
      }
      String policy = spec.path("concurrencyPolicy").asText("");
      List<String> policies = List.of("Allow", "Forbid", "Replace");
      if (!policies.contains(policy)) {
        errs.add(FieldError.notSupported("spec.concurrencyPolicy", policy, policies));
      }
      nonNegative(spec, "successfulJobsHistoryLimit", errs);
      nonNegative(spec, "failedJobsHistoryLimit", errs);
      validateJobTemplate(
          spec.path("jobTemplate").path("spec").path("template"),
          "spec.jobTemplate.spec.template",
          errs);
    }
  }
}
