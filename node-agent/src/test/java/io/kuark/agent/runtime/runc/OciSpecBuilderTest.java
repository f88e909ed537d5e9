package io.kuark.agent.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerLaunch.BindMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciSpecBuilderTest {

  private static ContainerLaunch launch(
      boolean hostNetwork, boolean privileged, ContainerLaunch.Resources resources) {
    return new ContainerLaunch(
        List.of("httpd", "-f"),
        List.of("PATH=/bin", "A=b"),
        "/www",
        1000,
        2000,
        List.of(3000L, 4000L),
        "web-0",
        hostNetwork ? null : Path.of("/run/kuark/netns/uid-1"),
        hostNetwork,
        true,
        privileged,
        List.of(
            new BindMount(Path.of("/pods/uid-1/hosts"), "/etc/hosts", false),
            new BindMount(Path.of("/data"), "/data", true)),
        "/kuark/poduid-1/c1",
        resources,
        false);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  @Test
  void aTtyContainerGetsATerminalWithTheDefaultSize() {
    ContainerLaunch plain = launch(false, false, ContainerLaunch.Resources.NONE);
    ContainerLaunch tty =
        new ContainerLaunch(
            plain.args(),
            plain.env(),
            plain.cwd(),
            plain.uid(),
            plain.gid(),
            plain.additionalGids(),
            plain.hostname(),
            plain.netnsPath(),
            plain.hostNetwork(),
            plain.readOnlyRootfs(),
            plain.privileged(),
            plain.mounts(),
            plain.cgroupsPath(),
            plain.resources(),
            true);
    JsonNode process = new OciSpecBuilder().build(tty, "rootfs").path("process");
    assertThat(process.path("terminal").asBoolean()).isTrue();
    assertThat(process.path("consoleSize").path("width").asInt()).isEqualTo(80);
    assertThat(process.path("consoleSize").path("height").asInt()).isEqualTo(24);
    assertThat(new OciSpecBuilder().build(plain, "rootfs").path("process").has("consoleSize"))
        .isFalse();
  }

  @Test
  void describesProcessRootAndHostname() {
    ObjectNode spec =
        new OciSpecBuilder().build(launch(false, false, ContainerLaunch.Resources.NONE), "rootfs");
    JsonNode process = spec.path("process");
    assertThat(process.path("terminal").asBoolean()).isFalse();
    assertThat(texts(process.path("args"))).containsExactly("httpd", "-f");
    assertThat(texts(process.path("env"))).containsExactly("PATH=/bin", "A=b");
    assertThat(process.path("cwd").asText()).isEqualTo("/www");
    assertThat(process.path("user").path("uid").asInt()).isEqualTo(1000);
    assertThat(process.path("user").path("gid").asInt()).isEqualTo(2000);
    assertThat(texts(process.path("user").path("additionalGids"))).containsExactly("3000", "4000");
    assertThat(process.has("oomScoreAdj")).isFalse();
    assertThat(process.has("rlimits")).isFalse();
    assertThat(texts(process.path("capabilities").path("bounding")))
        .contains("CAP_NET_BIND_SERVICE")
        .doesNotContain("CAP_SYS_ADMIN");
    assertThat(spec.path("root").path("path").asText()).isEqualTo("rootfs");
    assertThat(spec.path("root").path("readonly").asBoolean()).isTrue();
    assertThat(spec.path("hostname").asText()).isEqualTo("web-0");
  }

  @Test
  void joinsThePodNetnsAndGetsNewPidAndMountNamespaces() {
    JsonNode namespaces =
        new OciSpecBuilder()
            .build(launch(false, false, ContainerLaunch.Resources.NONE), "rootfs")
            .path("linux")
            .path("namespaces");
    List<String> types = new ArrayList<>();
    namespaces.forEach(
        n ->
            types.add(
                n.path("type").asText() + (n.has("path") ? "@" + n.path("path").asText() : "")));
    assertThat(types)
        .containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network@/run/kuark/netns/uid-1");
  }

  @Test
  void hostNetworkHasNoNetworkNamespace() {
    JsonNode namespaces =
        new OciSpecBuilder()
            .build(launch(true, false, ContainerLaunch.Resources.NONE), "rootfs")
            .path("linux")
            .path("namespaces");
    namespaces.forEach(n -> assertThat(n.path("type").asText()).isNotEqualTo("network"));
  }

  @Test
  void mountsStandardFilesystemsAndPodFiles() {
    JsonNode mounts =
        new OciSpecBuilder()
            .build(launch(false, false, ContainerLaunch.Resources.NONE), "rootfs")
            .path("mounts");
    List<String> destinations = new ArrayList<>();
    mounts.forEach(m -> destinations.add(m.path("destination").asText()));
    assertThat(destinations)
        .contains("/proc", "/dev", "/sys", "/dev/pts", "/dev/shm", "/etc/hosts", "/data");
    mounts.forEach(
        m -> {
          if (m.path("destination").asText().equals("/data")) {
            assertThat(texts(m.path("options"))).contains("rbind", "ro");
            assertThat(m.path("source").asText()).isEqualTo("/data");
          }
        });
  }

  @Test
  void setsCgroupPathAndLimits() {
    JsonNode linux =
        new OciSpecBuilder()
            .build(
                launch(
                    false,
                    false,
                    new ContainerLaunch.Resources(128L << 20, 256L, 50_000L, 100_000L)),
                "rootfs")
            .path("linux");
    assertThat(linux.path("cgroupsPath").asText()).isEqualTo("/kuark/poduid-1/c1");
    assertThat(linux.path("resources").path("memory").path("limit").asLong()).isEqualTo(128L << 20);
    assertThat(linux.path("resources").path("cpu").path("shares").asLong()).isEqualTo(256);
    assertThat(linux.path("resources").path("cpu").path("quota").asLong()).isEqualTo(50_000);
    assertThat(linux.path("resources").path("cpu").path("period").asLong()).isEqualTo(100_000);
    assertThat(linux.path("maskedPaths").size()).isPositive();
  }

  @Test
  void privilegedGetsAllCapabilitiesAndNoMaskedPaths() {
    ObjectNode spec =
        new OciSpecBuilder().build(launch(false, true, ContainerLaunch.Resources.NONE), "rootfs");
    assertThat(texts(spec.path("process").path("capabilities").path("bounding")))
        .contains("CAP_SYS_ADMIN", "CAP_NET_ADMIN");
    assertThat(spec.path("linux").has("maskedPaths")).isFalse();
  }
}
