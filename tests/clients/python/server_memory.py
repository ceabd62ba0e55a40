"""The server's memory, as the suites that bound it read it (/proc, Linux)."""
import threading


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class RssPeak:
    """Samples a process's RSS on a thread while the block runs; .growth_mb is peak minus start."""

    def __init__(self, pid):
        self.pid = pid
        self.base = self.peak = rss_kb(pid)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, rss_kb(self.pid))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, rss_kb(self.pid))

    @property
    def growth_mb(self):
        return (self.peak - self.base) / 1024

    def assert_bounded(self, result_bytes, fraction=4):
        """The growth stays under 1/fraction of a result of result_bytes."""
        limit_mb = result_bytes / fraction / 2**20
        assert self.growth_mb < limit_mb, \
            f"server RSS grew {self.growth_mb:.0f} MB over a {result_bytes / 2**20:.0f} MB result"
