package io.kuark.cni.ipam;

import io.kuark.cni.CniException;
import io.kuark.cni.config.IpNet;
import io.kuark.cni.result.CniResult;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Address management compatible with the reference host-local plugin: one address per range set,
 * handed out round-robin after the set's last reserved address, skipping gateways and taken
 * addresses; state in a {@link ReservationStore}.
 */
public final class HostLocalIpam {

  /**
   * Allocates one address per range set to {@code containerId}/{@code ifName}; {@code requested}
   * addresses (CNI_ARGS IP=, runtimeConfig ips) are honoured exactly. Fails if the interface
   * already holds an address in a set (the reference refuses duplicate allocations).
   */
  public CniResult allocate(
      HostLocalConf conf,
      String network,
      String containerId,
      String ifName,
      List<InetAddress> requested) {
    ReservationStore store = new ReservationStore(conf.dataDir(), network);
    return store.locked(
        () -> {
          List<CniResult.IpConfig> ips = new ArrayList<>();
          List<InetAddress> taken = new ArrayList<>();
          Set<InetAddress> unusedRequests = new HashSet<>(requested);
          try {
            List<ReservationStore.Reservation> mine = store.byOwner(containerId, ifName);
            for (int set = 0; set < conf.rangeSets().size(); set++) {
              List<IpRange> ranges = conf.rangeSets().get(set);
              for (ReservationStore.Reservation r : mine) {
                if (rangeFor(ranges, r.ip()) != null) {
                  throw new CniException(
                      CniException.PLUGIN_FAILURE,
                      IpNet.format(r.ip())
                          + " has been allocated to "
                          + containerId
                          + ", duplicate allocation is not allowed");
                }
              }
              InetAddress want = null;
              for (InetAddress ip : requested) {
                if (rangeFor(ranges, ip) != null) {
                  want = ip;
                }
              }
              InetAddress ip;
              if (want != null) {
                unusedRequests.remove(want);
                if (!store.reserve(want, containerId, ifName, set)) {
                  throw new CniException(
                      CniException.PLUGIN_FAILURE,
                      "requested IP address "
                          + IpNet.format(want)
                          + " is not available in range set "
                          + describe(ranges));
                }
                ip = want;
              } else {
                ip = next(store, ranges, set, containerId, ifName);
              }
              taken.add(ip);
              IpRange range = rangeFor(ranges, ip);
              ips.add(
                  new CniResult.IpConfig(
                      new IpNet(ip, range.subnet().prefixLength()), range.gateway(), -1));
            }
            if (!unusedRequests.isEmpty()) {
              throw new CniException(
                  CniException.PLUGIN_FAILURE,
                  "requested IP address "
                      + IpNet.format(unusedRequests.iterator().next())
                      + " is not in any range set");
            }
          } catch (RuntimeException | java.io.IOException e) {
            for (InetAddress ip : taken) {
              store.release(ip);
            }
            throw e;
          }
          return new CniResult("", List.of(), ips, conf.routes(), conf.dns());
        });
  }

  /** Releases every address held by the interface. Idempotent. */
  public void release(HostLocalConf conf, String network, String containerId, String ifName) {
    ReservationStore store = new ReservationStore(conf.dataDir(), network);
    store.locked(
        () -> {
          for (ReservationStore.Reservation r : store.byOwner(containerId, ifName)) {
            store.release(r.ip());
          }
          return null;
        });
  }

  /** The addresses the interface holds (CHECK). */
  public List<InetAddress> held(
      HostLocalConf conf, String network, String containerId, String ifName) {
    ReservationStore store = new ReservationStore(conf.dataDir(), network);
    return store.locked(
        () -> {
          List<InetAddress> out = new ArrayList<>();
          for (ReservationStore.Reservation r : store.byOwner(containerId, ifName)) {
            out.add(r.ip());
          }
          return out;
        });
  }

  /**
   * GC: releases every reservation whose container/interface is not in {@code valid} (pairs of
   * containerID and ifname). Returns the number released.
   */
  public int collect(HostLocalConf conf, String network, List<String[]> valid) {
    ReservationStore store = new ReservationStore(conf.dataDir(), network);
    Set<String> keep = new HashSet<>();
    for (String[] v : valid) {
      keep.add(v[0] + "\n" + v[1]);
    }
    return store.locked(
        () -> {
          int released = 0;
          for (ReservationStore.Reservation r : store.all()) {
            if (!keep.contains(r.containerId() + "\n" + r.ifName())) {
              store.release(r.ip());
              released++;
            }
          }
          return released;
        });
  }

  private static InetAddress next(
      ReservationStore store, List<IpRange> ranges, int set, String containerId, String ifName)
      throws java.io.IOException {
    // Start right after the last reserved address if it is still in a range; else at the start.
    int rangeIdx = 0;
    BigInteger cur = null;
    InetAddress last = store.lastReserved(set);
    if (last != null) {
      for (int i = 0; i < ranges.size(); i++) {
        if (ranges.get(i).contains(last)) {
          rangeIdx = i;
          cur = IpNet.toBig(last);
        }
      }
    }
    long total = 0;
    for (IpRange r : ranges) {
      total +=
          IpNet.toBig(r.end())
              .subtract(IpNet.toBig(r.start()))
              .add(BigInteger.ONE)
              .min(BigInteger.valueOf(1L << 40))
              .longValue();
    }
    int bits = ranges.get(0).subnet().bits();
    for (long tried = 0; tried < total; tried++) {
      IpRange range = ranges.get(rangeIdx);
      if (cur == null) {
        cur = IpNet.toBig(range.start());
      } else {
        cur = cur.add(BigInteger.ONE);
        if (cur.compareTo(IpNet.toBig(range.end())) > 0) {
          rangeIdx = (rangeIdx + 1) % ranges.size();
          range = ranges.get(rangeIdx);
          cur = IpNet.toBig(range.start());
        }
      }
      InetAddress candidate = IpNet.fromBig(cur, bits);
      if (candidate.equals(range.gateway())) {
        continue;
      }
      if (store.reserve(candidate, containerId, ifName, set)) {
        return candidate;
      }
    }
    throw new CniException(
        CniException.PLUGIN_FAILURE, "no IP addresses available in range set: " + describe(ranges));
  }

  static IpRange rangeFor(List<IpRange> ranges, InetAddress ip) {
    for (IpRange r : ranges) {
      if (r.contains(ip)) {
        return r;
      }
    }
    return null;
  }

  private static String describe(List<IpRange> ranges) {
    StringBuilder s = new StringBuilder();
    for (IpRange r : ranges) {
      if (s.length() > 0) {
        s.append(',');
      }
      s.append(r);
    }
    return s.toString();
  }
}
