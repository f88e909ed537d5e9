package io.kuark.agent.network.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * What the proxy table holds, kept per Service so that a sync costs what changed: {@link #put}
 * swaps one Service's rendered {@link Ruleset} and records in an {@link NftTransaction} only the
 * chains, sets and elements that differ. It is also the cache of rendered rules: a partial sync
 * renders only the Services its events named.
 *
 * <p>Chains and sets are named after their Service, so Services never share them. Map keys (an
 * address or node port) can be claimed by several Services: the oldest claimant wins (creation
 * time, then namespace/name, as upstream), whatever order the Services arrive in, and a younger one
 * takes over when the older lets go. Hairpin and ClusterIP set elements are reference-counted (one
 * pod can back several Services).
 */
final class ProxyTable {
  private static final Logger LOG = Logger.getLogger(ProxyTable.class);
  private static final Ruleset EMPTY = new Ruleset();

  private record Entry(String order, Ruleset rules) {}

  /** One Service's claim on a key: which map the key goes into and with what verdict. */
  private record Claim(String map, String verdict) {}

  /**
   * Maps that share one key space: an address/port (or node port) dispatches to a Service or is
   * rejected for having no endpoints, never both.
   */
  private static final List<List<String>> SPACES =
      List.of(
          List.of(Ruleset.SERVICE_IPS, Ruleset.NO_ENDPOINT_SERVICES),
          List.of(Ruleset.SERVICE_NODEPORTS, Ruleset.NO_ENDPOINT_NODEPORTS));

  private final Map<String, Entry> services = new HashMap<>();
  // key space (index into SPACES) -> element key -> claimant order key -> claim
  private final List<Map<String, TreeMap<String, Claim>>> claims = new ArrayList<>();
  private final Map<String, Integer> hairpin = new HashMap<>();
  private final Map<String, Integer> clusterIps = new HashMap<>();

  ProxyTable() {
    for (int i = 0; i < SPACES.size(); i++) {
      claims.add(new HashMap<>());
    }
  }

  /** The rules currently recorded for {@code service}, or null. */
  Ruleset get(String service) {
    Entry e = services.get(service);
    return e == null ? null : e.rules();
  }

  int size() {
    return services.size();
  }

  /**
   * Replaces the rules of one Service and records in {@code tx} what the programmed table must
   * change for it.
   *
   * @param service {@code namespace/name}
   * @param order claim precedence: {@link RulesetBuilder#orderKey}; lower wins
   * @param next the Service's rules, or null when it is gone or not proxied
   */
  void put(String service, String order, Ruleset next, NftTransaction tx) {
    Entry old = services.get(service);
    Ruleset before = old == null ? EMPTY : old.rules();
    Ruleset after = next == null ? EMPTY : next;
    if (next == null) {
      services.remove(service);
    } else {
      services.put(service, new Entry(order, next));
    }
    for (var chain : after.chains().entrySet()) {
      var was = before.chains().get(chain.getKey());
      if (was == null) {
        tx.addChain(chain.getKey(), chain.getValue());
      } else if (!was.equals(chain.getValue())) {
        tx.replaceRules(chain.getKey(), chain.getValue());
      }
    }
    for (String chain : before.chains().keySet()) {
      if (!after.chains().containsKey(chain)) {
        tx.removeChain(chain);
      }
    }
    // Set names encode their definition (timeout), so a set is only ever added or removed.
    for (var set : after.sets().entrySet()) {
      if (!before.sets().containsKey(set.getKey())) {
        tx.addSet(set.getKey(), set.getValue());
      }
    }
    for (String set : before.sets().keySet()) {
      if (!after.sets().containsKey(set)) {
        tx.removeSet(set);
      }
    }
    String oldOrder = old == null ? null : old.order();
    for (int space = 0; space < SPACES.size(); space++) {
      Set<String> keys = new HashSet<>();
      for (String map : SPACES.get(space)) {
        keys.addAll(before.elements(map).keySet());
        keys.addAll(after.elements(map).keySet());
      }
      for (String key : keys) {
        Claim was = claimOf(before, space, key);
        Claim now = claimOf(after, space, key);
        if (Objects.equals(was, now) && Objects.equals(oldOrder, order)) {
          continue;
        }
        reclaim(space, key, oldOrder, order, now, tx, service);
      }
    }
    // Endpoint elements are keyed by the Service's own ClusterIP: no claims needed.
    Map<String, String> wasEndpoints = before.elements(Ruleset.SERVICE_ENDPOINTS);
    Map<String, String> nowEndpoints = after.elements(Ruleset.SERVICE_ENDPOINTS);
    for (var e : wasEndpoints.entrySet()) {
      if (!e.getValue().equals(nowEndpoints.get(e.getKey()))) {
        tx.element(
            Ruleset.SERVICE_ENDPOINTS, e.getKey(), e.getValue(), nowEndpoints.get(e.getKey()));
      }
    }
    for (var e : nowEndpoints.entrySet()) {
      if (!wasEndpoints.containsKey(e.getKey())) {
        tx.element(Ruleset.SERVICE_ENDPOINTS, e.getKey(), null, e.getValue());
      }
    }
    count(
        hairpin,
        Ruleset.HAIRPIN,
        before.hairpinIps(),
        after.hairpinIps(),
        ip -> ip + " . " + ip,
        tx);
    count(clusterIps, Ruleset.CLUSTER_IPS, before.clusterIps(), after.clusterIps(), ip -> ip, tx);
  }

  private static Claim claimOf(Ruleset rules, int space, String key) {
    for (String map : SPACES.get(space)) {
      String verdict = rules.elements(map).get(key);
      if (verdict != null) {
        return new Claim(map, verdict);
      }
    }
    return null;
  }

  private void reclaim(
      int space,
      String key,
      String oldOrder,
      String order,
      Claim claim,
      NftTransaction tx,
      String service) {
    TreeMap<String, Claim> claimants = claims.get(space).computeIfAbsent(key, k -> new TreeMap<>());
    Claim was = claimants.isEmpty() ? null : claimants.firstEntry().getValue();
    if (oldOrder != null) {
      claimants.remove(oldOrder);
    }
    if (claim != null) {
      claimants.put(order, claim);
    }
    Claim now = claimants.isEmpty() ? null : claimants.firstEntry().getValue();
    if (claimants.isEmpty()) {
      claims.get(space).remove(key);
    } else if (claim != null && !claimants.firstKey().equals(order)) {
      LOG.warnf("service %s: %s is already used by an older service; skipped", service, key);
    }
    for (String map : SPACES.get(space)) {
      tx.element(
          map,
          key,
          was != null && was.map().equals(map) ? was.verdict() : null,
          now != null && now.map().equals(map) ? now.verdict() : null);
    }
  }

  private static void count(
      Map<String, Integer> counts,
      String set,
      Set<String> before,
      Set<String> after,
      UnaryOperator<String> element,
      NftTransaction tx) {
    for (String ip : before) {
      if (!after.contains(ip) && counts.merge(ip, -1, Integer::sum) == 0) {
        counts.remove(ip);
        tx.element(set, element.apply(ip), NftTransaction.PRESENT, null);
      }
    }
    for (String ip : after) {
      if (!before.contains(ip) && counts.merge(ip, 1, Integer::sum) == 1) {
        tx.element(set, element.apply(ip), null, NftTransaction.PRESENT);
      }
    }
  }

  /** Everything recorded, merged into one Ruleset (winners only): what a full sync programs. */
  Ruleset snapshot() {
    Ruleset all = new Ruleset();
    for (Entry e : services.values()) {
      for (var chain : e.rules().chains().entrySet()) {
        all.chain(chain.getKey(), chain.getValue());
      }
      for (var set : e.rules().sets().entrySet()) {
        all.set(set.getKey(), set.getValue());
      }
      for (var element : e.rules().elements(Ruleset.SERVICE_ENDPOINTS).entrySet()) {
        all.element(Ruleset.SERVICE_ENDPOINTS, element.getKey(), element.getValue());
      }
    }
    for (Map<String, TreeMap<String, Claim>> space : claims) {
      for (var element : space.entrySet()) {
        Claim winner = element.getValue().firstEntry().getValue();
        all.element(winner.map(), element.getKey(), winner.verdict());
      }
    }
    for (String ip : hairpin.keySet()) {
      all.hairpin(ip);
    }
    for (String ip : clusterIps.keySet()) {
      all.clusterIp(ip);
    }
    return all;
  }
}
