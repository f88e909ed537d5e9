package io.kuark.agent.image.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.Digests;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.pod.ContainerStarter;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.testing.DemoImage;
import io.kuark.agent.testing.RuncHost;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

  private RuncHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new RuncHost("kuark-gc-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (host != null) {
      host.close();
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
    Path archive = host.dir.resolve("spare.tar");
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
    host.start(
        id,
        image,
        List.of("sh", "-c", "echo done"),
        new ContainerStarter.BundleMeta("uid-1", "default", "p", "c", image.configDigest()),
        host.dir.resolve("logs/" + id + "/0.log"));
  }

  @Test
  void theUnusedImportedImageIsRemovedAndTheOneAContainerRanFromStays() throws Exception {
    ArchiveImporter importer = new ArchiveImporter(host.store, host.dir.resolve("tmp"));
    ImageRecord demo = importer.importArchive(DemoImage.archive()).get(0);
    ImageRecord spare = importer.importArchive(dockerArchive("example.test/spare:1")).get(0);
    assertThat(host.store.list()).hasSize(2);
    runContainer("c1", demo);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c1").state() == ContainerStatus.State.EXITED);

    // An image fs of which the host.store's content is 90%: above the 85% high threshold.
    long content = sizeOf(host.dir.resolve("content"));
    DirUsageSource fs =
        new DirUsageSource(host.dir.resolve("content"), content * 100 / 90, 1_000_000);
    assertThat(fs.usagePercent()).isGreaterThanOrEqualTo(85);
    ImageGarbageCollector gc =
        new ImageGarbageCollector(
            host.store,
            new ContainerImagesInUse(host.runtime, List::of, host.store),
            fs,
            host.dir.resolve("content"),
            new ImageGcPolicy(85, 80, Duration.ZERO),
            Clock.systemUTC());

    ImageGarbageCollector.Result result = gc.garbageCollect();

    assertThat(result.removed()).containsExactly(spare.imageId());
    assertThat(host.store.list()).extracting(ImageRecord::imageId).containsExactly(demo.imageId());
    assertThat(host.store.find("example.test/spare:1")).isEmpty();
    assertThat(host.store.blobs().contains(spare.configDigest())).isFalse();
    assertThat(host.store.layerDir(spare.diffIds().get(0))).doesNotExist();
    assertThat(fs.usagePercent()).isLessThanOrEqualTo(80);
    // The exited container's image is intact: it can run again from it.
    host.runtime.stop("c1", Duration.ZERO);
    host.kernel.unmount(host.runtime.bundle("c1").resolve("rootfs"));
    host.runtime.remove("c1");
    runContainer("c2", demo);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> host.runtime.status("c2").state() == ContainerStatus.State.EXITED);
    assertThat(host.runtime.status("c2").exitCode()).isZero();
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
