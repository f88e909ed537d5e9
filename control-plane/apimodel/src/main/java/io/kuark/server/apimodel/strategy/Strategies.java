package io.kuark.server.apimodel.strategy;

import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.Set;

/** Picks the {@link ResourceStrategy} for a resource type. */
public final class Strategies {

  /** Kinds whose {@code metadata.generation} starts at 1 and bumps on spec changes. */
  private static final Set<String> GENERATION_KINDS = Set.of("networking.k8s.io/NetworkPolicy");

  private Strategies() {}

  /**
   * The strategy for a type. Custom resources (no model class) track generation and reset status
   * when their status subresource is on. Strategies are stateless: cache them per type if wanted.
   */
  public static ResourceStrategy forType(ResourceType type) {
    if (!type.persisted()) {
      // bindings and the review kinds are requests, not stored objects: nothing to default or check
      return VirtualStrategy.INSTANCE;
    }
    if (type.modelClass() == null) {
      return new GenericStrategy(type, true);
    }
    String key = type.group() + "/" + type.kind();
    return switch (key) {
      case "/Pod" -> new PodStrategy(type);
      case "/Service" -> new ServiceStrategy(type);
      case "/Namespace" -> new CoreStrategies.Namespace(type);
      case "/ConfigMap" -> new CoreStrategies.ConfigMap(type);
      case "/Secret" -> new CoreStrategies.Secret(type);
      case "/Node" -> new CoreStrategies.Node(type);
      case "/PersistentVolumeClaim" -> new CoreStrategies.PersistentVolumeClaim(type);
      case "/PersistentVolume" -> new CoreStrategies.PersistentVolume(type);
      case "apps/Deployment" -> new WorkloadStrategies.Deployment(type);
      case "apps/ReplicaSet" -> new WorkloadStrategies.ReplicaSet(type);
      case "apps/DaemonSet" -> new WorkloadStrategies.DaemonSet(type);
      case "apps/StatefulSet" -> new WorkloadStrategies.StatefulSet(type);
      case "batch/Job" -> new WorkloadStrategies.Job(type);
      case "batch/CronJob" -> new WorkloadStrategies.CronJob(type);
      case "apiextensions.k8s.io/CustomResourceDefinition" -> new CrdStrategy(type);
      case "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/ClusterRole" ->
          new ClusterStrategies.Role(type);
      case "rbac.authorization.k8s.io/RoleBinding",
          "rbac.authorization.k8s.io/ClusterRoleBinding" ->
          new ClusterStrategies.RoleBinding(type);
      case "storage.k8s.io/StorageClass" -> new ClusterStrategies.StorageClass(type);
      case "scheduling.k8s.io/PriorityClass" -> new ClusterStrategies.PriorityClass(type);
      case "discovery.k8s.io/EndpointSlice" -> new ClusterStrategies.EndpointSlice(type);
      case "policy/PodDisruptionBudget" -> new ClusterStrategies.PodDisruptionBudget(type);
      case "networking.k8s.io/Ingress" -> new ClusterStrategies.Ingress(type);
      case "node.k8s.io/RuntimeClass" -> new ClusterStrategies.RuntimeClass(type);
      default -> {
        if (type.group().equals("rbac.authorization.k8s.io")) {
          yield new GenericStrategy(type, NameRules::pathSegmentName, false);
        }
        yield new GenericStrategy(type, GENERATION_KINDS.contains(key));
      }
    };
  }
}
