package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.Discovery;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApiextensionsV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionNames;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionSpec;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionVersion;
import io.kubernetes.client.openapi.models.V1CustomResourceValidation;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentCondition;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStatus;
import io.kubernetes.client.openapi.models.V1JSONSchemaProps;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.openapi.models.V1ScaleSpec;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.openapi.models.V1StatusCause;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official Kubernetes Java client ({@code io.kubernetes:client-java}) against a real
 * kuark-server on the embedded store, used the way its users use it: an {@link ApiClient} from the
 * admin kubeconfig, the typed APIs, {@link PatchUtils} with every patch type, subresources, {@link
 * Watch}, informers, discovery and the generic API on a custom resource. {@link
 * OfficialJavaClientEtcdIT} runs the same against etcd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialJavaClientIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A scheduler that does not exist: pods that name it stay unscheduled and untouched. */
  private static final String UNSCHEDULED = "e2e-no-such-scheduler";

  private KuarkProcesses processes;
  private ApiClient client;
  private CoreV1Api core;
  private AppsV1Api apps;

  /** Storage flags of the server under test. */
  protected List<String> storageFlags(KuarkProcesses processes) throws InterruptedException {
    return List.of("--storage", "embedded");
  }

  @BeforeAll
  void startServer() throws Exception {
    processes = new KuarkProcesses(getClass().getSimpleName());
    KuarkProcesses.Server server = processes.startServer(storageFlags(processes));
    try (Reader reader = Files.newBufferedReader(server.kubeconfig())) {
      client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
    }
    // Watches and informers hold their connection open longer than okhttp's default 10 s read
    // timeout; client-java's own examples lift it the same way.
    client.setHttpClient(
        client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
    core = new CoreV1Api(client);
    apps = new AppsV1Api(client);
  }

  @AfterAll
  void stopServer() throws Exception {
    if (processes != null) {
      processes.close();
    }
  }

  private String namespace(String name) throws ApiException {
    V1Namespace created =
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name))).execute();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    // Pods need the namespace's default ServiceAccount, which a controller adds a moment later
    // (upstream too: admission answers 403 until then).
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> core.readNamespacedServiceAccount("default", name).execute() != null);
    return name;
  }

  private static V1ConfigMap configMap(String name, Map<String, String> labels, String value) {
    return new V1ConfigMap()
        .metadata(new V1ObjectMeta().name(name).labels(labels))
        .data(Map.of("value", value));
  }

  /** GET of a path with the client's own TLS connection and credentials, as JSON. */
  private JsonObject rawGet(String path) throws IOException {
    Request request = new Request.Builder().url(client.getBasePath() + path).get().build();
    try (Response response = client.getHttpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return JsonParser.parseString(response.body().string()).getAsJsonObject();
    }
  }

  private V1Status status(ApiException e) {
    return client.getJSON().deserialize(e.getResponseBody(), V1Status.class);
  }

  @Test
  void kubeconfigClientTalksTlsWithClientCertificates() throws Exception {
    assertThat(client.getBasePath()).startsWith("https://127.0.0.1:");
    V1Namespace system = core.readNamespace("kube-system").execute();
    assertThat(system.getMetadata().getName()).isEqualTo("kube-system");
    assertThat(system.getMetadata().getCreationTimestamp()).isNotNull();
    assertThat(system.getStatus().getPhase()).isEqualTo("Active");
  }

  @Test
  void configMapCrudAndConflict() throws Exception {
    String ns = namespace("jc-crud");
    V1ConfigMap created =
        core.createNamespacedConfigMap(ns, configMap("settings", Map.of("app", "a"), "1"))
            .execute();
    assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotNull();

    V1ConfigMap read = core.readNamespacedConfigMap("settings", ns).execute();
    assertThat(read.getData()).containsEntry("value", "1");

    read.getData().put("value", "2");
    V1ConfigMap replaced = core.replaceNamespacedConfigMap("settings", ns, read).execute();
    assertThat(replaced.getData()).containsEntry("value", "2");
    assertThat(replaced.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());

    // The object read first is now stale: the client must see 409 with a Conflict Status.
    created.getData().put("value", "stale");
    ApiException conflict =
        catchThrowableOfType(
            ApiException.class,
            () -> core.replaceNamespacedConfigMap("settings", ns, created).execute());
    assertThat(conflict.getCode()).isEqualTo(409);
    V1Status conflictStatus = status(conflict);
    assertThat(conflictStatus.getReason()).isEqualTo("Conflict");
    assertThat(conflictStatus.getCode()).isEqualTo(409);
    assertThat(conflictStatus.getDetails().getName()).isEqualTo("settings");

    // client-java writes times with microseconds; stored times stay upstream's RFC 3339 seconds.
    assertThat(
            rawGet("/api/v1/namespaces/" + ns + "/configmaps/settings")
                .getAsJsonObject("metadata")
                .get("creationTimestamp")
                .getAsString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

    V1Status deleted = core.deleteNamespacedConfigMap("settings", ns).execute();
    assertThat(deleted).isNotNull();
    ApiException notFound =
        catchThrowableOfType(
            ApiException.class, () -> core.readNamespacedConfigMap("settings", ns).execute());
    assertThat(notFound.getCode()).isEqualTo(404);
    V1Status notFoundStatus = status(notFound);
    assertThat(notFoundStatus.getReason()).isEqualTo("NotFound");
    assertThat(notFoundStatus.getDetails().getKind()).isEqualTo("configmaps");
    assertThat(notFoundStatus.getMessage()).contains("\"settings\" not found");
  }

  @Test
  void invalidObjectIs422WithCauses() throws Exception {
    String ns = namespace("jc-invalid");
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("Bad_Name"))
            .spec(new V1PodSpec().containers(List.of(new V1Container().name("c"))));
    ApiException invalid =
        catchThrowableOfType(ApiException.class, () -> core.createNamespacedPod(ns, pod).execute());
    assertThat(invalid.getCode()).isEqualTo(422);
    V1Status status = status(invalid);
    assertThat(status.getReason()).isEqualTo("Invalid");
    assertThat(status.getDetails().getKind()).isEqualTo("Pod");
    assertThat(status.getDetails().getCauses())
        .extracting(V1StatusCause::getField)
        .contains("metadata.name", "spec.containers[0].image");
  }

  @Test
  void podLifecycle() throws Exception {
    String ns = namespace("jc-pod");
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("web").labels(Map.of("app", "web")))
            .spec(
                new V1PodSpec()
                    // No scheduler of that name: nothing else writes the pod (a FailedScheduling
                    // status) between the test's read and its replace, which would be a 409.
                    .schedulerName(UNSCHEDULED)
                    .containers(List.of(new V1Container().name("main").image("busybox"))));
    V1Pod created = core.createNamespacedPod(ns, pod).execute();
    // Upstream's defaults come back typed.
    assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");
    assertThat(created.getSpec().getDnsPolicy()).isEqualTo("ClusterFirst");
    assertThat(created.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(created.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");

    V1Pod read = core.readNamespacedPod("web", ns).execute();
    read.getMetadata().putAnnotationsItem("note", "x");
    V1Pod replaced = core.replaceNamespacedPod("web", ns, read).execute();
    assertThat(replaced.getMetadata().getAnnotations()).containsEntry("note", "x");

    // A status write as a kubelet would make it.
    replaced
        .getStatus()
        .addConditionsItem(
            new V1PodCondition()
                .type("e2e.kuark.io/Checked")
                .status("True")
                .lastTransitionTime(OffsetDateTime.parse("2026-01-02T03:04:05Z")));
    V1Pod withStatus = core.replaceNamespacedPodStatus("web", ns, replaced).execute();
    assertThat(withStatus.getStatus().getConditions())
        .extracting(V1PodCondition::getType)
        .contains("e2e.kuark.io/Checked");

    assertThat(
            core.listNamespacedPod(ns).fieldSelector("status.phase=Pending").execute().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("web");

    V1Pod deleting = core.deleteNamespacedPod("web", ns).gracePeriodSeconds(0).execute();
    assertThat(deleting.getMetadata().getName()).isEqualTo("web");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        catchThrowableOfType(
                                ApiException.class,
                                () -> core.readNamespacedPod("web", ns).execute())
                            .getCode())
                    .isEqualTo(404));
  }

  @Test
  void listWithSelectorsLimitAndContinue() throws Exception {
    String ns = namespace("jc-list");
    for (int i = 0; i < 5; i++) {
      String tier = i % 2 == 0 ? "even" : "odd";
      core.createNamespacedConfigMap(ns, configMap("cm-" + i, Map.of("tier", tier), "" + i))
          .execute();
    }

    assertThat(core.listNamespacedConfigMap(ns).labelSelector("tier=even").execute().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder("cm-0", "cm-2", "cm-4");
    assertThat(
            core.listNamespacedConfigMap(ns)
                .labelSelector("tier in (odd),tier!=even")
                .fieldSelector("metadata.name=cm-3")
                .execute()
                .getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("cm-3");

    // Every namespace also gets kube-root-ca.crt, from a controller.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(core.readNamespacedConfigMap("kube-root-ca.crt", ns).execute())
                    .isNotNull());
    assertThat(pageNames(ns, null, 6))
        .containsExactly(
            List.of("cm-0", "cm-1"), List.of("cm-2", "cm-3"), List.of("cm-4", "kube-root-ca.crt"));
    assertThat(pageNames(ns, "tier", 5))
        .containsExactly(List.of("cm-0", "cm-1"), List.of("cm-2", "cm-3"), List.of("cm-4"));
  }

  /**
   * Names of each page of two, following continue tokens as client-java's users do, of a list of
   * {@code total} objects.
   */
  private List<List<String>> pageNames(String ns, String labelSelector, int total)
      throws ApiException {
    List<List<String>> pages = new ArrayList<>();
    String token = null;
    do {
      V1ConfigMapList page =
          core.listNamespacedConfigMap(ns)
              .labelSelector(labelSelector)
              .limit(2)
              ._continue(token)
              .execute();
      pages.add(page.getItems().stream().map(c -> c.getMetadata().getName()).toList());
      token = page.getMetadata().getContinue();
      boolean more = token != null && !token.isEmpty();
      // As upstream: the count of what is left comes only with unfiltered lists.
      if (more && labelSelector == null) {
        assertThat(page.getMetadata().getRemainingItemCount())
            .isEqualTo((long) total - 2 * pages.size());
      } else {
        assertThat(page.getMetadata().getRemainingItemCount()).isNull();
      }
    } while (token != null && !token.isEmpty());
    return pages;
  }

  @Test
  void deleteCollectionBySelector() throws Exception {
    String ns = namespace("jc-delcol");
    for (String name : List.of("gone-1", "gone-2", "stays")) {
      Map<String, String> labels = Map.of("fate", name.startsWith("gone") ? "gone" : "stays");
      core.createNamespacedConfigMap(ns, configMap(name, labels, name)).execute();
    }
    core.deleteCollectionNamespacedConfigMap(ns).labelSelector("fate=gone").execute();
    assertThat(core.listNamespacedConfigMap(ns).labelSelector("fate").execute().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("stays");
  }

  @Test
  void patchesOfEveryContentType() throws Exception {
    String ns = namespace("jc-patch");
    core.createNamespacedConfigMap(ns, configMap("target", Map.of("app", "p"), "0")).execute();

    V1ConfigMap jsonPatched =
        PatchUtils.patch(
            V1ConfigMap.class,
            () ->
                core.patchNamespacedConfigMap(
                        "target",
                        ns,
                        new V1Patch(
                            "[{\"op\":\"replace\",\"path\":\"/data/value\",\"value\":\"1\"}]"))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_PATCH,
            client);
    assertThat(jsonPatched.getData()).containsEntry("value", "1");

    V1ConfigMap mergePatched =
        PatchUtils.patch(
            V1ConfigMap.class,
            () ->
                core.patchNamespacedConfigMap(
                        "target", ns, new V1Patch("{\"data\":{\"merged\":\"yes\",\"value\":null}}"))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            client);
    assertThat(mergePatched.getData()).containsExactly(Map.entry("merged", "yes"));

    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("two"))
            .spec(
                new V1PodSpec()
                    .containers(
                        List.of(
                            new V1Container().name("a").image("busybox"),
                            new V1Container().name("b").image("busybox"))));
    core.createNamespacedPod(ns, pod).execute();
    // Containers merge by name: only "b" changes, "a" stays.
    V1Pod strategic =
        PatchUtils.patch(
            V1Pod.class,
            () ->
                core.patchNamespacedPod(
                        "two",
                        ns,
                        new V1Patch(
                            "{\"metadata\":{\"labels\":{\"s\":\"1\"}},"
                                + "\"spec\":{\"activeDeadlineSeconds\":600,"
                                + "\"containers\":[{\"name\":\"b\",\"image\":\"busybox:1.36\"}]}}"))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
            client);
    assertThat(strategic.getSpec().getContainers())
        .extracting(V1Container::getName, V1Container::getImage)
        .containsExactly(tuple("a", "busybox"), tuple("b", "busybox:1.36"));
    assertThat(strategic.getMetadata().getLabels()).containsEntry("s", "1");

    String applied =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: applied
          namespace: %s
        data:
          owner: %s
        """;
    V1ConfigMap first =
        PatchUtils.patch(
            V1ConfigMap.class,
            () ->
                core.patchNamespacedConfigMap(
                        "applied", ns, new V1Patch(applied.formatted(ns, "alice")))
                    .fieldManager("alice")
                    .force(true)
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_APPLY_YAML,
            client);
    assertThat(first.getData()).containsEntry("owner", "alice");
    // client-java (since 22.0.0) drops managedFields when it decodes; read them raw.
    JsonObject raw = rawGet("/api/v1/namespaces/" + ns + "/configmaps/applied");
    JsonObject entry =
        raw.getAsJsonObject("metadata").getAsJsonArray("managedFields").get(0).getAsJsonObject();
    assertThat(entry.get("manager").getAsString()).isEqualTo("alice");
    assertThat(entry.get("operation").getAsString()).isEqualTo("Apply");

    ApiException conflict =
        catchThrowableOfType(
            ApiException.class,
            () ->
                PatchUtils.patch(
                    V1ConfigMap.class,
                    () ->
                        core.patchNamespacedConfigMap(
                                "applied", ns, new V1Patch(applied.formatted(ns, "bob")))
                            .fieldManager("bob")
                            .buildCall(null),
                    V1Patch.PATCH_FORMAT_APPLY_YAML,
                    client));
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(status(conflict).getDetails().getCauses())
        .extracting(V1StatusCause::getField)
        .contains(".data.owner");

    V1ConfigMap forced =
        PatchUtils.patch(
            V1ConfigMap.class,
            () ->
                core.patchNamespacedConfigMap(
                        "applied", ns, new V1Patch(applied.formatted(ns, "bob")))
                    .fieldManager("bob")
                    .force(true)
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_APPLY_YAML,
            client);
    assertThat(forced.getData()).containsEntry("owner", "bob");

    // Applying a typed model as client-java serializes it (every empty list included), then a
    // read-modify-write of the same pod.
    V1Pod typed =
        new V1Pod()
            .apiVersion("v1")
            .kind("Pod")
            .metadata(new V1ObjectMeta().name("typed").namespace(ns))
            .spec(
                new V1PodSpec()
                    .schedulerName(UNSCHEDULED)
                    .containers(List.of(new V1Container().name("main").image("busybox"))));
    PatchUtils.patch(
        V1Pod.class,
        () ->
            core.patchNamespacedPod("typed", ns, new V1Patch(client.getJSON().serialize(typed)))
                .fieldManager("typed-apply")
                .force(true)
                .buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML,
        client);
    JsonObject container =
        rawGet("/api/v1/namespaces/" + ns + "/pods/typed")
            .getAsJsonObject("spec")
            .getAsJsonArray("containers")
            .get(0)
            .getAsJsonObject();
    assertThat(container.has("args")).isFalse();
    V1Pod typedRead = core.readNamespacedPod("typed", ns).execute();
    typedRead.getMetadata().putLabelsItem("edited", "yes");
    assertThat(
            core.replaceNamespacedPod("typed", ns, typedRead).execute().getMetadata().getLabels())
        .containsEntry("edited", "yes");
  }

  private static V1Deployment deployment(String name) {
    Map<String, String> labels = Map.of("app", name);
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name).labels(labels))
        .spec(
            new V1DeploymentSpec()
                .replicas(1)
                .selector(new V1LabelSelector().matchLabels(labels))
                .template(
                    new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(labels))
                        .spec(
                            new V1PodSpec()
                                .containers(
                                    List.of(new V1Container().name("main").image("busybox"))))));
  }

  @Test
  void deploymentCrudStatusAndScale() throws Exception {
    String ns = namespace("jc-deploy");
    V1Deployment created = apps.createNamespacedDeployment(ns, deployment("web")).execute();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    // IntOrString defaults (25%) must come back parseable.
    assertThat(created.getSpec().getStrategy().getRollingUpdate().getMaxSurge().toString())
        .isEqualTo("25%");

    // client-java sends every empty list of its models back: a read-modify-write that changes
    // nothing is no change of the spec (no new generation, no rollout).
    V1Deployment unchanged =
        retryOnConflict(
            () ->
                apps.replaceNamespacedDeployment(
                        "web", ns, apps.readNamespacedDeployment("web", ns).execute())
                    .execute());
    assertThat(unchanged.getMetadata().getGeneration()).isEqualTo(1L);

    // The deployment controller writes the status meanwhile: a stale read is a 409, retried.
    V1Deployment replaced =
        retryOnConflict(
            () -> {
              V1Deployment read = apps.readNamespacedDeployment("web", ns).execute();
              read.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("busybox:1.36");
              read.setStatus(new V1DeploymentStatus().replicas(99));
              return apps.replaceNamespacedDeployment("web", ns, read).execute();
            });
    assertThat(replaced.getMetadata().getGeneration()).isEqualTo(2L);
    // The main endpoint ignores status.
    assertThat((Object) (replaced.getStatus() == null ? null : replaced.getStatus().getReplicas()))
        .isNotEqualTo(99);

    V1DeploymentCondition condition =
        new V1DeploymentCondition().type("E2EChecked").status("True").reason("ByTest");
    V1Deployment statusReplaced =
        retryOnConflict(
            () -> {
              V1Deployment current = apps.readNamespacedDeploymentStatus("web", ns).execute();
              V1DeploymentStatus status =
                  current.getStatus() == null ? new V1DeploymentStatus() : current.getStatus();
              current.setStatus(status.observedGeneration(2L).addConditionsItem(condition));
              current.getSpec().setReplicas(7);
              return apps.replaceNamespacedDeploymentStatus("web", ns, current).execute();
            });
    assertThat(statusReplaced.getStatus().getConditions())
        .extracting(V1DeploymentCondition::getType)
        .contains("E2EChecked");
    // The status endpoint ignores spec.
    assertThat(statusReplaced.getSpec().getReplicas()).isEqualTo(1);

    V1Deployment statusPatched =
        PatchUtils.patch(
            V1Deployment.class,
            () ->
                apps.patchNamespacedDeploymentStatus(
                        "web", ns, new V1Patch("{\"status\":{\"collisionCount\":3}}"))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            client);
    assertThat(statusPatched.getStatus().getCollisionCount()).isEqualTo(3);

    V1Scale scale = apps.readNamespacedDeploymentScale("web", ns).execute();
    assertThat(scale.getSpec().getReplicas()).isEqualTo(1);
    assertThat(scale.getStatus().getSelector()).isEqualTo("app=web");
    V1Scale rescaled =
        apps.replaceNamespacedDeploymentScale(
                "web",
                ns,
                new V1Scale()
                    .metadata(new V1ObjectMeta().name("web").namespace(ns))
                    .spec(new V1ScaleSpec().replicas(3)))
            .execute();
    assertThat(rescaled.getSpec().getReplicas()).isEqualTo(3);
    assertThat(apps.readNamespacedDeployment("web", ns).execute().getSpec().getReplicas())
        .isEqualTo(3);

    apps.deleteNamespacedDeployment("web", ns).propagationPolicy("Foreground").execute();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(apps.listNamespacedDeployment(ns).execute().getItems()).isEmpty());
  }

  private interface ApiCall<T> {
    T call() throws ApiException;
  }

  /** Read-modify-write as controllers do it: the server's controllers write status too. */
  private static <T> T retryOnConflict(ApiCall<T> call) throws ApiException {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (ApiException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private Watch<V1ConfigMap> watchConfigMaps(String ns, String resourceVersion, boolean initial)
      throws ApiException {
    CoreV1Api.APIlistNamespacedConfigMapRequest request =
        core.listNamespacedConfigMap(ns)
            .labelSelector("watched")
            .watch(true)
            .allowWatchBookmarks(true)
            .resourceVersion(resourceVersion)
            .timeoutSeconds(30);
    if (initial) {
      request = request.sendInitialEvents(true).resourceVersionMatch("NotOlderThan");
    }
    return Watch.createWatch(
        client, request.buildCall(null), new TypeToken<Watch.Response<V1ConfigMap>>() {}.getType());
  }

  private static List<String> next(Watch<V1ConfigMap> watch, int count) {
    List<String> events = new ArrayList<>();
    while (events.size() < count && watch.hasNext()) {
      Watch.Response<V1ConfigMap> event = watch.next();
      if (event.type.equals("BOOKMARK")) {
        continue;
      }
      events.add(
          event.type
              + " "
              + event.object.getMetadata().getName()
              + " "
              + event.object.getMetadata().getResourceVersion());
    }
    return events;
  }

  @Test
  void watchReceivesEventsResumesAndBookmarks() throws Exception {
    String ns = namespace("jc-watch");
    String start = core.listNamespacedConfigMap(ns).execute().getMetadata().getResourceVersion();
    V1ConfigMap created =
        core.createNamespacedConfigMap(ns, configMap("w", Map.of("watched", "yes"), "1")).execute();
    created.getData().put("value", "2");
    V1ConfigMap updated = core.replaceNamespacedConfigMap("w", ns, created).execute();
    core.deleteNamespacedConfigMap("w", ns).execute();

    try (Watch<V1ConfigMap> watch = watchConfigMaps(ns, start, false)) {
      List<String> events = next(watch, 3);
      assertThat(events).hasSize(3);
      assertThat(events.get(0)).isEqualTo("ADDED w " + created.getMetadata().getResourceVersion());
      assertThat(events.get(1))
          .isEqualTo("MODIFIED w " + updated.getMetadata().getResourceVersion());
      assertThat(events.get(2)).startsWith("DELETED w ");
    }

    // Resuming from the ADDED event's version replays only what came after it.
    try (Watch<V1ConfigMap> watch =
        watchConfigMaps(ns, created.getMetadata().getResourceVersion(), false)) {
      List<String> events = next(watch, 2);
      assertThat(events).hasSize(2);
      assertThat(events.get(0))
          .isEqualTo("MODIFIED w " + updated.getMetadata().getResourceVersion());
      assertThat(events.get(1)).startsWith("DELETED w ");
    }

    core.createNamespacedConfigMap(ns, configMap("kept", Map.of("watched", "yes"), "1")).execute();
    try (Watch<V1ConfigMap> watch = watchConfigMaps(ns, null, true)) {
      Watch.Response<V1ConfigMap> added = watch.next();
      assertThat(added.type).isEqualTo("ADDED");
      assertThat(added.object.getMetadata().getName()).isEqualTo("kept");
      Watch.Response<V1ConfigMap> bookmark = watch.next();
      assertThat(bookmark.type).isEqualTo("BOOKMARK");
      assertThat(bookmark.object.getMetadata().getResourceVersion()).isNotEmpty();
      assertThat(bookmark.object.getMetadata().getAnnotations())
          .containsEntry("k8s.io/initial-events-end", "true");
    }
  }

  @Test
  void informerListerSeesCreateUpdateDelete() throws Exception {
    String ns = namespace("jc-informer");
    SharedInformerFactory factory = new SharedInformerFactory(client);
    // The reflector reports list and watch failures here and retries; the test wants none.
    Set<String> failures = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<V1ConfigMap> informer =
        factory.sharedIndexInformerFor(
            params ->
                core.listNamespacedConfigMap(ns)
                    .resourceVersion(params.resourceVersion)
                    .watch(params.watch)
                    .timeoutSeconds(params.timeoutSeconds)
                    .buildCall(null),
            V1ConfigMap.class,
            V1ConfigMapList.class,
            0,
            (type, error) -> failures.add(error.getClass().getName() + ": " + error.getMessage()));
    factory.startAllRegisteredInformers();
    try {
      await().atMost(WAIT).until(informer::hasSynced);
      Lister<V1ConfigMap> lister = new Lister<>(informer.getIndexer(), ns);

      core.createNamespacedConfigMap(ns, configMap("seen", Map.of(), "1")).execute();
      await().atMost(WAIT).untilAsserted(() -> assertThat(lister.get("seen")).isNotNull());

      V1ConfigMap current = core.readNamespacedConfigMap("seen", ns).execute();
      current.getData().put("value", "2");
      core.replaceNamespacedConfigMap("seen", ns, current).execute();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(lister.get("seen").getData()).containsEntry("value", "2"));

      core.deleteNamespacedConfigMap("seen", ns).execute();
      await().atMost(WAIT).untilAsserted(() -> assertThat(lister.get("seen")).isNull());
      assertThat(failures).isEmpty();
    } finally {
      factory.stopAllRegisteredInformers();
    }
  }

  @Test
  void discoveryFindsBuiltInAndCustomResources() throws Exception {
    Set<Discovery.APIResource> resources = new Discovery(client).findAll();
    assertThat(resources)
        .anySatisfy(
            r -> {
              assertThat(r.getGroup()).isEmpty();
              assertThat(r.getResourcePlural()).isEqualTo("pods");
              assertThat(r.getKind()).isEqualTo("Pod");
              assertThat(r.getNamespaced()).isTrue();
              assertThat(r.getSubResources()).contains("status", "binding", "eviction");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getGroup()).isEqualTo("apps");
              assertThat(r.getResourcePlural()).isEqualTo("deployments");
              assertThat(r.getVersions()).contains("v1");
              assertThat(r.getSubResources()).contains("status", "scale");
            });
  }

  @Test
  void customResourceThroughGenericApi() throws Exception {
    String ns = namespace("jc-crd");
    ApiextensionsV1Api extensions = new ApiextensionsV1Api(client);
    V1JSONSchemaProps schema =
        new V1JSONSchemaProps()
            .type("object")
            .properties(
                Map.of(
                    "spec",
                    new V1JSONSchemaProps()
                        .type("object")
                        .properties(
                            Map.of(
                                "size", new V1JSONSchemaProps().type("integer"),
                                "color", new V1JSONSchemaProps().type("string")))));
    extensions
        .createCustomResourceDefinition(
            new V1CustomResourceDefinition()
                .metadata(new V1ObjectMeta().name("widgets.e2e.kuark.io"))
                .spec(
                    new V1CustomResourceDefinitionSpec()
                        .group("e2e.kuark.io")
                        .scope("Namespaced")
                        .names(
                            new V1CustomResourceDefinitionNames()
                                .plural("widgets")
                                .singular("widget")
                                .kind("Widget")
                                .listKind("WidgetList"))
                        .versions(
                            List.of(
                                new V1CustomResourceDefinitionVersion()
                                    .name("v1")
                                    .served(true)
                                    .storage(true)
                                    .schema(
                                        new V1CustomResourceValidation()
                                            .openAPIV3Schema(schema))))))
        .execute();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        extensions
                            .readCustomResourceDefinition("widgets.e2e.kuark.io")
                            .execute()
                            .getStatus()
                            .getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Established");
                          assertThat(c.getStatus()).isEqualTo("True");
                        }));
    assertThat(new Discovery(client).findAll())
        .anySatisfy(r -> assertThat(r.getResourcePlural()).isEqualTo("widgets"));

    // DynamicKubernetesApi is client-java's GenericKubernetesApi for untyped objects (it registers
    // their Gson adapter).
    GenericKubernetesApi<DynamicKubernetesObject, DynamicKubernetesListObject> widgets =
        new DynamicKubernetesApi("e2e.kuark.io", "v1", "widgets", client);
    DynamicKubernetesObject widget =
        new DynamicKubernetesObject(
            client
                .getJSON()
                .getGson()
                .fromJson(
                    "{\"apiVersion\":\"e2e.kuark.io/v1\",\"kind\":\"Widget\","
                        + "\"metadata\":{\"name\":\"w1\",\"namespace\":\""
                        + ns
                        + "\"},\"spec\":{\"size\":3,\"color\":\"red\",\"dropped\":true}}",
                    JsonObject.class));
    KubernetesApiResponse<DynamicKubernetesObject> created = widgets.create(widget);
    assertThat(created.isSuccess()).as(String.valueOf(created.getStatus())).isTrue();
    JsonObject spec = created.getObject().getRaw().getAsJsonObject("spec");
    assertThat(spec.get("size").getAsInt()).isEqualTo(3);
    // Unknown fields are pruned by the structural schema.
    assertThat(spec.has("dropped")).isFalse();

    DynamicKubernetesObject got = widgets.get(ns, "w1").throwsApiException().getObject();
    got.getRaw().getAsJsonObject("spec").addProperty("color", "blue");
    DynamicKubernetesObject updated = widgets.update(got).throwsApiException().getObject();
    assertThat(updated.getRaw().getAsJsonObject("spec").get("color").getAsString())
        .isEqualTo("blue");

    DynamicKubernetesObject patched =
        widgets
            .patch(
                ns,
                "w1",
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"size\":5}}"))
            .throwsApiException()
            .getObject();
    assertThat(patched.getRaw().getAsJsonObject("spec").get("size").getAsInt()).isEqualTo(5);

    assertThat(widgets.list(ns).throwsApiException().getObject().getItems())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("w1");

    CustomObjectsApi custom = new CustomObjectsApi(client);
    Object viaCustomApi =
        custom.getNamespacedCustomObject("e2e.kuark.io", "v1", ns, "widgets", "w1").execute();
    assertThat(viaCustomApi.toString()).contains("color=blue");

    assertThat(widgets.delete(ns, "w1").isSuccess()).isTrue();
    KubernetesApiResponse<DynamicKubernetesObject> gone = widgets.get(ns, "w1");
    assertThat(gone.getHttpStatusCode()).isEqualTo(404);
    assertThat(gone.getStatus().getReason()).isEqualTo("NotFound");
  }

  @Test
  void leaderElectionWithLeaseLock() throws Exception {
    String ns = namespace("jc-leader");
    List<String> ids = List.of("candidate-a", "candidate-b");
    List<String> leaders = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<LeaderElector> electors = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(ids.size());
    CoordinationV1Api coordination = new CoordinationV1Api(client);
    try {
      for (String id : ids) {
        LeaderElector elector =
            new LeaderElector(
                new LeaderElectionConfig(
                    new LeaseLock(ns, "e2e-lock", id, client),
                    Duration.ofSeconds(4),
                    Duration.ofSeconds(3),
                    Duration.ofMillis(500)));
        electors.add(elector);
        pool.submit(() -> elector.run(() -> leaders.add(id), () -> {}));
      }
      await().atMost(WAIT).until(() -> !leaders.isEmpty());
      String first = leaders.get(0);
      V1Lease lease = coordination.readNamespacedLease("e2e-lock", ns).execute();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(first);
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(4);
      assertThat(lease.getSpec().getRenewTime()).isNotNull();
      assertThat(lease.getSpec().getAcquireTime()).isNotNull();
      // The holder keeps renewing: renewTime moves on while the other candidate waits.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  coordination
                      .readNamespacedLease("e2e-lock", ns)
                      .execute()
                      .getSpec()
                      .getRenewTime()
                      .isAfter(lease.getSpec().getRenewTime()));
      assertThat(leaders).containsExactly(first);

      // The leader stops; the other takes the lease over once it has expired.
      electors.get(ids.indexOf(first)).close();
      String second = ids.get(1 - ids.indexOf(first));
      await().atMost(WAIT).until(() -> leaders.contains(second));
      assertThat(coordination.readNamespacedLease("e2e-lock", ns).execute().getSpec())
          .satisfies(
              spec -> {
                assertThat(spec.getHolderIdentity()).isEqualTo(second);
                assertThat(spec.getLeaseTransitions()).isEqualTo(1);
              });
    } finally {
      electors.forEach(LeaderElector::close);
      pool.shutdownNow();
    }
  }
}
