package io.kuark.agent.network.dns;

import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;

/**
 * An authoritative answer for one question, before it is put on the wire.
 *
 * @param rcode NOERROR (with or without records: records or NODATA), NXDOMAIN, SERVFAIL, …
 * @param answers answer section
 * @param authority authority section (the zone's SOA for negative answers)
 * @param additional additional section (A/AAAA for SRV targets)
 */
public record DnsAnswer(
    DnsResponseCode rcode,
    List<DnsRecord> answers,
    List<DnsRecord> authority,
    List<DnsRecord> additional) {

  static DnsAnswer of(List<DnsRecord> answers, List<DnsRecord> additional) {
    return new DnsAnswer(DnsResponseCode.NOERROR, answers, List.of(), additional);
  }
}
