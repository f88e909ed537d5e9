package io.kuark.agent.join;

/**
 * {@code --server URL --token T}: join the cluster with a join token instead of a kubeconfig.
 *
 * @param serverUrl the API server, e.g. {@code https://10.0.0.1:6443}
 * @param token the join token, {@code K10<ca-sha256>::<id>.<secret>}
 */
public record JoinFlags(String serverUrl, JoinToken token) {}
