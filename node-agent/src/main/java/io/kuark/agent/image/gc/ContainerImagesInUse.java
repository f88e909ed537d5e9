package io.kuark.agent.image.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.runtime.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Images in use on this node: the image each runtime container (running or exited) was created
 * from, as its bundle's {@code kuark.json} records it ({@code imageConfigDigest}), plus the images
 * the containers of the pods bound to the node name (which also covers containers created before
 * the bundle recorded its image, and containers about to be created).
 */
public final class ContainerImagesInUse implements ImagesInUse {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerRuntime runtime;
  private final Supplier<List<Pod>> boundPods;
  private final ImageStore images;

  public ContainerImagesInUse(
      ContainerRuntime runtime, Supplier<List<Pod>> boundPods, ImageStore images) {
    this.runtime = runtime;
    this.boundPods = boundPods;
    this.images = images;
  }

  @Override
  public Set<String> configDigests() throws IOException {
    Set<String> used = new HashSet<>();
    for (String id : runtime.list()) {
      Path meta = runtime.bundle(id).resolve("kuark.json");
      if (!Files.exists(meta)) {
        // No metadata: an orphan the pod manager removes at start; it names no image.
        continue;
      }
      JsonNode node = JSON.readTree(meta.toFile());
      String digest = node.path("imageConfigDigest").asText("");
      if (!digest.isEmpty()) {
        used.add(digest);
      }
    }
    for (Pod pod : boundPods.get()) {
      List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
      if (pod.getSpec().getInitContainers() != null) {
        containers.addAll(pod.getSpec().getInitContainers());
      }
      for (Container container : containers) {
        try {
          images.find(container.getImage()).ifPresent(image -> used.add(image.configDigest()));
        } catch (IllegalArgumentException invalidName) {
          // An invalid image name cannot name a local image.
        }
      }
    }
    return used;
  }
}
