package io.kuark.agent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Host-wide numbers from {@code /proc}: CPU time, memory, network interfaces, default route. */
final class ProcStats {

  /** Nanoseconds per clock tick ({@code USER_HZ} is 100 on Linux). */
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** Counters of one network interface. */
  record Interface(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {}

  private final Path proc;

  ProcStats(Path proc) {
    this.proc = proc;
  }

  /** CPU time all cores spent not idle (nor waiting for I/O), in nanoseconds; -1 if unknown. */
  long cpuNanos() {
    try {
      for (String line : Files.readAllLines(proc.resolve("stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long busy = 0;
          for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) {
              busy += Long.parseLong(f[i]);
            }
          }
          return busy * NANOS_PER_TICK;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** {@code /proc/meminfo} values in bytes by name (MemTotal, MemAvailable, ...). */
  Map<String, Long> meminfo() {
    Map<String, Long> values = new java.util.HashMap<>();
    try {
      for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
        String[] f = line.split("[:\\s]+");
        if (f.length >= 2) {
          values.put(f[0], Long.parseLong(f[1]) * (f.length > 2 ? 1024 : 1));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // partial is fine
    }
    return values;
  }

  /** Interfaces of the network namespace {@code netDev} belongs to, without loopback. */
  static List<Interface> interfaces(Path netDev) {
    List<Interface> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(netDev);
      for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        if (name.equals("lo")) {
          continue;
        }
        String[] f = line.substring(colon + 1).trim().split("\\s+");
        out.add(
            new Interface(
                name,
                Long.parseLong(f[0]),
                Long.parseLong(f[2]),
                Long.parseLong(f[8]),
                Long.parseLong(f[10])));
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  List<Interface> hostInterfaces() {
    return interfaces(proc.resolve("net/dev"));
  }

  /** The interface of the IPv4 default route, or null. */
  String defaultRouteInterface() {
    try {
      for (String line : Files.readAllLines(proc.resolve("net/route"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 2 && f[1].equals("00000000") && !f[0].equals("Iface")) {
          return f[0];
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
