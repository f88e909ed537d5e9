package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps one mirror pod in the API per static pod, as upstream's mirror client: a copy of the static
 * pod with annotation {@code kubernetes.io/config.mirror} set to its config hash and the Node as
 * controlling owner. A missing mirror is created, a mirror of an older manifest (other hash) is
 * replaced, and mirrors of static pods that no longer exist are deleted. API pods of the same name
 * that are not mirrors are left alone.
 */
final class MirrorPods {

  private static final Logger LOG = Logger.getLogger(MirrorPods.class);

  private final KubernetesClient client;
  private final String nodeName;
  private String nodeUid;

  MirrorPods(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  static boolean isMirror(Pod pod) {
    return pod.getMetadata().getAnnotations() != null
        && pod.getMetadata().getAnnotations().containsKey(StaticPodFiles.MIRROR);
  }

  /**
   * Brings mirror pods in line with {@code staticPods} given the pods bound to this node as the
   * informer has them. Returns the UIDs of static pods whose mirror was (re)created, so their
   * status can be published again. Failures are logged and retried on the next call.
   */
  List<String> reconcile(Collection<Pod> staticPods, Collection<Pod> boundPods) {
    Map<String, Pod> byKey = new HashMap<>();
    for (Pod pod : boundPods) {
      byKey.put(key(pod), pod);
    }
    Map<String, Pod> wanted = new LinkedHashMap<>();
    for (Pod pod : staticPods) {
      wanted.put(key(pod), pod);
    }
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, Pod> entry : wanted.entrySet()) {
      Pod desired = entry.getValue();
      Pod existing = byKey.get(entry.getKey());
      String hash = desired.getMetadata().getUid();
      try {
        if (existing == null) {
          create(desired);
          created.add(hash);
        } else if (!isMirror(existing)) {
          LOG.debugf(
              "pod %s exists in the API and is not a mirror pod; leaving it", entry.getKey());
        } else if (!hash.equals(existing.getMetadata().getAnnotations().get(StaticPodFiles.MIRROR))
            && existing.getMetadata().getDeletionTimestamp() == null) {
          LOG.infof("mirror pod %s is of an older manifest; replacing it", entry.getKey());
          delete(existing);
        }
      } catch (KubernetesClientException e) {
        LOG.warnf("mirror pod %s: %s", entry.getKey(), e.getMessage());
      }
    }
    for (Pod pod : boundPods) {
      if (isMirror(pod) && !wanted.containsKey(key(pod))) {
        try {
          LOG.infof("static pod %s is gone; deleting its mirror pod", key(pod));
          delete(pod);
        } catch (KubernetesClientException e) {
          LOG.warnf("deleting mirror pod %s: %s", key(pod), e.getMessage());
        }
      }
    }
    return created;
  }

  private void create(Pod staticPod) {
    Map<String, String> annotations = new LinkedHashMap<>(staticPod.getMetadata().getAnnotations());
    annotations.put(StaticPodFiles.MIRROR, staticPod.getMetadata().getUid());
    Pod mirror =
        new PodBuilder(staticPod)
            .editMetadata()
            .withUid(null)
            .withResourceVersion(null)
            .withAnnotations(annotations)
            .withOwnerReferences(nodeOwner())
            .endMetadata()
            .withStatus(null)
            .build();
    try {
      client.pods().inNamespace(mirror.getMetadata().getNamespace()).resource(mirror).create();
      LOG.infof("created mirror pod %s", key(mirror));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void delete(Pod mirror) {
    client
        .pods()
        .inNamespace(mirror.getMetadata().getNamespace())
        .withName(mirror.getMetadata().getName())
        .withGracePeriod(0)
        .delete();
  }

  private OwnerReference nodeOwner() {
    if (nodeUid == null) {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        throw new KubernetesClientException("node " + nodeName + " is not registered yet");
      }
      nodeUid = node.getMetadata().getUid();
    }
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Node")
        .withName(nodeName)
        .withUid(nodeUid)
        .withController(true)
        .build();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
