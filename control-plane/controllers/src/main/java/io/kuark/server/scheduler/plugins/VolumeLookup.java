package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;

/** What the VolumeBinding plugin reads (informer caches in the server) and writes. */
public interface VolumeLookup {
  PersistentVolumeClaim claim(String namespace, String name);

  PersistentVolume volume(String name);

  List<PersistentVolume> volumes();

  StorageClass storageClass(String name);

  /** Records the node chosen for a delayed-binding claim (the selected-node annotation). */
  void selectNode(PersistentVolumeClaim claim, String nodeName);
}
