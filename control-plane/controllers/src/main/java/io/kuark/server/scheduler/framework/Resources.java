package io.kuark.server.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * An amount of node resources: CPU in millicores, memory and ephemeral storage in bytes, and scalar
 * (extended) resources by name. Mutable; used for sums.
 */
public final class Resources {
  public long milliCpu;
  public long memory;
  public long ephemeralStorage;
  public final Map<String, Long> scalars = new HashMap<>();

  public static Resources of(Map<String, Quantity> list) {
    Resources r = new Resources();
    if (list == null) {
      return r;
    }
    for (Map.Entry<String, Quantity> e : list.entrySet()) {
      r.addQuantity(e.getKey(), e.getValue());
    }
    return r;
  }

  void addQuantity(String name, Quantity q) {
    switch (name) {
      case "cpu":
        milliCpu += milli(q);
        break;
      case "memory":
        memory += whole(q);
        break;
      case "ephemeral-storage":
        ephemeralStorage += whole(q);
        break;
      case "pods":
        // Pod count is tracked separately (NodeInfo.allowedPodNumber).
        break;
      default:
        if (name.contains("/") || name.startsWith("hugepages-")) {
          scalars.merge(name, whole(q), Long::sum);
        }
    }
  }

  public static long milli(Quantity q) {
    BigDecimal amount = Quantity.getAmountInBytes(q);
    return amount.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  public static long whole(Quantity q) {
    return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  public void add(Resources o) {
    milliCpu += o.milliCpu;
    memory += o.memory;
    ephemeralStorage += o.ephemeralStorage;
    for (Map.Entry<String, Long> e : o.scalars.entrySet()) {
      scalars.merge(e.getKey(), e.getValue(), Long::sum);
    }
  }

  public void subtract(Resources o) {
    milliCpu -= o.milliCpu;
    memory -= o.memory;
    ephemeralStorage -= o.ephemeralStorage;
    for (Map.Entry<String, Long> e : o.scalars.entrySet()) {
      scalars.merge(e.getKey(), -e.getValue(), Long::sum);
    }
  }

  /** Element-wise maximum into this. */
  public void max(Resources o) {
    milliCpu = Math.max(milliCpu, o.milliCpu);
    memory = Math.max(memory, o.memory);
    ephemeralStorage = Math.max(ephemeralStorage, o.ephemeralStorage);
    for (Map.Entry<String, Long> e : o.scalars.entrySet()) {
      scalars.merge(e.getKey(), e.getValue(), Math::max);
    }
  }

  public Resources copy() {
    Resources r = new Resources();
    r.add(this);
    return r;
  }
}
