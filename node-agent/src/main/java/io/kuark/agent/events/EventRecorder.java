package io.kuark.agent.events;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Records core/v1 Events about the objects the agent works on, with kubelet's reasons and messages
 * (what {@code kubectl describe pod} shows under "Events"). Recording never blocks and never fails
 * the caller: events are best effort, as upstream's recorder makes them.
 */
public interface EventRecorder {

  String NORMAL = "Normal";
  String WARNING = "Warning";

  /** Records an event of {@code type} ({@link #NORMAL} or {@link #WARNING}) about {@code about}. */
  void record(ObjectReference about, String type, String reason, String message);

  /** A recorder that drops everything (tests and tools without an API server). */
  EventRecorder NONE = (about, type, reason, message) -> {};

  /** The pod itself as an event's involved object. */
  static ObjectReference pod(Pod pod) {
    return container(pod, null);
  }

  /**
   * One of the pod's containers as an event's involved object: the pod, with upstream's field path
   * ({@code spec.containers{web}}, {@code spec.initContainers{setup}}); null {@code fieldPath} for
   * the pod itself.
   */
  static ObjectReference container(Pod pod, String fieldPath) {
    return new ObjectReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Pod")
        .withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid())
        .withResourceVersion(pod.getMetadata().getResourceVersion())
        .withFieldPath(fieldPath)
        .build();
  }

  /** Upstream's field path of a container: {@code spec.containers{name}} or the init variant. */
  static String fieldPath(String containerName, boolean init) {
    return (init ? "spec.initContainers{" : "spec.containers{") + containerName + "}";
  }
}
