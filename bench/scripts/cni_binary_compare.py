#!/usr/bin/env python3
"""Start-up cost of CNI plugin binaries side by side: interleaved ADD+DEL of each binary (first one
is the baseline), each in its own throwaway "host" netns and a fresh pod netns per call; prints
median wall time and median CPU time (user+sys of the plugin's whole process tree).

Run as root: bench/scripts/cni_binary_compare.py ITERATIONS LABEL=PATH[,VAR=VALUE...] ...
e.g. bench/scripts/cni_binary_compare.py 10 reference=/usr/lib/cni/bridge \
       jdk25=cni-bridge/kuark-bridge jdk17=cni-bridge/kuark-bridge,KUARK_JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
"""
import os, subprocess, sys, statistics, tempfile, time, resource
N = int(sys.argv[1])
variants = []
for arg in sys.argv[2:]:
    label, rest = arg.split("=", 1)
    parts = rest.split(",")
    env = dict(p.split("=", 1) for p in parts[1:])
    variants.append((label, os.path.abspath(parts[0]), env))
ipam_dir = tempfile.mkdtemp(prefix="cni-compare-")
subprocess.run(["ip", "netns", "add", "cmph"], check=False)
data = {v[0]: {"ADD": [], "DEL": []} for v in variants}
def call(binary, env, cmd, cid, pod, n, record, label):
    conf = ('{"cniVersion":"1.0.0","name":"cmp%d","type":"bridge","bridge":"cmpbr%d","isGateway":true,'
            '"isDefaultGateway":true,"hairpinMode":true,"ipam":{"type":"host-local","dataDir":"%s",'
            '"ranges":[[{"subnet":"10.99.%d.0/24"}]]}}') % (n, n, ipam_dir, 160 + n)
    e = dict(os.environ); e.update(env)
    e.update(CNI_COMMAND=cmd, CNI_CONTAINERID=cid, CNI_NETNS="/var/run/netns/" + pod, CNI_IFNAME="eth0", CNI_PATH="/usr/lib/cni")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(["nsenter", "--net=/var/run/netns/cmph", binary], input=conf.encode(), env=e, capture_output=True)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        print("FAIL", label, cmd, p.stdout[:300], p.stderr[-300:]); sys.exit(1)
    if record:
        data[label][cmd].append(((t1 - t0) * 1000, (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000))
try:
    for i in range(-2, N):
        for n, (label, binary, env) in enumerate(variants):
            pod = "cmpp%d" % n
            subprocess.run(["ip", "netns", "add", pod], check=True)
            try:
                call(binary, env, "ADD", "c%d" % i, pod, n, i >= 0, label)
                call(binary, env, "DEL", "c%d" % i, pod, n, i >= 0, label)
            finally:
                subprocess.run(["ip", "netns", "del", pod], check=False)
finally:
    subprocess.run(["ip", "netns", "del", "cmph"], check=False)
    subprocess.run(["rm", "-rf", ipam_dir], check=False)
ref = statistics.median(x[0] for x in data[variants[0][0]]["ADD"])
print("| binary | ADD median ms | ADD CPU median ms | DEL median ms | DEL CPU median ms | ADD vs reference |")
print("|---|---|---|---|---|---|")
for label, _, _ in variants:
    a, d = data[label]["ADD"], data[label]["DEL"]
    am = statistics.median(x[0] for x in a)
    print("| %s | %.1f | %.0f | %.1f | %.0f | %.1f× |" % (label, am, statistics.median(x[1] for x in a), statistics.median(x[0] for x in d), statistics.median(x[1] for x in d), am / ref))
