"""Peak memory of this process, for the bench's one-job processes (build_one, verify_one)."""


def peak_rss_mb() -> int:
    """The high-water mark of this process's resident memory (VmHWM), in MB. Not getrusage's
    ru_maxrss: Linux carries that across fork and exec, so a job started by bench/run.py would
    report the runner's own peak (11.9 GB at 10 million items, where the rebuild peaked at 1 GB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return round(kb / 1024)
