package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.kuark.agent.downward.MetadataFields;
import io.kuark.agent.downward.NodeAllocatable;
import io.kuark.agent.downward.ResourceFields;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a container's environment the way kubelet does: image ENV first, then {@code envFrom}
 * sources, then {@code env} entries in order (later wins), each value expanded with {@code $(VAR)}
 * against what is defined so far. {@code valueFrom} supports fieldRef, resourceFieldRef ({@link
 * ResourceFields}), configMapKeyRef and secretKeyRef (with {@code optional}).
 */
public final class EnvResolver {

  /**
   * Reads ConfigMaps and Secrets (decoded) of the pod's namespace and knows the node's allocatable
   * resources (for resourceFieldRef).
   */
  public interface Sources extends NodeAllocatable {
    Optional<Map<String, String>> configMap(String namespace, String name);

    Optional<Map<String, String>> secret(String namespace, String name);
  }

  /** A reference the pod requires could not be resolved (kubelet: CreateContainerConfigError). */
  public static final class ConfigException extends IOException {
    ConfigException(String message) {
      super(message);
    }
  }

  private EnvResolver() {}

  public static Map<String, String> resolve(
      Pod pod,
      Container container,
      List<String> imageEnv,
      String podIp,
      String hostIp,
      Sources sources)
      throws ConfigException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : imageEnv) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    env.put("HOSTNAME", pod.getMetadata().getName());
    String namespace = pod.getMetadata().getNamespace();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        Map<String, String> values = null;
        boolean optional = false;
        String what;
        if (from.getConfigMapRef() != null) {
          optional = Boolean.TRUE.equals(from.getConfigMapRef().getOptional());
          what = "configmap \"" + from.getConfigMapRef().getName() + "\"";
          values = sources.configMap(namespace, from.getConfigMapRef().getName()).orElse(null);
        } else if (from.getSecretRef() != null) {
          optional = Boolean.TRUE.equals(from.getSecretRef().getOptional());
          what = "secret \"" + from.getSecretRef().getName() + "\"";
          values = sources.secret(namespace, from.getSecretRef().getName()).orElse(null);
        } else {
          continue;
        }
        if (values == null) {
          if (optional) {
            continue;
          }
          throw new ConfigException(what + " not found");
        }
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        values.forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value;
        if (var.getValueFrom() != null) {
          value = valueFrom(pod, container, var.getValueFrom(), podIp, hostIp, sources);
          if (value == null) {
            continue; // optional reference that is missing
          }
        } else {
          value = CommandResolver.expand(var.getValue() == null ? "" : var.getValue(), env);
        }
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  private static String valueFrom(
      Pod pod,
      Container container,
      EnvVarSource source,
      String podIp,
      String hostIp,
      Sources sources)
      throws ConfigException {
    String namespace = pod.getMetadata().getNamespace();
    if (source.getFieldRef() != null) {
      return field(pod, source.getFieldRef().getFieldPath(), podIp, hostIp);
    }
    if (source.getResourceFieldRef() != null) {
      try {
        return ResourceFields.value(
            source.getResourceFieldRef(), pod, container, sources.nodeAllocatable());
      } catch (ResourceFields.ResourceFieldException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    if (source.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = source.getConfigMapKeyRef();
      return key(
          sources.configMap(namespace, ref.getName()),
          "configmap \"" + ref.getName() + "\"",
          ref.getKey(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    if (source.getSecretKeyRef() != null) {
      SecretKeySelector ref = source.getSecretKeyRef();
      return key(
          sources.secret(namespace, ref.getName()),
          "secret \"" + ref.getName() + "\"",
          ref.getKey(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    return "";
  }

  private static String key(
      Optional<Map<String, String>> values, String what, String key, boolean optional)
      throws ConfigException {
    if (values.isEmpty()) {
      if (optional) {
        return null;
      }
      throw new ConfigException(what + " not found");
    }
    String value = values.get().get(key);
    if (value == null) {
      if (optional) {
        return null;
      }
      throw new ConfigException("couldn't find key " + key + " in " + what);
    }
    return value;
  }

  /**
   * The downward API fields kubelet supports for env: the pod's metadata as downward API volumes
   * read it ({@link MetadataFields}), plus the node, service account and addresses.
   */
  static String field(Pod pod, String path, String podIp, String hostIp) throws ConfigException {
    switch (path) {
      case "spec.nodeName":
        return pod.getSpec().getNodeName();
      case "spec.serviceAccountName":
        return pod.getSpec().getServiceAccountName();
      case "status.podIP":
      case "status.podIPs":
        return podIp == null ? "" : podIp;
      case "status.hostIP":
      case "status.hostIPs":
        return hostIp == null ? "" : hostIp;
      default:
        break;
    }
    try {
      return MetadataFields.value(pod.getMetadata(), path);
    } catch (MetadataFields.UnsupportedFieldException e) {
      throw new ConfigException("unsupported fieldRef " + path);
    }
  }
}
