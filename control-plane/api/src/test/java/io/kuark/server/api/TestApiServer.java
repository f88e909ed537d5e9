package io.kuark.server.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.server.api.crd.CustomResourceDefinitions;
import io.kuark.server.api.model.ApiModelAdmission;
import io.kuark.server.api.model.ApiModelTables;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.auth.pki.ClusterPki;
import io.kuark.server.auth.pki.Kubeconfig;
import io.kuark.server.auth.pki.ServingNames;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.sqlite.SqliteStorage;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An in-process API server on a temporary SQLite store, with an admin kubeconfig. Everything it
 * creates (temp dir, Vert.x, storage) is removed by {@link #close}, or at once if starting fails.
 */
final class TestApiServer implements AutoCloseable {

  final Path dir;
  final Vertx vertx;
  final Storage storage;
  final ClusterPki pki;
  final CustomResourceDefinitions crds;
  final ApiServer server;
  final Path kubeconfig;

  TestApiServer() {
    this(java.util.function.UnaryOperator.identity());
  }

  /** With the opened storage wrapped by {@code wrap} (e.g. encryption at rest). */
  TestApiServer(java.util.function.UnaryOperator<Storage> wrap) {
    this(wrap, null);
  }

  /** With {@code --admission-control-config-file} (null for none). */
  TestApiServer(java.util.function.UnaryOperator<Storage> wrap, Path admissionConfigFile) {
    try {
      dir = Files.createTempDirectory("kuark-api-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Storage opened = null;
    try {
      opened = wrap.apply(SqliteStorage.open(dir.resolve("state.db")));
      storage = opened;
      pki =
          ClusterPki.loadOrCreate(
              dir.resolve("tls"), ServingNames.forThisHost("10.43.0.1", List.of()));
      ResourceCatalog catalog = ResourceCatalog.builtIns();
      crds = new CustomResourceDefinitions(catalog);
      server =
          ApiServer.start(
              new ApiServerSetup(
                  vertx,
                  storage,
                  catalog,
                  pki,
                  loopbackConfig(true),
                  new ApiModelAdmission(crds::schema),
                  new ApiModelTables(crds),
                  OpenApiSource.NONE,
                  crds,
                  null,
                  admissionConfigFile));
      kubeconfig = dir.resolve("kubeconfig.yaml");
      Kubeconfig.write(kubeconfig, url(), pki.ca().certificate(), pki.admin());
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().join();
      deleteDir();
      throw e;
    }
  }

  /** Any free port on 127.0.0.1, the default service CIDR, anonymous health reads as given. */
  static ApiServerConfig loopbackConfig(boolean anonymousAuth) {
    return new ApiServerConfig("127.0.0.1", 0, "10.43.0.0/16", "127.0.0.1", null, anonymousAuth);
  }

  /**
   * A second server on this one's Vert.x, storage and certificates, with built-in resources only
   * and no admission, OpenAPI or token file (e.g. a restarted server, or other network settings).
   */
  ApiServerSetup bareSetup(ApiServerConfig config) {
    ResourceCatalog builtIns = ResourceCatalog.builtIns();
    return new ApiServerSetup(
        vertx,
        storage,
        builtIns,
        pki,
        config,
        io.kuark.server.api.strategy.ObjectAdmission.NONE,
        new io.kuark.server.api.handler.DefaultTableConverter(),
        OpenApiSource.NONE,
        new CustomResourceDefinitions(builtIns),
        null,
        null);
  }

  String url() {
    return "https://127.0.0.1:" + server.port();
  }

  KubernetesClient client() {
    Config config = Config.fromKubeconfig(readKubeconfig());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Creates the {@code default} ServiceAccount of {@code namespace}: ServiceAccount admission wants
   * a pod's service account to exist, and no controller makes it in an API-only server.
   */
  void createDefaultServiceAccount(String namespace) {
    try (KubernetesClient client = client()) {
      client
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .endMetadata()
                  .build())
          .createOr(existing -> existing.update());
    }
  }

  String readKubeconfig() {
    try {
      return Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      storage.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    } finally {
      deleteDir();
    }
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
