package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns one query message into one response message: the cluster zone (and the reverse names the
 * cluster knows) is answered from {@link KubernetesZone}; every other name goes to the upstreams
 * through the cache. Names in the cluster zone are never forwarded. Blocking (forwarding waits);
 * runs on worker threads.
 */
final class ClusterDnsHandler implements UpstreamLookup {

  private static final Logger LOG = Logger.getLogger(ClusterDnsHandler.class);

  private final KubernetesZone zone;
  private final UpstreamForwarder forwarder;
  private final ResponseCache cache;
  private final SecureRandom random = new SecureRandom();

  ClusterDnsHandler(ZoneFactory zoneFactory, UpstreamForwarder forwarder, ResponseCache cache) {
    this.forwarder = forwarder;
    this.cache = cache;
    this.zone = zoneFactory.create(this);
  }

  /** Builds the zone with this handler as its upstream lookup (ExternalName targets). */
  @FunctionalInterface
  interface ZoneFactory {
    KubernetesZone create(UpstreamLookup upstream);
  }

  /**
   * Whether {@code raw} is answered from the informer caches alone: a name of the cluster zone that
   * does not lead to an ExternalName host outside the zone. Such queries must not queue behind
   * queries waiting on an upstream; ExternalName lookups chase their target through the upstreams,
   * so they run with the forwarded names; so do reverse names the cluster does not know.
   * Unparseable messages count as local (they are answered, or dropped, at once).
   */
  boolean answeredLocally(byte[] raw) {
    DnsQuery query = DnsQuery.parse(raw);
    if (query == null || query.question() == null) {
      return true;
    }
    try {
      DnsQuestion question = query.question();
      String name = question.name();
      if (zone.inZone(name)) {
        return !zone.needsUpstream(name, question.type());
      }
      if (name.endsWith(".in-addr.arpa.") || name.endsWith(".ip6.arpa.")) {
        // Reverse names of addresses the cluster does not know fall through to the upstreams.
        return zone.answer(name, question.type()) != null;
      }
      return false;
    } finally {
      ReferenceCountUtil.release(query.question());
    }
  }

  /**
   * The response to {@code raw}, or null to drop it (not a query). {@code tcp} says which transport
   * it came on: UDP responses are truncated to what the client takes.
   */
  byte[] handle(byte[] raw, boolean tcp) {
    DnsQuery query = DnsQuery.parse(raw);
    if (query == null) {
      return null;
    }
    if (query.opcode() != 0) {
      return DnsResponses.error(query, DnsResponseCode.NOTIMP);
    }
    if (query.question() == null) {
      return DnsResponses.error(query, DnsResponseCode.FORMERR);
    }
    int limit = tcp ? 65535 : query.udpLimit();
    DnsQuestion question = query.question();
    try {
      DnsAnswer answer = zone.answer(question.name(), question.type());
      if (answer != null) {
        return DnsResponses.answer(query, answer, limit);
      }
      if (zone.inZone(question.name())) {
        return DnsResponses.error(query, DnsResponseCode.SERVFAIL); // never forwarded
      }
      byte[] response = forward(query, tcp);
      if (!tcp && response.length > limit) {
        return DnsResponses.truncate(response, query);
      }
      return response;
    } catch (IOException e) {
      LOG.debugf("upstream failed for %s: %s", question.name(), e.getMessage());
      return DnsResponses.error(query, DnsResponseCode.SERVFAIL);
    } catch (RuntimeException e) {
      LOG.warnf(e, "cannot answer %s %s", question.name(), question.type());
      return DnsResponses.error(query, DnsResponseCode.SERVFAIL);
    } finally {
      ReferenceCountUtil.release(question);
    }
  }

  private byte[] forward(DnsQuery query, boolean tcp) throws IOException {
    DnsQuestion q = query.question();
    String key = ResponseCache.key(q.name(), q.type().intValue(), q.dnsClass(), query.edns());
    byte[] cached = cache.get(key);
    if (cached != null && (tcp || cached.length <= query.udpLimit())) {
      cached[0] = query.raw()[0];
      cached[1] = query.raw()[1];
      return cached;
    }
    byte[] response = forwarder.exchange(query.raw(), tcp);
    cache.put(key, response);
    return response;
  }

  /** Resolves an ExternalName target through the upstreams (and the cache). */
  @Override
  public List<DnsRecord> lookup(String name, DnsRecordType type) throws IOException {
    int id = random.nextInt(0x10000);
    ByteBuf out = Unpooled.buffer(64);
    out.writeShort(id).writeShort(DnsQuery.FLAG_RD).writeShort(1).writeShort(0);
    out.writeShort(0).writeShort(0);
    try {
      DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), out);
    } catch (Exception e) {
      throw new IOException("cannot encode question for " + name, e);
    }
    byte[] raw = new byte[out.readableBytes()];
    out.readBytes(raw);
    DnsQuery query = DnsQuery.parse(raw);
    byte[] response;
    try {
      response = forward(query, false);
    } finally {
      ReferenceCountUtil.release(query.question());
    }
    WireScan scan;
    try {
      scan = WireScan.of(response);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed upstream response for " + name, e);
    }
    if (scan.rcode != 0 && scan.rcode != 3) {
      throw new IOException("upstream answered rcode " + scan.rcode + " for " + name);
    }
    ByteBuf in = Unpooled.wrappedBuffer(response);
    in.skipBytes(DnsQuery.HEADER);
    List<DnsRecord> records = new ArrayList<>();
    try {
      int qd = WireScan.u16(response, 4);
      for (int i = 0; i < qd; i++) {
        ReferenceCountUtil.release(DnsRecordDecoder.DEFAULT.decodeQuestion(in));
      }
      for (int i = 0; i < scan.answerCount; i++) {
        DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
        if (record.type() == DnsRecordType.A
            || record.type() == DnsRecordType.AAAA
            || record.type() == DnsRecordType.CNAME) {
          records.add(record);
        } else {
          ReferenceCountUtil.release(record);
        }
      }
    } catch (Exception e) {
      throw new IOException("malformed upstream response for " + name, e);
    }
    return records;
  }
}
