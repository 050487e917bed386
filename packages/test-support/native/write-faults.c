/*
 * Write-fault injection for Doppel's storage tests, loaded with LD_PRELOAD into a process under test.
 *
 * Counts the write and sync calls a process makes on files under DOPPEL_FAULT_DIR and fails call number
 * DOPPEL_FAULT_AT (1-based) with DOPPEL_FAULT_ERRNO (ENOSPC or EIO), the way SQLite's own test harness fails the
 * Nth I/O of its VFS. DOPPEL_FAULT_STICKY=1 keeps failing every later call (a disk that stays full); otherwise only
 * that one call fails (a transient I/O error). A failing write may first write half its bytes, as a torn write does
 * (DOPPEL_FAULT_TEAR=1). DOPPEL_FAULT_COUNT_FILE receives the running count, so a test can learn how many calls a
 * workload makes before it chooses where to fail.
 *
 * Calls on other files (pipes, sockets, the terminal, files elsewhere) pass through untouched and are not counted.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *fault_dir;
static size_t fault_dir_len;
static long fault_at;
static int fault_errno = ENOSPC;
static int sticky;
static int tear;
static int count_fd = -1;
static atomic_long calls;

__attribute__((constructor)) static void setup(void) {
  fault_dir = getenv("DOPPEL_FAULT_DIR");
  fault_dir_len = fault_dir == NULL ? 0 : strlen(fault_dir);
  const char *at = getenv("DOPPEL_FAULT_AT");
  fault_at = at == NULL ? 0 : strtol(at, NULL, 10);
  const char *code = getenv("DOPPEL_FAULT_ERRNO");
  if (code != NULL && strcmp(code, "EIO") == 0) fault_errno = EIO;
  const char *s = getenv("DOPPEL_FAULT_STICKY");
  sticky = s != NULL && strcmp(s, "1") == 0;
  const char *t = getenv("DOPPEL_FAULT_TEAR");
  tear = t != NULL && strcmp(t, "1") == 0;
  const char *count_file = getenv("DOPPEL_FAULT_COUNT_FILE");
  if (count_file != NULL) count_fd = (int)syscall(SYS_openat, AT_FDCWD, count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* Whether fd names a regular file under the fault directory; read from /proc, never cached (fds are reused). */
static int watched(int fd) {
  if (fault_dir_len == 0 || fd < 0 || fd == count_fd) return 0;
  char link[64];
  char target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  return strncmp(target, fault_dir, fault_dir_len) == 0 &&
         (target[fault_dir_len] == '/' || target[fault_dir_len] == '\0');
}

static void record(long n) {
  if (count_fd < 0) return;
  char text[32];
  int len = snprintf(text, sizeof text, "%ld\n", n);
  syscall(SYS_pwrite64, count_fd, text, (size_t)len, (off_t)0);
}

/* 1 when this call must fail: counts it first. */
static int should_fail(int fd) {
  if (!watched(fd)) return 0;
  long n = atomic_fetch_add(&calls, 1) + 1;
  record(n);
  if (fault_at <= 0) return 0;
  return sticky ? n >= fault_at : n == fault_at;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*sync_fn)(int);

/* The libc function this one stands in front of, looked up on first use. */
#define REAL(name, type)          \
  static type real_##name = NULL; \
  if (real_##name == NULL) real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t count) {
  REAL(write, write_fn);
  if (should_fail(fd)) {
    if (tear && count > 1) real_write(fd, buf, count / 2);
    errno = fault_errno;
    return -1;
  }
  return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
  REAL(pwrite, pwrite_fn);
  if (should_fail(fd)) {
    if (tear && count > 1) real_pwrite(fd, buf, count / 2, offset);
    errno = fault_errno;
    return -1;
  }
  return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
  REAL(pwrite64, pwrite_fn);
  if (should_fail(fd)) {
    if (tear && count > 1) real_pwrite64(fd, buf, count / 2, offset);
    errno = fault_errno;
    return -1;
  }
  return real_pwrite64(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
  REAL(writev, writev_fn);
  if (should_fail(fd)) {
    errno = fault_errno;
    return -1;
  }
  return real_writev(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
  REAL(pwritev, pwritev_fn);
  if (should_fail(fd)) {
    errno = fault_errno;
    return -1;
  }
  return real_pwritev(fd, iov, iovcnt, offset);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
  REAL(pwritev64, pwritev_fn);
  if (should_fail(fd)) {
    errno = fault_errno;
    return -1;
  }
  return real_pwritev64(fd, iov, iovcnt, offset);
}

int fsync(int fd) {
  REAL(fsync, sync_fn);
  if (should_fail(fd)) {
    errno = EIO;
    return -1;
  }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync, sync_fn);
  if (should_fail(fd)) {
    errno = EIO;
    return -1;
  }
  return real_fdatasync(fd);
}
