package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The file a projected ServiceAccount token is written as, by kubelet's projected volume rule: when
 * every container of the pod (init and ephemeral ones included) runs as the same user, the token
 * belongs to that user; when there is such a user or an fsGroup, the file is 0600 whatever the
 * volume's defaultMode (an fsGroup then adds group read, 0640, when the volume is owned). Otherwise
 * the token gets the defaultMode like the volume's other files. A token is a credential: a mode
 * such as the default 0644 would let every user of a container read it.
 */
final class TokenFiles {

  private static final int OWNER_ONLY = 0600;

  private TokenFiles() {}

  /** {@code token} as the file of a projected volume of {@code pod} with {@code defaultMode}. */
  static AtomicWriter.VolumeFile file(Pod pod, String token, int defaultMode) {
    Integer owner = sharedUser(pod);
    PodSecurityContext security = pod.getSpec().getSecurityContext();
    boolean fsGroup = security != null && security.getFsGroup() != null;
    int mode = owner != null || fsGroup ? OWNER_ONLY : defaultMode;
    return new AtomicWriter.VolumeFile(token.getBytes(StandardCharsets.UTF_8), mode, owner);
  }

  /**
   * The user all of the pod's containers run as (container runAsUser over the pod's), or null when
   * one of them names none or two of them differ (kubelet's FsUserFrom).
   */
  static Integer sharedUser(Pod pod) {
    PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
    Long podUser = podSecurity == null ? null : podSecurity.getRunAsUser();
    List<SecurityContext> contexts = new ArrayList<>();
    for (List<Container> list :
        List.of(
            nonNull(pod.getSpec().getInitContainers()), nonNull(pod.getSpec().getContainers()))) {
      for (Container container : list) {
        contexts.add(container.getSecurityContext());
      }
    }
    if (pod.getSpec().getEphemeralContainers() != null) {
      for (EphemeralContainer container : pod.getSpec().getEphemeralContainers()) {
        contexts.add(container.getSecurityContext());
      }
    }
    Long shared = null;
    for (SecurityContext context : contexts) {
      Long user =
          context != null && context.getRunAsUser() != null ? context.getRunAsUser() : podUser;
      if (user == null || (shared != null && !shared.equals(user))) {
        return null;
      }
      shared = user;
    }
    return shared == null ? null : Math.toIntExact(shared);
  }

  private static List<Container> nonNull(List<Container> containers) {
    return containers == null ? List.of() : containers;
  }
}
