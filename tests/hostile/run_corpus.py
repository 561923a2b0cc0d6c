#!/usr/bin/env python3
"""Converts every input of the hostile corpus (make_corpus.py) to PDF and
EPUB under a 2 GiB address-space limit (ulimit -v 2097152) and prints the
peak memory and CPU time of each run (from wait4's rusage). Fails when a
run crashes, dies of bad_alloc or an internal error, goes over the limits
of issue 15 (512 MB peak resident memory, 5 s of CPU time), floods stderr
or reports a file's diagnostics out of source order.
Usage: run_corpus.py MOYIN_BINARY [WORKDIR]"""
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

LIMIT_AS = 2097152 * 1024   # ulimit -v 2097152
LIMIT_RSS_MB = 512
LIMIT_CPU_S = 5.0
TIMEOUT_S = 120
# A document's diagnostics are capped per kind (doc::presentable): far fewer
# lines than this, whatever the input.
LIMIT_STDERR_LINES = 400
LOCATED = re.compile(r"^(.*?):(\d+):(\d+): (?:warning|error): ")


def run(binary, md, out):
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))
    cmd = [binary, "build", md, "--to", "all", "-o", out, "-j", "1"]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limits)
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except KeyboardInterrupt:
            p.kill()
            raise
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return p.returncode, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime, text


def stderr_faults(text):
    """Diagnostics a person cannot read: a flood, or a file's out of source order."""
    lines = text.splitlines()
    if len(lines) > LIMIT_STDERR_LINES:
        return [f"{len(lines)} lines on stderr > {LIMIT_STDERR_LINES} (warnings not capped)"]
    last = {}
    for line in lines:
        m = LOCATED.match(line)
        if not m:
            continue
        at = (int(m[2]), int(m[3]))
        if at < last.get(m[1], (0, 0)):
            return [f"diagnostics out of source order at: {line[:100]}"]
        last[m[1]] = at
    return []


def main():
    binary = os.path.abspath(sys.argv[1])
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="moyin-hostile-")
    corpus = os.path.join(work, "corpus")
    out = os.path.join(work, "out")
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "make_corpus.py"), corpus], check=True)
    failures = []
    print(f"{'input':28} {'exit':>4} {'peak MB':>8} {'cpu s':>6} {'stderr':>8}  first line")
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".md"):
            continue
        code, peak, cpu, text = run(binary, os.path.join(corpus, name), out)
        first = text.splitlines()[0][:70] if text else ""
        print(f"{name:28} {code:>4} {peak:>8.0f} {cpu:>6.2f} {len(text):>8}  {first}", flush=True)
        if code not in (0, 1):
            failures.append(f"{name}: exit status {code} (crash or signal)")
        if "bad_alloc" in text or "internal error" in text:
            failures.append(f"{name}: {'bad_alloc' if 'bad_alloc' in text else 'internal error'} in the output")
        if peak > LIMIT_RSS_MB:
            failures.append(f"{name}: peak memory {peak:.0f} MB > {LIMIT_RSS_MB} MB")
        failures += [f"{name}: {f}" for f in stderr_faults(text)]
        if cpu > LIMIT_CPU_S:
            failures.append(f"{name}: {cpu:.1f} s of CPU time > {LIMIT_CPU_S} s")
    shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
