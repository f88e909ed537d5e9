package io.kuark.linux.jnr;

/**
 * The libc functions Kuark calls. Only primitive, String and byte[] parameters are used so the
 * binding works both with JNR's generated (ASM) invokers and its reflection/proxy mode ({@code
 * -Djnr.ffi.asm.enabled=false}), the one a native image can use.
 *
 * <p>No JNR annotations ({@code @In}, {@code @Out}, {@code @size_t}, ...): reading a parameter
 * annotation makes the JVM generate a proxy class for it and for its meta-annotations at run time,
 * which was about a fifth of the kuark-bridge binary's start-up (docs/benchmarks.md, CNI). Arrays
 * are therefore copied both ways (the default), and {@code size_t}/{@code ssize_t} are Java {@code
 * long}s, which is what they are on the 64-bit (LP64) platforms Kuark runs on.
 */
public interface LibC {
  int O_RDONLY = 0;
  int O_CLOEXEC = 0x80000;
  int CLONE_NEWNS = 0x00020000;
  int CLONE_NEWNET = 0x40000000;
  int MNT_DETACH = 2;

  int AF_NETLINK = 16;
  int SOCK_RAW = 3;
  int SOCK_CLOEXEC = 0x80000;
  int NETLINK_ROUTE = 0;
  int NETLINK_NETFILTER = 12;
  int SOL_SOCKET = 1;
  int SO_RCVBUF = 8;
  int SO_SNDBUF = 7;
  int SOL_NETLINK = 270;
  int NETLINK_EXT_ACK = 11;
  int NETLINK_GET_STRICT_CHK = 12;
  int MSG_TRUNC = 0x20;

  int unshare(int flags);

  int setns(int fd, int nstype);

  int mount(String source, String target, String fstype, long flags, String data);

  int umount2(String target, int flags);

  int open(String path, int flags, int mode);

  int close(int fd);

  String strerror(int errnum);

  int socket(int domain, int type, int protocol);

  int setsockopt(int fd, int level, int optname, int[] optval, int optlen);

  long send(int fd, byte[] buf, long len, int flags);

  long recv(int fd, byte[] buf, long len, int flags);

  // Pseudo-terminals (exec with a tty).
  int posix_openpt(int flags);

  int grantpt(int fd);

  int unlockpt(int fd);

  int ptsname_r(int fd, byte[] buf, long buflen);

  int ioctl(int fd, long request, byte[] arg);

  // termios as glibc's struct (60 bytes on Linux; callers pass a larger buffer).
  int tcgetattr(int fd, byte[] termios);

  int tcsetattr(int fd, int optionalActions, byte[] termios);

  void cfmakeraw(byte[] termios);

  long read(int fd, byte[] buf, long count);

  long write(int fd, byte[] buf, long count);

  // File system usage (eviction signals and stats: inode counts the JDK does not expose).
  int statvfs(String path, byte[] buf);

  // Named pipes (a container's stdio fifos) without a mkfifo process per container.
  int mkfifo(String path, int mode);

  // Raw system calls without a libc wrapper everywhere (pidfd_open and pidfd_send_signal came
  // with glibc 2.36): syscall(2) with integer arguments, unused ones zero.
  long syscall(long number, long a1, long a2, long a3, long a4);
}
