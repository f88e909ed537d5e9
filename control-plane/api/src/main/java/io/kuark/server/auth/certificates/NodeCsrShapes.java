package io.kuark.server.auth.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.auth.pki.CertificateRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What node certificate requests must look like (upstream's {@code IsKubeletClientCSR} and
 * kubelet-serving validation): subject {@code CN=system:node:<name>}, {@code O=system:nodes} and
 * nothing else; client requests carry no alternative names and ask for client auth; serving
 * requests name at least one DNS name or IP address (nothing else) and ask for server auth.
 */
public final class NodeCsrShapes {

  public static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
  public static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
  public static final String API_CLIENT = "kubernetes.io/kube-apiserver-client";
  public static final String NODE_PREFIX = "system:node:";
  public static final String NODES_GROUP = "system:nodes";

  private static final Set<String> CLIENT_USAGES =
      Set.of("digital signature", "key encipherment", "client auth");
  private static final Set<String> SERVING_USAGES =
      Set.of("digital signature", "key encipherment", "server auth");

  private NodeCsrShapes() {}

  /** Why {@code request} is not a kubelet client request, or empty when it is one. */
  public static Optional<String> clientProblem(CertificateRequest request, JsonNode usages) {
    Optional<String> subject = subjectProblem(request);
    if (subject.isPresent()) {
      return subject;
    }
    if (!request.dnsNames().isEmpty() || !request.ips().isEmpty() || request.otherNames() > 0) {
      return Optional.of("a kubelet client certificate request must not have alternative names");
    }
    return usageProblem(usages, CLIENT_USAGES, "client auth");
  }

  /** Why {@code request} is not a kubelet serving request, or empty when it is one. */
  public static Optional<String> servingProblem(CertificateRequest request, JsonNode usages) {
    Optional<String> subject = subjectProblem(request);
    if (subject.isPresent()) {
      return subject;
    }
    if (request.otherNames() > 0) {
      return Optional.of("a kubelet serving certificate may only name DNS names and IP addresses");
    }
    if (request.dnsNames().isEmpty() && request.ips().isEmpty()) {
      return Optional.of("a kubelet serving certificate must name a DNS name or IP address");
    }
    return usageProblem(usages, SERVING_USAGES, "server auth");
  }

  /** The node name of {@code system:node:<name>}, or "" for other names. */
  public static String nodeName(String user) {
    return user.startsWith(NODE_PREFIX) ? user.substring(NODE_PREFIX.length()) : "";
  }

  private static Optional<String> subjectProblem(CertificateRequest request) {
    if (!request.organizations().equals(List.of(NODES_GROUP))) {
      return Optional.of("the subject must have exactly O=" + NODES_GROUP);
    }
    if (nodeName(request.commonName()).isEmpty()) {
      return Optional.of("the subject's CN must be " + NODE_PREFIX + "<node name>");
    }
    return Optional.empty();
  }

  private static Optional<String> usageProblem(JsonNode usages, Set<String> allowed, String must) {
    Set<String> asked = new HashSet<>();
    for (JsonNode u : usages) {
      asked.add(u.asText());
    }
    if (!allowed.containsAll(asked)) {
      return Optional.of("usages must be a subset of " + allowed);
    }
    if (!asked.contains(must)) {
      return Optional.of("usages must include " + must);
    }
    return Optional.empty();
  }
}
