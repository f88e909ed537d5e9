package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.SharedInformers;
import io.kuark.server.controller.volume.VolumeMatching;
import io.kuark.server.scheduler.plugins.VolumeLookup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link VolumeLookup} over the shared informer caches; the annotation write goes to the API. */
final class InformerVolumeLookup implements VolumeLookup {
  private final KubernetesClient client;
  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;
  private final Lister<StorageClass> classes;

  InformerVolumeLookup(KubernetesClient client, SharedInformers informers) {
    this.client = client;
    this.claims = informers.lister(PersistentVolumeClaim.class);
    this.volumes = informers.lister(PersistentVolume.class);
    this.classes = informers.lister(StorageClass.class);
  }

  @Override
  public PersistentVolumeClaim claim(String namespace, String name) {
    return claims.namespace(namespace).get(name);
  }

  @Override
  public PersistentVolume volume(String name) {
    return volumes.get(name);
  }

  @Override
  public List<PersistentVolume> volumes() {
    return volumes.list();
  }

  @Override
  public StorageClass storageClass(String name) {
    return name == null || name.isEmpty() ? null : classes.get(name);
  }

  @Override
  public void selectNode(PersistentVolumeClaim claim, String nodeName) {
    client
        .persistentVolumeClaims()
        .inNamespace(claim.getMetadata().getNamespace())
        .withName(claim.getMetadata().getName())
        .edit(
            c -> {
              Map<String, String> a =
                  c.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(c.getMetadata().getAnnotations());
              a.put(VolumeMatching.ANN_SELECTED_NODE, nodeName);
              c.getMetadata().setAnnotations(a);
              return c;
            });
  }
}
