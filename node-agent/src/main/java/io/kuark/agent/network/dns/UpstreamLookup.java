package io.kuark.agent.network.dns;

import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.IOException;
import java.util.List;

/** Resolves a name outside the cluster zone (an ExternalName target) through the upstreams. */
@FunctionalInterface
interface UpstreamLookup {

  /** The answer records for {@code name}/{@code type}; empty for NXDOMAIN/NODATA. */
  List<DnsRecord> lookup(String name, DnsRecordType type) throws IOException;
}
