package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/** Finds a named container of a pod and its runtime id, with upstream's messages. */
final class PodContainers {

  /** A request naming a pod or container this node cannot serve; code is the HTTP status. */
  static final class TargetException extends Exception {
    final int code;

    TargetException(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  private PodContainers() {}

  /** Checks that {@code name} is a container of the pod (app, init or ephemeral). */
  static void requireContainer(Pod pod, String name) throws TargetException {
    List<String> names = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      names.add(c.getName());
    }
    for (Container c : pod.getSpec().getInitContainers()) {
      names.add(c.getName());
    }
    for (EphemeralContainer c : pod.getSpec().getEphemeralContainers()) {
      names.add(c.getName());
    }
    if (name == null || !names.contains(name)) {
      throw new TargetException(
          400, "container " + name + " is not valid for pod " + pod.getMetadata().getName());
    }
  }

  /** The container's status as last written, or null. */
  static ContainerStatus status(Pod pod, String name) {
    if (pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> all = new ArrayList<>(pod.getStatus().getContainerStatuses());
    all.addAll(pod.getStatus().getInitContainerStatuses());
    for (ContainerStatus status : all) {
      if (name.equals(status.getName())) {
        return status;
      }
    }
    return null;
  }

  /** The runtime id of the container's current attempt ({@code runc://<id>}), or null. */
  static String runtimeId(Pod pod, String name) {
    ContainerStatus status = status(pod, name);
    if (status == null || status.getContainerID() == null) {
      return null;
    }
    String id = status.getContainerID();
    int sep = id.indexOf("://");
    return sep < 0 ? id : id.substring(sep + 3);
  }

  /** The runtime id of a running container, or a TargetException as upstream reports it. */
  static String runningId(Pod pod, String name) throws TargetException {
    requireContainer(pod, name);
    ContainerStatus status = status(pod, name);
    String id = runtimeId(pod, name);
    if (id == null || status.getState() == null || status.getState().getRunning() == null) {
      throw new TargetException(
          400,
          "container "
              + name
              + " is not running in pod "
              + pod.getMetadata().getName()
              + " (container not found (\""
              + name
              + "\"))");
    }
    return id;
  }
}
