package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.image.ImageConfig;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.image.registry.ImageFetcher;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerLaunch.BindMount;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.StdinMode;
import io.kuark.agent.runtime.runc.OciSpecBuilder;
import io.kuark.agent.volume.MemoryVolumes;
import io.kuark.agent.volume.PodVolumes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates and starts one runtime container for a pod's container spec: image lookup, overlay
 * rootfs, user, environment, argv, mounts, cgroup limits, the OCI spec, then the runtime start.
 * Every failure is a {@link StartException} carrying the waiting reason kubelet would report.
 */
public final class ContainerStarter {

  private static final Logger LOG = Logger.getLogger(ContainerStarter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a container could not be started, as a kubelet waiting reason + message. */
  public static final class StartException extends Exception {
    private final String reason;

    public StartException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * Identity of a container bundle, written next to it to find its pod after a restart; {@code
   * imageConfigDigest} names the image it runs, which image GC must keep.
   */
  public record BundleMeta(
      String podUid, String namespace, String podName, String slot, String imageConfigDigest) {}

  private final AgentConfig config;
  private final ImageStore images;
  private final HostKernel kernel;
  private final ContainerRuntime runtime;
  private final Sources sources;
  private final ImageFetcher fetcher;
  private final EventRecorder events;
  private final OciSpecBuilder specs = new OciSpecBuilder();

  /** Everything container content comes from (API objects behind the volumes and env). */
  public interface Sources extends EnvResolver.Sources, PodVolumes.Sources {
    /**
     * A ConfigMap's values for env: the bytes its volume files get, as UTF-8 (one read and one
     * decoding per object, shared by env and volumes).
     */
    @Override
    default Optional<Map<String, String>> configMap(String namespace, String name) {
      return configMapFiles(namespace, name).map(PodVolumes::text);
    }

    /** A Secret's values for env, as for {@link #configMap}. */
    @Override
    default Optional<Map<String, String>> secret(String namespace, String name) {
      return secretFiles(namespace, name).map(PodVolumes::text);
    }
  }

  public ContainerStarter(
      AgentConfig config,
      ImageStore images,
      HostKernel kernel,
      ContainerRuntime runtime,
      Sources sources) {
    this(config, images, kernel, runtime, sources, null, EventRecorder.NONE);
  }

  /**
   * @param fetcher pulls images per imagePullPolicy; null means local images only
   * @param events where kubelet's image and container events go (Pulling, Pulled, Created, Started)
   */
  public ContainerStarter(
      AgentConfig config,
      ImageStore images,
      HostKernel kernel,
      ContainerRuntime runtime,
      Sources sources,
      ImageFetcher fetcher,
      EventRecorder events) {
    this.config = config;
    this.images = images;
    this.kernel = kernel;
    this.runtime = runtime;
    this.sources = sources;
    this.fetcher = fetcher;
    this.events = events;
  }

  /** Upstream's field path of {@code container} in {@code pod} (init or app container). */
  static String fieldPath(Pod pod, Container container) {
    boolean init =
        pod.getSpec().getInitContainers() != null
            && pod.getSpec().getInitContainers().stream()
                .anyMatch(c -> c.getName().equals(container.getName()));
    return EventRecorder.fieldPath(container.getName(), init);
  }

  /** Where ConfigMaps, Secrets and tokens for pods are read from. */
  public Sources sources() {
    return sources;
  }

  /** The pod's directory for hosts/resolv.conf/volumes. */
  public Path podDir(String uid) {
    return config.agentDir().resolve("pods").resolve(uid);
  }

  /**
   * Unmounts the tmpfs of the pod's memory volumes so its directory can go; a pod deleted while the
   * agent was down is handled the same way.
   */
  public void unmountVolumes(String uid) throws IOException {
    MemoryVolumes.unmountAll(podDir(uid), kernel);
  }

  /** The CRI log file of a container attempt. */
  public Path logFile(Pod pod, String containerName, int restartCount) {
    return config
        .podLogDir()
        .resolve(
            pod.getMetadata().getNamespace()
                + "_"
                + pod.getMetadata().getName()
                + "_"
                + pod.getMetadata().getUid())
        .resolve(containerName)
        .resolve(restartCount + ".log");
  }

  /** The image a container would run, or a StartException with ErrImagePull. */
  public ImageRecord resolveImage(Container container) throws StartException {
    try {
      return images
          .find(container.getImage())
          .orElseThrow(
              () ->
                  new StartException(
                      "ErrImagePull",
                      "image "
                          + container.getImage()
                          + " is not present on the node (import it into the agent's images directory)"));
    } catch (IllegalArgumentException e) {
      throw new StartException("InvalidImageName", e.getMessage());
    }
  }

  /**
   * The image a container runs, pulled per its imagePullPolicy with the pod's pull secrets; the
   * StartException carries ErrImagePull/ImagePullBackOff/ErrImageNeverPull and the reason.
   */
  public ImageRecord resolveImage(Pod pod, Container container) throws StartException {
    if (fetcher == null) {
      return resolveImage(container);
    }
    List<String> dockerConfigs = new ArrayList<>();
    if (pod.getSpec().getImagePullSecrets() != null) {
      for (LocalObjectReference ref : pod.getSpec().getImagePullSecrets()) {
        sources
            .secret(pod.getMetadata().getNamespace(), ref.getName())
            .map(data -> data.get(".dockerconfigjson"))
            .ifPresent(dockerConfigs::add);
      }
    }
    ObjectReference about = EventRecorder.container(pod, fieldPath(pod, container));
    String image = container.getImage();
    boolean[] pulled = {false};
    ImageFetcher.PullListener listener =
        new ImageFetcher.PullListener() {
          @Override
          public void pulling() {
            events.record(
                about, EventRecorder.NORMAL, "Pulling", "Pulling image \"" + image + "\"");
          }

          @Override
          public void pulled(Duration took) {
            pulled[0] = true;
            String seconds =
                String.format(java.util.Locale.ROOT, "%.3fs", took.toMillis() / 1000.0);
            events.record(
                about,
                EventRecorder.NORMAL,
                "Pulled",
                "Successfully pulled image \""
                    + image
                    + "\" in "
                    + seconds
                    + " ("
                    + seconds
                    + " including waiting)");
          }
        };
    try {
      ImageRecord record =
          fetcher.fetch(image, container.getImagePullPolicy(), dockerConfigs, listener);
      if (!pulled[0]) {
        events.record(
            about,
            EventRecorder.NORMAL,
            "Pulled",
            "Container image \"" + image + "\" already present on machine");
      }
      return record;
    } catch (ImageFetcher.FetchException e) {
      switch (e.reason()) {
        case "ErrImagePull" ->
            events.record(
                about,
                EventRecorder.WARNING,
                "Failed",
                "Failed to pull image \"" + image + "\": " + e.getMessage());
        case "ImagePullBackOff" ->
            events.record(
                about, EventRecorder.NORMAL, "BackOff", "Back-off pulling image \"" + image + "\"");
        case "ErrImageNeverPull" ->
            events.record(about, EventRecorder.WARNING, "ErrImageNeverPull", e.getMessage());
        default -> events.record(about, EventRecorder.WARNING, "InspectFailed", e.getMessage());
      }
      throw new StartException(e.reason(), e.getMessage());
    }
  }

  /**
   * Starts container {@code id} for {@code container}.
   *
   * @return the image id it runs
   */
  public String start(
      Pod pod, Container container, String slot, String id, int restartCount, PodState state)
      throws StartException {
    return start(pod, container, slot, id, restartCount, state, PodStartTrace.none());
  }

  /** Like {@link #start(Pod, Container, String, String, int, PodState)}, marking its phases. */
  String start(
      Pod pod,
      Container container,
      String slot,
      String id,
      int restartCount,
      PodState state,
      PodStartTrace trace)
      throws StartException {
    ImageRecord image = resolveImage(pod, container);
    trace.mark("image");
    Path bundle = runtime.bundle(id);
    Path rootfs = bundle.resolve("rootfs");
    boolean mounted = false;
    try {
      Files.createDirectories(bundle);
      JSON.writeValue(
          bundle.resolve("kuark.json").toFile(),
          new BundleMeta(
              pod.getMetadata().getUid(),
              pod.getMetadata().getNamespace(),
              pod.getMetadata().getName(),
              slot,
              image.configDigest()));
      ImageConfig imageConfig = images.config(image);
      kernel.mountOverlay(
          images.layerDirsTopFirst(image), bundle.resolve("upper"), bundle.resolve("work"), rootfs);
      mounted = true;
      trace.mark("rootfs");
      ContainerLaunch launch = launch(pod, container, imageConfig, rootfs, id, state, trace);
      ObjectNode spec = specs.build(launch, rootfs.toString());
      JSON.writeValue(bundle.resolve("config.json").toFile(), spec);
      trace.mark("spec");
      runtime.start(
          id, bundle, logFile(pod, container.getName(), restartCount), StdinMode.of(container));
      trace.mark("launch");
      ObjectReference about = EventRecorder.container(pod, fieldPath(pod, container));
      events.record(
          about, EventRecorder.NORMAL, "Created", "Created container: " + container.getName());
      events.record(
          about, EventRecorder.NORMAL, "Started", "Started container " + container.getName());
      return image.imageId();
    } catch (StartException e) {
      cleanup(id, mounted);
      throw e;
    } catch (EnvResolver.ConfigException
        | PodVolumes.VolumeException
        | UserSpec.UnknownUserException e) {
      cleanup(id, mounted);
      throw new StartException("CreateContainerConfigError", e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warnf(
          e,
          "cannot create container %s of pod %s/%s",
          container.getName(),
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName());
      cleanup(id, mounted);
      throw new StartException("CreateContainerError", e.getMessage());
    }
  }

  private ContainerLaunch launch(
      Pod pod,
      Container container,
      ImageConfig image,
      Path rootfs,
      String id,
      PodState state,
      PodStartTrace trace)
      throws IOException, StartException {
    String podIp = state.podIps.isEmpty() ? null : state.podIps.get(0);
    Path podDir = podDir(pod.getMetadata().getUid());
    // The environment's and the volumes' API reads overlap instead of queueing one after another.
    Sources reads = ConcurrentReads.start(pod, container, podDir, sources);
    Map<String, String> env =
        EnvResolver.resolve(pod, container, image.env(), podIp, config.nodeIp(), reads);
    List<String> argv =
        CommandResolver.resolve(
            container.getCommand(), container.getArgs(), image.entrypoint(), image.cmd(), env);
    if (argv.isEmpty()) {
      throw new StartException("CreateContainerError", "no command specified");
    }
    SecurityContext security = container.getSecurityContext();
    Long runAsUser = security == null ? null : security.getRunAsUser();
    Long runAsGroup = security == null ? null : security.getRunAsGroup();
    if (pod.getSpec().getSecurityContext() != null) {
      if (runAsUser == null) {
        runAsUser = pod.getSpec().getSecurityContext().getRunAsUser();
      }
      if (runAsGroup == null) {
        runAsGroup = pod.getSpec().getSecurityContext().getRunAsGroup();
      }
    }
    UserSpec.Ids ids = UserSpec.resolve(image.user(), runAsUser, runAsGroup, rootfs);
    List<BindMount> mounts = new ArrayList<>();
    mounts.add(new BindMount(podDir.resolve("hosts"), "/etc/hosts", false));
    mounts.add(new BindMount(podDir.resolve("resolv.conf"), "/etc/resolv.conf", false));
    mounts.add(new BindMount(podDir.resolve("hostname"), "/etc/hostname", false));
    Path termination = podDir.resolve("termination").resolve(id);
    Files.createDirectories(termination.getParent());
    Files.writeString(termination, "");
    String terminationPath =
        container.getTerminationMessagePath() == null
                || container.getTerminationMessagePath().isEmpty()
            ? "/dev/termination-log"
            : container.getTerminationMessagePath();
    mounts.add(new BindMount(termination, terminationPath, false));
    Map<String, Path> volumes = PodVolumes.prepare(pod, podDir, reads, kernel);
    trace.mark("volumes");
    if (container.getVolumeMounts() != null) {
      for (VolumeMount mount : container.getVolumeMounts()) {
        Path source = volumes.get(mount.getName());
        if (source == null) {
          throw new StartException(
              "CreateContainerConfigError",
              "volume \"" + mount.getName() + "\" is not defined in the pod");
        }
        if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
          source = source.resolve(mount.getSubPath()).normalize();
          if (!Files.exists(source)) {
            Files.createDirectories(source);
          }
        }
        mounts.add(
            new BindMount(source, mount.getMountPath(), Boolean.TRUE.equals(mount.getReadOnly())));
      }
    }
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    String cwd =
        container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()
            ? container.getWorkingDir()
            : image.workingDir();
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    return new ContainerLaunch(
        argv,
        envList,
        cwd == null || cwd.isEmpty() ? "/" : cwd,
        ids.uid(),
        ids.gid(),
        supplementaryGroups(pod),
        pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
            ? pod.getSpec().getHostname()
            : pod.getMetadata().getName(),
        hostNetwork ? null : config.netnsDir().resolve(pod.getMetadata().getUid()),
        hostNetwork,
        security != null && Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()),
        security != null && Boolean.TRUE.equals(security.getPrivileged()),
        mounts,
        cgroupsPath(pod.getMetadata().getUid(), id),
        ResourceMapping.resources(container),
        Boolean.TRUE.equals(container.getTty()));
  }

  /**
   * The pod's fsGroup and supplementalGroups, the groups kubelet adds to every container's process
   * (so that it can use volumes owned by fsGroup).
   */
  static List<Long> supplementaryGroups(Pod pod) {
    PodSecurityContext security = pod.getSpec().getSecurityContext();
    if (security == null) {
      return List.of();
    }
    List<Long> groups = new ArrayList<>();
    if (security.getFsGroup() != null) {
      groups.add(security.getFsGroup());
    }
    if (security.getSupplementalGroups() != null) {
      for (Long group : security.getSupplementalGroups()) {
        if (group != null && !groups.contains(group)) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  /** {@code /<parent>/pod<uid>/<id>}: one cgroup per pod, one child per container. */
  public String cgroupsPath(String podUid, String id) {
    return "/" + config.cgroupParent() + "/pod" + podUid + "/" + id;
  }

  /** Removes a container completely: runtime state, rootfs mount, bundle. Idempotent. */
  public void destroy(String id) {
    cleanup(id, true);
  }

  private void cleanup(String id, boolean mounted) {
    try {
      Path rootfs = runtime.bundle(id).resolve("rootfs");
      if (mounted || kernel.isMounted(rootfs)) {
        kernel.unmount(rootfs);
      }
      runtime.remove(id);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cleanup of container %s: %s", id, e.getMessage());
    }
  }
}
