package io.kuark.agent.eviction;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One hard eviction threshold, {@code signal<quantity} or {@code signal<percent%}, as kubelet's
 * {@code --eviction-hard} takes them.
 *
 * @param signal {@code memory.available}, {@code nodefs.available}, {@code nodefs.inodesFree},
 *     {@code imagefs.available}, {@code imagefs.inodesFree} or {@code pid.available}
 * @param quantity absolute value (bytes, inodes, pids), null when {@code percentage} is used
 * @param percentage fraction of capacity in [0, 1], null when {@code quantity} is used
 */
public record Threshold(String signal, Long quantity, Double percentage) {

  static final Set<String> SIGNALS =
      Set.of(
          "memory.available",
          "nodefs.available",
          "nodefs.inodesFree",
          "imagefs.available",
          "imagefs.inodesFree",
          "pid.available");

  /** Upstream kubelet's defaults on Linux. */
  public static final String DEFAULTS =
      "memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%";

  /** The threshold value for a resource of {@code capacity} units. */
  public long value(long capacity) {
    return quantity != null ? quantity : (long) Math.ceil(percentage * capacity);
  }

  /** True when {@code available} (of {@code capacity}) is below the threshold. */
  public boolean crossed(long available, long capacity) {
    return available < value(capacity);
  }

  @Override
  public String toString() {
    return signal + "<" + (quantity != null ? quantity : (percentage * 100) + "%");
  }

  /**
   * Parses a comma-separated list; an empty string is no thresholds.
   *
   * @throws IllegalArgumentException with a message naming the bad entry
   */
  public static List<Threshold> parseList(String text) {
    List<Threshold> thresholds = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return thresholds;
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String entry : text.split(",")) {
      String item = entry.trim();
      if (item.isEmpty()) {
        continue;
      }
      int lt = item.indexOf('<');
      if (lt <= 0 || lt == item.length() - 1) {
        throw new IllegalArgumentException(
            "eviction threshold \"" + item + "\" is not of the form signal<value");
      }
      String signal = item.substring(0, lt).trim();
      String value = item.substring(lt + 1).trim();
      if (!SIGNALS.contains(signal)) {
        throw new IllegalArgumentException(
            "unknown eviction signal \""
                + signal
                + "\" (known: "
                + String.join(", ", sorted())
                + ")");
      }
      if (!seen.add(signal)) {
        throw new IllegalArgumentException("eviction signal " + signal + " given twice");
      }
      thresholds.add(parseValue(signal, value));
    }
    return thresholds;
  }

  private static Threshold parseValue(String signal, String value) {
    if (value.endsWith("%")) {
      double percent;
      try {
        percent = Double.parseDouble(value.substring(0, value.length() - 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "eviction threshold " + signal + ": \"" + value + "\" is not a percentage");
      }
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException(
            "eviction threshold " + signal + ": percentage must be within 0%..100%: " + value);
      }
      return new Threshold(signal, null, percent / 100.0);
    }
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(new Quantity(value));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "eviction threshold " + signal + ": \"" + value + "\" is not a quantity");
    }
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(
          "eviction threshold " + signal + " must not be negative: " + value);
    }
    return new Threshold(signal, amount.longValue(), null);
  }

  private static List<String> sorted() {
    List<String> names = new ArrayList<>(SIGNALS);
    names.sort(null);
    return names;
  }
}
