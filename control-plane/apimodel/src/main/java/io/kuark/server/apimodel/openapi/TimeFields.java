package io.kuark.server.apimodel.openapi;

import java.util.Set;

/**
 * The fields of the built-in types that are a {@code metav1.Time} in upstream's Go types
 * (k8s.io/api, apimachinery): RFC 3339 with whole seconds on the wire. The fabric8 models hold them
 * as plain strings, so introspection alone cannot tell them from other strings; the generator marks
 * them with a {@code $ref} to the Time definition, as upstream's OpenAPI does. {@code
 * DateTimeFieldsTest} checks this list against the date-time fields of upstream's OpenAPI as the
 * official Java client's models carry it. {@code metav1.MicroTime} fields need no list: the models
 * give them a type of their own.
 */
final class TimeFields {

  static final String TIME = SchemaNames.META + "Time";
  static final String MICRO_TIME = SchemaNames.META + "MicroTime";

  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";
  private static final String BATCH = "io.k8s.api.batch.v1.";

  /** Definition name + "." + field name. */
  private static final Set<String> FIELDS =
      Set.of(
          SchemaNames.META + "ObjectMeta.creationTimestamp",
          SchemaNames.META + "ObjectMeta.deletionTimestamp",
          SchemaNames.META + "ManagedFieldsEntry.time",
          SchemaNames.META + "Condition.lastTransitionTime",
          CORE + "ContainerStateRunning.startedAt",
          CORE + "ContainerStateTerminated.startedAt",
          CORE + "ContainerStateTerminated.finishedAt",
          CORE + "Event.firstTimestamp",
          CORE + "Event.lastTimestamp",
          CORE + "NamespaceCondition.lastTransitionTime",
          CORE + "NodeCondition.lastHeartbeatTime",
          CORE + "NodeCondition.lastTransitionTime",
          CORE + "PersistentVolumeClaimCondition.lastProbeTime",
          CORE + "PersistentVolumeClaimCondition.lastTransitionTime",
          CORE + "PersistentVolumeStatus.lastPhaseTransitionTime",
          CORE + "PodCondition.lastProbeTime",
          CORE + "PodCondition.lastTransitionTime",
          CORE + "PodStatus.startTime",
          CORE + "Taint.timeAdded",
          APPS + "DaemonSetCondition.lastTransitionTime",
          APPS + "DeploymentCondition.lastTransitionTime",
          APPS + "DeploymentCondition.lastUpdateTime",
          APPS + "ReplicaSetCondition.lastTransitionTime",
          APPS + "StatefulSetCondition.lastTransitionTime",
          BATCH + "CronJobStatus.lastScheduleTime",
          BATCH + "CronJobStatus.lastSuccessfulTime",
          BATCH + "JobCondition.lastProbeTime",
          BATCH + "JobCondition.lastTransitionTime",
          BATCH + "JobStatus.completionTime",
          BATCH + "JobStatus.startTime",
          "io.k8s.api.certificates.v1.CertificateSigningRequestCondition.lastTransitionTime",
          "io.k8s.api.certificates.v1.CertificateSigningRequestCondition.lastUpdateTime",
          "io.k8s.api.events.v1.Event.deprecatedFirstTimestamp",
          "io.k8s.api.events.v1.Event.deprecatedLastTimestamp",
          // map[string]metav1.Time: the values are times
          "io.k8s.api.policy.v1.PodDisruptionBudgetStatus.disruptedPods",
          "io.k8s.api.storage.v1.VolumeError.time",
          "io.k8s.api.authentication.v1.TokenRequestStatus.expirationTimestamp",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1"
              + ".CustomResourceDefinitionCondition.lastTransitionTime");

  private TimeFields() {}

  static boolean isTime(String definition, String field) {
    return FIELDS.contains(definition + "." + field);
  }
}
