package io.kuark.cni.ipam;

import io.kuark.cni.CniRequest;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.result.CniResult;

/** The IPAM step of the bridge plugin: built-in host-local or a delegated plugin binary. */
public interface Ipam {
  /** Allocates addresses; the result has IPs (interface -1), routes and DNS. */
  CniResult add(CniRequest request, BridgeConf conf);

  /** Releases whatever the container holds. Idempotent. */
  void del(CniRequest request, BridgeConf conf);

  /** Verifies the allocation is still in place; throws CniException otherwise. */
  void check(CniRequest request, BridgeConf conf, CniResult prev);

  /** GC of reservations not in the valid attachments. */
  void gc(CniRequest request, BridgeConf conf);
}
