package io.kuark.server.api.proxy;

/**
 * Where a pod stream request goes on the node agent.
 *
 * @param host the node's InternalIP (never a host name)
 * @param port the agent's HTTPS port
 * @param pathAndQuery e.g. {@code /exec/default/web/app?command=sh&stdin=1}
 */
record KubeletTarget(String host, int port, String pathAndQuery) {}
