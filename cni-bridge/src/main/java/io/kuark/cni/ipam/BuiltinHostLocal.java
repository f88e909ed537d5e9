package io.kuark.cni.ipam;

import io.kuark.cni.CniException;
import io.kuark.cni.CniRequest;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.config.IpNet;
import io.kuark.cni.result.CniResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** host-local run in-process: no plugin exec, same files as the reference. */
public final class BuiltinHostLocal implements Ipam {
  private final HostLocalIpam ipam = new HostLocalIpam();

  @Override
  public CniResult add(CniRequest request, BridgeConf conf) {
    return ipam.allocate(
        HostLocalConf.parse(conf.ipam()),
        conf.name(),
        request.containerId(),
        request.ifName(),
        requestedIps(request, conf));
  }

  @Override
  public void del(CniRequest request, BridgeConf conf) {
    ipam.release(
        HostLocalConf.parse(conf.ipam()), conf.name(), request.containerId(), request.ifName());
  }

  @Override
  public void check(CniRequest request, BridgeConf conf, CniResult prev) {
    List<InetAddress> held =
        ipam.held(
            HostLocalConf.parse(conf.ipam()), conf.name(), request.containerId(), request.ifName());
    if (held.isEmpty()) {
      throw new CniException(
          CniException.PLUGIN_FAILURE,
          "host-local: failed to find address for container " + request.containerId());
    }
    for (CniResult.IpConfig ip : prev.ips()) {
      if (!held.contains(ip.address().address())) {
        throw new CniException(
            CniException.PLUGIN_FAILURE,
            "host-local: "
                + IpNet.format(ip.address().address())
                + " is not reserved for "
                + request.containerId());
      }
    }
  }

  @Override
  public void gc(CniRequest request, BridgeConf conf) {
    ipam.collect(HostLocalConf.parse(conf.ipam()), conf.name(), conf.validAttachments());
  }

  /** CNI_ARGS "IP=a,b", args.cni.ips and runtimeConfig.ips, as host-local reads them. */
  static List<InetAddress> requestedIps(CniRequest request, BridgeConf conf) {
    List<InetAddress> out = new ArrayList<>();
    String args = request.args() == null ? "" : request.args();
    for (String kv : args.split(";")) {
      if (kv.startsWith("IP=")) {
        for (String ip : kv.substring(3).split(",")) {
          if (!ip.isBlank()) {
            out.add(IpNet.parseIp(ip));
          }
        }
      }
    }
    for (var n : conf.raw().path("args").path("cni").path("ips")) {
      out.add(IpNet.parseIp(stripPrefix(n.asText())));
    }
    for (var n : conf.raw().path("runtimeConfig").path("ips")) {
      out.add(IpNet.parseIp(stripPrefix(n.asText())));
    }
    return out;
  }

  private static String stripPrefix(String s) {
    int slash = s.indexOf('/');
    return slash < 0 ? s : s.substring(0, slash);
  }
}
