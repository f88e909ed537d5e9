package io.kuark.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.handler.CreateHandler;
import io.kuark.server.api.handler.ExtraHandlers;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.admission.AdmissionPlugin;
import io.kuark.server.auth.admission.AuditAnnotations;
import io.kuark.server.auth.admission.DefaultStorageClass;
import io.kuark.server.auth.admission.LegacyTokenSecrets;
import io.kuark.server.auth.admission.LimitRanger;
import io.kuark.server.auth.admission.NamespacedObjects;
import io.kuark.server.auth.admission.PodSecurityAdmission;
import io.kuark.server.auth.admission.PodSecurityConfig;
import io.kuark.server.auth.admission.PriorityAdmission;
import io.kuark.server.auth.admission.ResourceQuotaAdmission;
import io.kuark.server.auth.admission.SecurityAdmission;
import io.kuark.server.auth.admission.ServiceAccountAdmission;
import io.kuark.server.auth.authn.BoundToken;
import io.kuark.server.auth.authn.ObjectLookup;
import io.kuark.server.auth.authn.RequestAuthenticator;
import io.kuark.server.auth.authn.SelfSubjectReviewHandler;
import io.kuark.server.auth.authn.ServiceAccountAuthenticator;
import io.kuark.server.auth.authn.ServiceAccountTokens;
import io.kuark.server.auth.authn.StaticTokenFile;
import io.kuark.server.auth.authn.TokenAuthenticator;
import io.kuark.server.auth.authn.TokenRequestHandler;
import io.kuark.server.auth.authn.TokenResultCache;
import io.kuark.server.auth.authn.TokenReviewHandler;
import io.kuark.server.auth.authz.AccessReviewHandler;
import io.kuark.server.auth.authz.Authorizer;
import io.kuark.server.auth.authz.EscalationCheck;
import io.kuark.server.auth.authz.RbacAuthorizer;
import io.kuark.server.auth.authz.RbacCache;
import io.kuark.server.auth.authz.RulesReviewHandler;
import io.kuark.server.auth.bootstrap.BootstrapTokenAuthenticator;
import io.kuark.server.auth.certificates.CsrApprover;
import io.kuark.server.auth.certificates.CsrController;
import io.kuark.server.auth.certificates.CsrSigner;
import io.kuark.server.auth.certificates.CsrSubresourceAdmission;
import io.kuark.server.auth.node.NodeAuthorizer;
import io.kuark.server.auth.node.NodeGraph;
import io.kuark.server.auth.node.NodePodIndex;
import io.kuark.server.auth.node.NodeRestriction;
import io.kuark.server.auth.pki.CertificateAuthority;
import io.kuark.server.auth.pki.Pem;
import io.kuark.server.auth.rbac.BootstrapPolicy;
import io.kuark.server.auth.rbac.ClusterRoleAggregator;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The API server's security, assembled: the authentication chain (client certificates, service
 * account tokens, an optional static token file), RBAC over an in-memory cache of the RBAC objects,
 * the security admission steps and the token / review APIs. {@link #start} reconciles the default
 * RBAC policy and starts ClusterRole aggregation.
 */
public final class ApiSecurity implements AutoCloseable {

  private final ObjectStore store;
  private final ResourceCatalog catalog;
  private final ServiceAccountTokens tokens;
  private final RbacCache rbacCache;
  private final RbacAuthorizer rbac;
  private final RequestAuthenticator authenticator;
  private final ServiceAccountAuthenticator serviceAccounts;
  private final List<TokenAuthenticator> otherTokens = new ArrayList<>();
  // Token results, reused until a dependency changes (switched on by start()).
  private final TokenResultCache<BoundToken> serviceAccountResults =
      TokenResultCache.withDefaults();
  private final TokenResultCache<UserInfo> bootstrapResults = TokenResultCache.withDefaults();
  private final WatchCaches caches;
  private final Authorizer authorizer;
  private final List<AutoCloseable> running = new ArrayList<>();
  private WatchedObjects pods;
  // Kept current by the pod informer below; reads the informer's live pods.
  private final NodePodIndex podsByNode =
      new NodePodIndex((namespace, name) -> pods == null ? null : pods.get(namespace, name));
  private WatchedObjects claims;
  private CertificateAuthority csrSigningCa;
  private ClusterRoleAggregator aggregator;
  private volatile boolean started;
  private PodSecurityConfig podSecurity = PodSecurityConfig.DEFAULT;

  /**
   * @param serviceAccountKey key pair service account tokens are signed with
   * @param tokenAuthFile {@code --token-auth-file}, or null
   */
  public ApiSecurity(
      ObjectStore store,
      WatchCaches caches,
      ResourceCatalog catalog,
      KeyPair serviceAccountKey,
      Path tokenAuthFile) {
    this.store = store;
    this.catalog = catalog;
    this.tokens = new ServiceAccountTokens(serviceAccountKey, Clock.systemUTC());
    this.serviceAccounts =
        new ServiceAccountAuthenticator(
            tokens, this::lookup, this::secretHoldsToken, serviceAccountResults);
    this.caches = caches;
    otherTokens.add(
        new BootstrapTokenAuthenticator(this::secret, Clock.systemUTC(), bootstrapResults));
    if (tokenAuthFile != null) {
      otherTokens.add(StaticTokenFile.read(tokenAuthFile));
    }
    List<TokenAuthenticator> chain = new ArrayList<>();
    chain.add(serviceAccounts);
    chain.addAll(otherTokens);
    this.authenticator = new RequestAuthenticator(chain);
    this.rbacCache = new RbacCache(store, caches, catalog);
    this.rbac = new RbacAuthorizer(rbacCache);
    // Node first, then RBAC, as upstream's --authorization-mode=Node,RBAC.
    NodeAuthorizer node =
        new NodeAuthorizer(
            new NodeGraph(
                podsByNode,
                (namespace, name) -> claims == null ? null : claims.get(namespace, name)));
    this.authorizer =
        attributes -> {
          Authorizer.Decision d = node.authorize(attributes);
          return d == Authorizer.Decision.NO_OPINION ? rbac.authorize(attributes) : d;
        };
  }

  /**
   * Lets the server approve node CertificateSigningRequests and sign approved ones with {@code ca}
   * (from {@link #start} on).
   */
  public void signCertificatesWith(CertificateAuthority ca) {
    this.csrSigningCa = ca;
  }

  /**
   * Reads {@code --admission-control-config-file} (PodSecurity defaults and exemptions); null keeps
   * upstream's defaults. Call before {@link #admission}.
   *
   * @throws IllegalArgumentException for an invalid file
   */
  public ApiSecurity withAdmissionConfig(Path admissionConfigFile) {
    if (admissionConfigFile != null) {
      this.podSecurity = PodSecurityConfig.read(admissionConfigFile);
    }
    return this;
  }

  /** The request filter. */
  public RequestSecurity requests(Predicate<String> publicPath) {
    return new RequestSecurity(authenticator, authorizer, publicPath);
  }

  /** {@code next} with the security admission steps in front. */
  public ObjectAdmission admission(ObjectAdmission next) {
    NamespacedObjects objects = new NamespacedObjects(store, catalog, caches);
    List<AdmissionPlugin> plugins = new ArrayList<>();
    plugins.add(
        new LegacyTokenSecrets(
            tokens,
            this::serviceAccount,
            () -> csrSigningCa == null ? null : Pem.encode(csrSigningCa.certificate())));
    plugins.add(new LimitRanger(objects));
    plugins.add(new DefaultStorageClass(objects));
    plugins.add(new PodSecurityAdmission(objects, podSecurity, AuditAnnotations.LOG));
    plugins.add(new ResourceQuotaAdmission(objects, Clock.systemUTC()));
    // Priority resolves spec.priority first, as upstream orders it before quota evaluation.
    ObjectAdmission chain =
        new PriorityAdmission(
            new SecurityAdmission(
                next,
                new ServiceAccountAdmission(this::serviceAccount),
                new EscalationCheck(rbac),
                new NodeRestriction(),
                plugins),
            this::priorityClass,
            this::priorityClasses);
    return new CsrSubresourceAdmission(chain, authorizer);
  }

  /** The token request and review handlers. */
  public ExtraHandlers handlers() {
    Map<String, ResourceHandler> reviews = new HashMap<>();
    reviews.put(
        "authentication.k8s.io/tokenreviews",
        new TokenReviewHandler(serviceAccounts, otherTokens, tokens));
    reviews.put("authentication.k8s.io/selfsubjectreviews", new SelfSubjectReviewHandler());
    AccessReviewHandler access = new AccessReviewHandler(authorizer);
    reviews.put("authorization.k8s.io/subjectaccessreviews", access);
    reviews.put("authorization.k8s.io/selfsubjectaccessreviews", access);
    reviews.put("authorization.k8s.io/localsubjectaccessreviews", access);
    reviews.put("authorization.k8s.io/selfsubjectrulesreviews", new RulesReviewHandler(rbac));
    return new SecurityHandlers(new TokenRequestHandler(store, catalog, tokens), reviews);
  }

  /** Loads the RBAC cache, reconciles the default policy and starts aggregation. */
  public void start(CreateHandler creator) {
    rbacCache.start();
    new BootstrapPolicy(
            store, creator, rbacCache.type("clusterroles"), rbacCache.type("clusterrolebindings"))
        .run();
    aggregator = new ClusterRoleAggregator(rbacCache, store).start();
    // Assigned before it starts: its first listing already feeds the index, which reads it.
    pods =
        new WatchedObjects(
            store,
            caches,
            catalog.find("", "v1", "pods").orElseThrow(),
            p ->
                podsByNode.changed(
                    p.path("metadata").path("namespace").asText(""),
                    p.path("metadata").path("name").asText("")));
    running.add(pods.start());
    claims = watched("", "persistentvolumeclaims");
    running.add(
        new TokenCacheInvalidation(
                store, caches, catalog, List.of(serviceAccountResults, bootstrapResults))
            .start());
    if (csrSigningCa != null) {
      ResourceType csrs =
          catalog.find("certificates.k8s.io", "v1", "certificatesigningrequests").orElseThrow();
      running.add(
          new CsrController(
                  store, caches, csrs, new CsrApprover(authorizer), new CsrSigner(csrSigningCa))
              .start());
    }
    started = true;
  }

  /**
   * Upstream's token cache metric ({@code authentication_token_cache_request_total} by hit or miss)
   * in Prometheus text, for {@code /metrics}.
   */
  public String renderTokenCacheMetrics() {
    long hits = serviceAccountResults.hits() + bootstrapResults.hits();
    long misses = serviceAccountResults.misses() + bootstrapResults.misses();
    return "# HELP authentication_token_cache_request_total Token cache lookups by result.\n"
        + "# TYPE authentication_token_cache_request_total counter\n"
        + "authentication_token_cache_request_total{status=\"hit\"} "
        + hits
        + "\n"
        + "authentication_token_cache_request_total{status=\"miss\"} "
        + misses
        + "\n";
  }

  /** Whether {@link #start} finished (a readiness check). */
  public boolean started() {
    return started;
  }

  private Optional<ObjectLookup.Found> lookup(String plural, String namespace, String name) {
    ResourceType type = catalog.find("", "v1", plural).orElseThrow();
    return store
        .get(type, namespace, name)
        .map(
            o -> {
              String deleted = o.object().path("metadata").path("deletionTimestamp").asText("");
              Instant at = deleted.isEmpty() ? null : Meta.parseTime(deleted);
              return new ObjectLookup.Found(Meta.uid(o.object()), at);
            });
  }

  private WatchedObjects watched(String group, String plural) {
    ResourceType type = catalog.find(group, "v1", plural).orElseThrow();
    WatchedObjects objects = new WatchedObjects(store, caches, type, o -> {}).start();
    running.add(objects);
    return objects;
  }

  /** Whether a live service-account-token Secret holds {@code token} (legacy token check). */
  private boolean secretHoldsToken(String namespace, String name, String token) {
    return secret(namespace, name)
        .filter(s -> "kubernetes.io/service-account-token".equals(s.path("type").asText()))
        .filter(s -> s.path("metadata").path("deletionTimestamp").isMissingNode())
        .map(s -> s.path("data").path("token").asText(""))
        .map(
            encoded -> {
              try {
                return new String(
                    java.util.Base64.getDecoder().decode(encoded),
                    java.nio.charset.StandardCharsets.UTF_8);
              } catch (IllegalArgumentException e) {
                return "";
              }
            })
        .map(token::equals)
        .orElse(false);
  }

  private Optional<JsonNode> secret(String namespace, String name) {
    ResourceType type = catalog.find("", "v1", "secrets").orElseThrow();
    return store.get(type, namespace, name).map(o -> (JsonNode) o.object());
  }

  private Optional<JsonNode> serviceAccount(String namespace, String name) {
    ResourceType type = catalog.find("", "v1", "serviceaccounts").orElseThrow();
    return store.get(type, namespace, name).map(o -> (JsonNode) o.object());
  }

  private Optional<JsonNode> priorityClass(String name) {
    ResourceType type = catalog.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    return store.get(type, "", name).map(o -> (JsonNode) o.object());
  }

  private List<JsonNode> priorityClasses() {
    ResourceType type = catalog.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    return new ArrayList<>(store.list(type, "", 0, null, 0).items());
  }

  @Override
  public void close() {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing in-memory subscriptions does not fail in practice; keep closing the rest.
      }
    }
    if (aggregator != null) {
      aggregator.close();
    }
    rbacCache.close();
  }
}
