package io.kuark.agent.downward;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The downward API's {@code resourceFieldRef}: a container's request or limit of cpu, memory,
 * ephemeral-storage or {@code hugepages-<size>}, divided by {@code divisor} (1 when unset) and
 * rounded up to a whole number, as kubelet writes it into env and downward API files. A limit that
 * is not set (or zero) for cpu, memory or ephemeral-storage is the node's allocatable amount
 * (hugepages are never overcommitted, so they keep theirs); a request that is not set is 0 (the API
 * server already copied limits into unset requests when the pod was created).
 */
public final class ResourceFields {

  /** The reference cannot be resolved: unknown resource or container. */
  public static final class ResourceFieldException extends IOException {
    ResourceFieldException(String message) {
      super(message);
    }
  }

  private static final List<String> DEFAULTED_LIMITS =
      List.of("cpu", "memory", "ephemeral-storage");
  private static final String HUGEPAGES = "hugepages-";
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private ResourceFields() {}

  /**
   * The value of {@code ref} for {@code pod}.
   *
   * @param own the container whose env is being built; null for volumes, where {@code
   *     containerName} is required
   */
  public static String value(
      ResourceFieldSelector ref, Pod pod, Container own, Map<String, Quantity> allocatable)
      throws ResourceFieldException {
    String name = ref.getContainerName();
    Container container;
    if (name == null || name.isEmpty()) {
      if (own == null) {
        throw new ResourceFieldException(
            "resourceFieldRef " + ref.getResource() + ": containerName is required");
      }
      container = own;
    } else {
      container = find(pod, name);
    }
    String resource = ref.getResource() == null ? "" : ref.getResource();
    Quantity amount;
    if (resource.startsWith("limits.") && supported(resource.substring(7))) {
      amount = limit(container, resource.substring(7), allocatable);
    } else if (resource.startsWith("requests.") && supported(resource.substring(9))) {
      amount = get(container.getResources(), false, resource.substring(9));
    } else {
      throw new ResourceFieldException("unsupported container resource : " + resource);
    }
    return divideRoundingUp(amount, ref.getDivisor());
  }

  private static boolean supported(String resource) {
    return DEFAULTED_LIMITS.contains(resource)
        || (resource.startsWith(HUGEPAGES) && resource.length() > HUGEPAGES.length());
  }

  private static Quantity limit(
      Container container, String resource, Map<String, Quantity> allocatable) {
    Quantity limit = get(container.getResources(), true, resource);
    if ((limit == null || amount(limit).signum() == 0) && DEFAULTED_LIMITS.contains(resource)) {
      return allocatable.get(resource);
    }
    return limit;
  }

  private static Quantity get(ResourceRequirements resources, boolean limits, String resource) {
    if (resources == null) {
      return null;
    }
    Map<String, Quantity> values = limits ? resources.getLimits() : resources.getRequests();
    return values == null ? null : values.get(resource);
  }

  /** Containers first, then init containers, as kubelet looks a container name up. */
  private static Container find(Pod pod, String name) throws ResourceFieldException {
    for (List<Container> containers :
        List.of(
            nullToEmpty(pod.getSpec().getContainers()),
            nullToEmpty(pod.getSpec().getInitContainers()))) {
      for (Container container : containers) {
        if (name.equals(container.getName())) {
          return container;
        }
      }
    }
    throw new ResourceFieldException("container " + name + " not found");
  }

  private static List<Container> nullToEmpty(List<Container> containers) {
    return containers == null ? List.of() : containers;
  }

  /**
   * ceil(amount / divisor) as a decimal integer; "0" for a missing, zero or negative amount, a zero
   * divisor counts as 1, and results beyond a 64-bit integer stay at its maximum.
   */
  static String divideRoundingUp(Quantity quantity, Quantity divisor) {
    BigDecimal value = quantity == null ? BigDecimal.ZERO : amount(quantity);
    BigDecimal by = divisor == null ? BigDecimal.ZERO : amount(divisor);
    if (by.signum() == 0) {
      by = BigDecimal.ONE;
    }
    if (value.signum() <= 0 || by.signum() < 0) {
      return "0";
    }
    BigInteger result = value.divide(by, 0, RoundingMode.CEILING).min(LONG_MAX).toBigIntegerExact();
    return result.toString();
  }

  private static BigDecimal amount(Quantity quantity) {
    return quantity.getNumericalAmount();
  }
}
