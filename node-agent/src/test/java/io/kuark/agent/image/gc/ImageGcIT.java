package io.kuark.agent.image.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.Digests;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.linux.LinuxFfiHostKernel;
import io.kuark.agent.pod.ContainerStarter;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.runtime.runc.OciSpecBuilder;
import io.kuark.agent.runtime.runc.RuncRuntime;
import io.kuark.agent.testing.DemoImage;
import io.kuark.linux.Linux;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two imported images, a real (exited) runc container from one of them, and a GC round over an
 * image file system past its high threshold: the unused image and its content go, the one the
 * container was created from stays.
 */
class ImageGcIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private HostKernel kernel;
  private ImageStore store;
  private RuncRuntime runtime;
  private final String cgroupParent = "kuark-gc-it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-image-gc-it");
    kernel = new LinuxFfiHostKernel(Linux.get(), cidr -> {});
    store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    runtime =
        new RuncRuntime(
            "runc",
            dir.resolve("runc"),
            dir.resolve("containers"),
            new LogCopiers(Clock.systemUTC()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String id : runtime == null ? List.<String>of() : runtime.list()) {
      runtime.stop(id, Duration.ZERO);
      kernel.unmount(runtime.bundle(id).resolve("rootfs"));
      runtime.remove(id);
    }
    for (String controller :
        new String[] {
          "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset", "systemd",
          "unified"
        }) {
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, cgroupParent));
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A docker-archive (as {@code docker save} writes) of a one-layer image with a 200 KB file. */
  private Path dockerArchive(String tag) throws Exception {
    byte[] layer = TestImages.layer("payload.bin", 200_000);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64").put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/payload.bin");
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(Digests.of(layer));
    byte[] configBytes = JSON.writeValueAsBytes(config);
    String configName = Digests.hex(Digests.of(configBytes)) + ".json";
    com.fasterxml.jackson.databind.node.ArrayNode manifests = JSON.createArrayNode();
    ObjectNode entry = manifests.addObject();
    entry.put("Config", configName);
    entry.putArray("RepoTags").add(tag);
    entry.putArray("Layers").add("l0/layer.tar");
    byte[] manifest = JSON.writeValueAsBytes(manifests);
    Path archive = dir.resolve("spare.tar");
    try (OutputStream out = Files.newOutputStream(archive);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Object[] file :
          new Object[][] {
            {"manifest.json", manifest}, {configName, configBytes}, {"l0/layer.tar", layer}
          }) {
        byte[] bytes = (byte[]) file[1];
        TarArchiveEntry e = new TarArchiveEntry((String) file[0]);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return archive;
  }

  /** Creates and runs container {@code id} from {@code image} as the container starter does. */
  private void runContainer(String id, ImageRecord image) throws Exception {
    Path bundle = runtime.bundle(id);
    Files.createDirectories(bundle);
    JSON.writeValue(
        bundle.resolve("kuark.json").toFile(),
        new ContainerStarter.BundleMeta("uid-1", "default", "p", "c", image.configDigest()));
    kernel.mountOverlay(
        store.layerDirsTopFirst(image),
        bundle.resolve("upper"),
        bundle.resolve("work"),
        bundle.resolve("rootfs"));
    ContainerLaunch launch =
        new ContainerLaunch(
            List.of("sh", "-c", "echo done"),
            List.of("PATH=/bin"),
            "/",
            0,
            0,
            "p",
            null,
            false,
            false,
            false,
            List.of(),
            "/" + cgroupParent + "/" + id,
            ContainerLaunch.Resources.NONE,
            false);
    JSON.writeValue(
        bundle.resolve("config.json").toFile(), new OciSpecBuilder().build(launch, "rootfs"));
    runtime.start(id, bundle, dir.resolve("logs/" + id + "/0.log"));
  }

  @Test
  void theUnusedImportedImageIsRemovedAndTheOneAContainerRanFromStays() throws Exception {
    ArchiveImporter importer = new ArchiveImporter(store, dir.resolve("tmp"));
    ImageRecord demo = importer.importArchive(DemoImage.archive()).get(0);
    ImageRecord spare = importer.importArchive(dockerArchive("example.test/spare:1")).get(0);
    assertThat(store.list()).hasSize(2);
    runContainer("c1", demo);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c1").state() == ContainerStatus.State.EXITED);

    // An image fs of which the store's content is 90%: above the 85% high threshold.
    long content = sizeOf(dir.resolve("content"));
    DirUsageSource fs = new DirUsageSource(dir.resolve("content"), content * 100 / 90, 1_000_000);
    assertThat(fs.usagePercent()).isGreaterThanOrEqualTo(85);
    ImageGarbageCollector gc =
        new ImageGarbageCollector(
            store,
            new ContainerImagesInUse(runtime, List::of, store),
            fs,
            dir.resolve("content"),
            new ImageGcPolicy(85, 80, Duration.ZERO),
            Clock.systemUTC());

    ImageGarbageCollector.Result result = gc.garbageCollect();

    assertThat(result.removed()).containsExactly(spare.imageId());
    assertThat(store.list()).extracting(ImageRecord::imageId).containsExactly(demo.imageId());
    assertThat(store.find("example.test/spare:1")).isEmpty();
    assertThat(store.blobs().contains(spare.configDigest())).isFalse();
    assertThat(store.layerDir(spare.diffIds().get(0))).doesNotExist();
    assertThat(fs.usagePercent()).isLessThanOrEqualTo(80);
    // The exited container's image is intact: it can run again from it.
    runtime.stop("c1", Duration.ZERO);
    kernel.unmount(runtime.bundle("c1").resolve("rootfs"));
    runtime.remove("c1");
    runContainer("c2", demo);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.status("c2").state() == ContainerStatus.State.EXITED);
    assertThat(runtime.status("c2").exitCode()).isZero();
  }

  private static long sizeOf(Path root) throws Exception {
    try (var files = Files.walk(root)) {
      long total = 0;
      for (Path p : files.toList()) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          total += Files.size(p);
        }
      }
      return total;
    }
  }
}
