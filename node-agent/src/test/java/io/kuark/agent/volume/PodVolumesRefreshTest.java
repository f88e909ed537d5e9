package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodVolumesRefreshTest {

  /** Sources backed by maps; tokens are JWT-shaped with the given issue time and lifetime. */
  static class FakeSources implements PodVolumes.Sources {
    final Map<String, Map<String, String>> configMaps = new HashMap<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    long issuedAt = 1_000_000;
    long lifetime = 3600;

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) {
      return Optional.ofNullable(configMaps.get(namespace + "/" + name));
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) {
      return Optional.empty();
    }

    @Override
    public Map<String, Quantity> nodeAllocatable() {
      return Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"));
    }

    @Override
    public Optional<String> serviceAccountToken(Pod pod, String audience, Long expirationSeconds) {
      int n = tokenRequests.incrementAndGet();
      String claims =
          "{\"iat\":" + issuedAt + ",\"exp\":" + (issuedAt + lifetime) + ",\"n\":" + n + "}";
      return Optional.of(
          "e30."
              + Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(claims.getBytes(StandardCharsets.UTF_8))
              + ".sig");
    }
  }

  private static Pod pod(String label) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .addToLabels("app", label)
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName("cfg")
        .withNewConfigMap()
        .withName("settings")
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("api")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("token")
        .withExpirationSeconds(3600L)
        .endServiceAccountToken()
        .endSource()
        .addNewSource()
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("labels")
        .withNewFieldRef()
        .withFieldPath("metadata.labels")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewContainer()
        .withName("c")
        .endContainer()
        .endSpec()
        .build();
  }

  private static List<String> rewritten(
      Pod pod, Path podDir, PodVolumes.Sources sources, TokenRenewal tokens) {
    return PodVolumes.refresh(pod, podDir, sources, tokens).rewritten();
  }

  private static TokenRenewal at(long epochSecond) {
    return TokenRenewal.kubelet(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  @Test
  void changedSourcesReachTheVolumesAndUnchangedOnesAreLeftAlone(@TempDir Path podDir)
      throws Exception {
    FakeSources sources = new FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("a"), podDir, sources, new RecordingTmpfs());
    Path cfg = podDir.resolve("volumes/cfg");
    Path api = podDir.resolve("volumes/api");
    assertThat(Files.readString(cfg.resolve("level"))).isEqualTo("info");
    assertThat(Files.readString(api.resolve("labels"))).isEqualTo("app=\"a\"");
    assertThat(sources.tokenRequests).hasValue(1);

    // Nothing changed and the token is young: nothing rewritten, no TokenRequest.
    assertThat(rewritten(pod("a"), podDir, sources, at(1_000_060))).isEmpty();
    assertThat(sources.tokenRequests).hasValue(1);

    sources.configMaps.put("ns/settings", Map.of("level", "debug"));
    assertThat(rewritten(pod("b"), podDir, sources, at(1_000_120))).containsExactly("cfg", "api");
    assertThat(Files.readString(cfg.resolve("level"))).isEqualTo("debug");
    assertThat(Files.readString(api.resolve("labels"))).isEqualTo("app=\"b\"");
    assertThat(sources.tokenRequests).hasValue(1); // the projected volume kept its token
  }

  @Test
  void tokensAreRenewedOnce80PercentOfTheirLifetimeHasPassed(@TempDir Path podDir)
      throws Exception {
    FakeSources sources = new FakeSources();
    sources.configMaps.put("ns/settings", Map.of());
    PodVolumes.prepare(pod("a"), podDir, sources, new RecordingTmpfs());
    String first = Files.readString(podDir.resolve("volumes/api/token"));

    assertThat(rewritten(pod("a"), podDir, sources, at(1_000_000 + 2879))).isEmpty();
    assertThat(rewritten(pod("a"), podDir, sources, at(1_000_000 + 2880))).containsExactly("api");

    assertThat(sources.tokenRequests).hasValue(2);
    assertThat(Files.readString(podDir.resolve("volumes/api/token"))).isNotEqualTo(first);
  }

  @Test
  void aSourceThatCannotBeReadKeepsTheLastContent(@TempDir Path podDir) throws Exception {
    FakeSources sources = new FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("a"), podDir, sources, new RecordingTmpfs());

    sources.configMaps.clear(); // deleted while the pod runs
    PodVolumes.Refresh refresh = PodVolumes.refresh(pod("a"), podDir, sources, at(1_000_060));

    assertThat(refresh.rewritten()).doesNotContain("cfg");
    assertThat(refresh.failed())
        .containsExactly(
            Map.entry(
                "cfg",
                "MountVolume.SetUp failed for volume \"cfg\" : configmap \"settings\" not found"));
    assertThat(Files.readString(podDir.resolve("volumes/cfg/level"))).isEqualTo("info");
  }

  @Test
  void volumesNoContainerWroteYetAreLeftToTheStart(@TempDir Path podDir) throws Exception {
    FakeSources sources = new FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));

    assertThat(rewritten(pod("a"), podDir, sources, at(1_000_060))).isEmpty();

    assertThat(podDir.resolve("volumes/cfg")).doesNotExist();
    assertThat(sources.tokenRequests).hasValue(0);
  }

  @Test
  void aVolumeThatCannotBeWrittenIsLeftForTheNextStart(@TempDir Path podDir) throws Exception {
    FakeSources sources = new FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    Pod pod = pod("a");
    pod.getSpec()
        .getVolumes()
        .get(0)
        .getConfigMap()
        .setItems(
            List.of(new io.fabric8.kubernetes.api.model.KeyToPath("level", null, "../escape")));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PodVolumes.prepare(pod, podDir, sources, new RecordingTmpfs()))
        .isInstanceOf(PodVolumes.VolumeException.class);

    assertThat(podDir.resolve("volumes/cfg")).doesNotExist();
    assertThat(podDir.resolve("volumes/escape")).doesNotExist();
  }

  @Test
  void warnAfterSetsTheLifetimeOfExtendedTokens() {
    String claims = "{\"iat\":100,\"exp\":31536100,\"kubernetes.io\":{\"warnafter\":3707}}";
    String token =
        "e30."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8))
            + ".sig";
    assertThat(at(100 + 2884).due(token)).isFalse();
    assertThat(at(100 + 2885).due(token)).isTrue(); // 80 % of 3607 s, not of the year
    assertThat(at(0).due("not a token")).isTrue();
  }

  @Test
  void volumeFilesAreTheSourcesExactBytes(@TempDir Path podDir) throws Exception {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    FakeSources sources =
        new FakeSources() {
          @Override
          public Optional<Map<String, byte[]>> configMapFiles(String namespace, String name) {
            return Optional.of(Map.of("blob", all));
          }
        };
    PodVolumes.prepare(pod("a"), podDir, sources, new RecordingTmpfs());

    assertThat(Files.readAllBytes(podDir.resolve("volumes/cfg/blob"))).isEqualTo(all);
  }

  @Test
  void aFirstWriteThatFailsForAnyReasonLeavesNoDirectory(@TempDir Path podDir) {
    FakeSources sources =
        new FakeSources() {
          @Override
          public Optional<Map<String, byte[]>> configMapFiles(String namespace, String name) {
            throw new IllegalStateException("connection refused");
          }
        };

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PodVolumes.prepare(pod("a"), podDir, sources, new RecordingTmpfs()))
        .hasMessage("connection refused");

    // Left behind, the directory would count as written and the container would start without it.
    assertThat(podDir.resolve("volumes/cfg")).doesNotExist();
  }
}
