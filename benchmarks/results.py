#!/usr/bin/env python3
"""Renders benchmarks/RESULTS.md from benchmark JSON lines on stdin (one per line)."""
import json
import platform
import subprocess
import sys

command = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/run.sh all"
rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()

print("# Benchmark results\n")
print(f"Machine: {cpu}, {cores} cores, {platform.system()} {platform.release()}. Commit: `{commit}`.")
print(f"Command: `{command}` (release builds, loopback only, load generator on the same machine).\n")
for row in rows:
    name = row.get("benchmark", "?") + (f" ({row['protocol']})" if "protocol" in row else "")
    figures = ", ".join(f"`{k}` {v}" for k, v in row.items() if k not in ("benchmark", "protocol"))
    print(f"- **{name}**: {figures}")
print("\nRaw lines:\n\n```")
for row in rows:
    print(json.dumps(row, separators=(",", ":")))
print("```")
