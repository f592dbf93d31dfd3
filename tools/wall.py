"""`make wall`: start Sentinel (unless it already runs) and open the wall screen full screen.

    .venv/bin/python tools/wall.py [--port 8501] [--scale 2]

The wall sizes itself to the screen (1080p, 4K, 32:9); --scale is an optional device scale factor
(a browser zoom): 2 on a 3840×2160 screen draws the 1920×1080 layout twice as sharp instead. Without
Chromium on the machine it prints the address to open instead.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    base = f"http://localhost:{args.port}"
    server = None
    if not healthy(base):
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                                   "--server.port", str(args.port)], cwd=ROOT,
                                  env={**os.environ, "FORWARDED_ALLOW_IPS": ""})  # ledger.access.SERVER_ENV
        while not healthy(base):
            if server.poll() is not None:
                sys.exit("Sentinel did not start; see the messages above")
            time.sleep(0.5)
    wall = f"{base}/?mode=wall"
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser:
        subprocess.Popen([browser, "--kiosk", f"--app={wall}", f"--force-device-scale-factor={args.scale}",
                          "--noerrdialogs", "--disable-session-crashed-bubble", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    else:
        print(f"open {wall} full screen (F11)")
    if server is not None:
        server.wait()


if __name__ == "__main__":
    main()
