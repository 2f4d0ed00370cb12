#!/usr/bin/env python3
"""Soak and chaos run for handoff (issue 20). Python 3.11 standard library only.

Started by bench/soak/run.sh, which builds the binary and passes its path. This script:

* starts a standalone redis-server (AOF on) with two `handoff serve` instances A and B on it, and a
  3-master + 3-replica Redis Cluster with a third instance C on it;
* drives a steady, open-loop mixed load at a fixed modest rate (writers: preference PATCHes with a
  unique key each, one request in flight per user so a lost update can only come from the store;
  readers: GET /api/v1/me/preferences, legacy `generate_template_tickets`, REST `POST /api/v1/tickets`);
* injects faults on a timetable: SHUTDOWN NOSAVE of Redis, kill -9 of Redis, kill -9 of instance A,
  a graceful `CLUSTER FAILOVER` and a kill -9 of a cluster master;
* reports per phase: requests, errors inside / outside the outage windows by status, p50/p99, the RSS
  of every instance over time, and at the end reads back every acknowledged write.

An outage window runs from the moment a fault is injected until `GRACE_S` seconds after the fault is
repaired (Redis answers PING again / the instance answers /health / the cluster reports ok again).
Errors in a window are expected (503 with Retry-After, or connection refused while an instance is
down); errors outside every window are failures. Redis windows cover A and B, instance-A windows
cover A only, cluster windows cover C only.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict

GRACE_S = 5.0
REQUEST_TIMEOUT_S = 10.0


def log(msg):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_cluster_port():
    """A free port whose cluster bus port (+10000) is free too; Redis refuses ports above 55535."""
    while True:
        port = random.randint(20000, 45000)
        try:
            for p in (port, port + 10000):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue


def redis_cli(port, *args, timeout=10):
    out = subprocess.run(
        ["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=timeout
    )
    return out.stdout.strip()


def wait_until(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pred():
                return True
        except Exception:
            pass
        time.sleep(step)
    return False


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Redis:
    """One redis-server process, restartable on the same port and data dir."""

    def __init__(self, work, name, port, extra):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port, self.extra, self.proc = port, extra, None

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--logfile", "redis.log", "--save", ""] + self.extra
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        if not wait_until(lambda: redis_cli(self.port, "PING") == "PONG", 60):
            raise RuntimeError(f"redis on {self.port} did not start")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def shutdown_nosave(self):
        redis_cli(self.port, "SHUTDOWN", "NOSAVE")
        self.proc.wait(timeout=30)


class Instance:
    """One `handoff serve` process."""

    def __init__(self, binary, work, name, redis_url, env):
        self.binary, self.name, self.port = binary, name, free_port()
        self.env = dict(env, HANDOFF_REDIS_URL=redis_url, HANDOFF_BIND=f"127.0.0.1:{self.port}",
                        HANDOFF_DATA_DIR=os.path.join(work, f"data-{name}"))
        self.logpath = os.path.join(work, f"serve-{name}.log")
        self.proc = None

    def start(self):
        logf = open(self.logpath, "ab")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=logf, stderr=logf)
        if not wait_until(lambda: http_get(self.port, "/health")[0] == 200, 60):
            raise RuntimeError(f"instance {self.name} did not become healthy")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def cli(self, *args):
        out = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True,
                             timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"handoff {' '.join(args)} failed: {out.stderr}")
        return out.stdout


def http_get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except OSError:
        return None, b""
    finally:
        conn.close()


class Recorder:
    """Every request: (wall time, instance, op, status or error class, latency s, schedule lag s),
    and the first few response bodies of each error class (to see what a client is told)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []
        self.samples = defaultdict(list)

    def add(self, *row):
        with self.lock:
            self.rows.append(row)

    def sample(self, status, body):
        with self.lock:
            if len(self.samples[str(status)]) < 3:
                self.samples[str(status)].append(body[:300].decode("utf-8", "replace"))


class Client:
    """A keep-alive connection per (thread, instance); reconnects after any failure."""

    def __init__(self):
        self.local = threading.local()

    def request(self, port, method, path, token, body=None):
        conns = self.local.__dict__.setdefault("conns", {})
        conn = conns.get(port)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
            conns[port] = conn
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
            if status == 503 and not resp.getheader("Retry-After"):
                status = "503-no-retry-after"
            return status, data, resp.getheader("Retry-After")
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conns.pop(port, None)
            name = type(exc).__name__
            if isinstance(exc, TimeoutError) or "timed out" in str(exc):
                name = "timeout"
            return f"conn:{name}", b"", None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--duration", type=float, default=1800, help="total seconds (5 phases)")
    ap.add_argument("--rate", type=float, default=40, help="total requests per second")
    ap.add_argument("--frame", required=True, help="plugin frame JSON for the ticket requests")
    ap.add_argument("--out", required=True, help="JSON results file")
    opts = ap.parse_args()

    work = opts.work
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")}
    env.update(HANDOFF_AUTH="required", HANDOFF_LOG_LEVEL="warn", HANDOFF_LOG_FORMAT="json",
               HANDOFF_RATE_LIMITS__READS_PER_MIN="6000000",
               HANDOFF_RATE_LIMITS__GENERATION_PER_MIN="6000000")

    procs_to_stop = []
    try:
        return run(opts, work, env, procs_to_stop)
    finally:
        for p in procs_to_stop:
            try:
                if isinstance(p, Instance):
                    p.stop()
                elif p.proc and p.proc.poll() is None:
                    p.proc.kill()
                    p.proc.wait()
            except Exception:
                pass


def run(opts, work, env, procs_to_stop):
    # --- Standalone Redis, AOF with everysec fsync (Redis' default when AOF is on). ---
    redis = Redis(work, "redis", free_port(), ["--appendonly", "yes", "--appendfsync", "everysec"])
    redis.start()
    procs_to_stop.append(redis)
    url = f"redis://127.0.0.1:{redis.port}"

    # --- Cluster: 3 masters + 3 replicas, quick failure detection. ---
    cports = [free_cluster_port() for _ in range(6)]
    cluster = [Redis(work, f"cluster-{p}", p, ["--cluster-enabled", "yes",
                                               "--cluster-node-timeout", "3000",
                                               "--cluster-config-file", "nodes.conf",
                                               "--appendonly", "no"]) for p in cports]
    for node in cluster:
        node.start()
        procs_to_stop.append(node)
    out = subprocess.run(["redis-cli", "--cluster", "create",
                          *[f"127.0.0.1:{p}" for p in cports], "--cluster-replicas", "1",
                          "--cluster-yes"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"cluster create failed: {out.stdout}{out.stderr}")
    if not wait_until(lambda: all("cluster_state:ok" in redis_cli(p, "CLUSTER", "INFO")
                                  for p in cports), 60, 0.5):
        raise RuntimeError("cluster did not reach ok")
    curl = "redis+cluster://" + ",".join(f"127.0.0.1:{p}" for p in cports)

    a = Instance(opts.binary, work, "A", url, env)
    b = Instance(opts.binary, work, "B", url, env)
    c = Instance(opts.binary, work, "C", curl, env)

    def make_user(inst, name):
        user = re.search(r"u_[0-9a-f]+", inst.cli("users", "add", name, "--org", "soak")).group(0)
        key = re.search(r"hk_[A-Za-z0-9_-]+",
                        inst.cli("keys", "create", "--user", user, "--label", "soak")).group(0)
        return user, key

    # Writers: one user each, one request in flight per user (preferences are a read-modify-write
    # of the user record; concurrent PATCHes of one user are not what this run measures).
    standalone_users = [make_user(a, f"soak-w{i}") for i in range(6)]
    cluster_users = [make_user(c, f"soak-c{i}") for i in range(3)]
    reader_key = make_user(a, "soak-reader")[1]
    cluster_reader_key = make_user(c, "soak-creader")[1]

    for inst in (a, b, c):
        inst.start()
        procs_to_stop.append(inst)
    log(f"redis :{redis.port}, cluster {cports}, instances A :{a.port} B :{b.port} C :{c.port}")

    frame = open(opts.frame).read()
    legacy_body = json.dumps({"method": "generate_template_tickets", "params": {
        "frameData": json.loads(frame), "platform": "jira", "documentType": "component",
        "projectName": "Soak"}}).encode()
    v1_body = json.dumps({"frames": json.loads(frame), "platform": "jira",
                          "document_type": "component", "project_name": "Soak"}).encode()

    rec = Recorder()
    client = Client()
    t0 = time.time()
    stop = threading.Event()
    phase_len = opts.duration / 5
    phases = ["baseline", "redis_restart", "redis_kill9", "instance_kill9", "cluster_failover"]
    windows = []  # (start, end, targets, label)
    acked = defaultdict(dict)  # user -> {key: value}
    attempted = defaultdict(int)

    def phase_at(t):
        return phases[min(int((t - t0) / phase_len), len(phases) - 1)]

    # ---------------- load ----------------
    # Writer rate: 1/4 of the total, spread over the writers; readers get the rest.
    writer_users = [(u, k, (a, b)) for u, k in standalone_users] + \
                   [(u, k, (c,)) for u, k in cluster_users]
    per_writer_interval = len(writer_users) / (opts.rate * 0.25)

    def writer(idx, user, key, targets):
        seq = 0
        nxt = time.monotonic() + random.random() * per_writer_interval
        while not stop.is_set():
            now = time.monotonic()
            if nxt > now:
                time.sleep(nxt - now)
            lag = max(0.0, time.monotonic() - nxt)
            nxt += per_writer_interval
            if nxt < time.monotonic():  # do not pile up after a slow request; stay open-loop-ish
                nxt = time.monotonic()
            seq += 1
            inst = targets[seq % len(targets)]
            k = f"w{idx}_{seq}"
            v = seq * 7 + idx
            attempted[user] += 1
            start = time.time()
            st, data, _ = client.request(inst.port, "PATCH", "/api/v1/me/preferences", key,
                                         json.dumps({k: v}).encode())
            lat = time.time() - start
            if st == 200:
                try:
                    if json.loads(data).get(k) == v:
                        acked[user][k] = v
                    else:
                        st = "200-missing-key"
                except ValueError:
                    st = "200-bad-json"
            if st != 200:
                rec.sample(st, data)
            rec.add(start, inst.name, "patch_prefs", st, lat, lag)

    # Readers: an open-loop schedule at the remaining rate, dispatched to a small thread pool.
    reader_rate = opts.rate * 0.75
    import queue
    jobs = queue.Queue()

    def reader_worker():
        while True:
            job = jobs.get()
            if job is None:
                return
            sched, inst, op, method, path, body, tok = job
            start = time.time()
            lag = max(0.0, time.monotonic() - sched)
            st, data, _ = client.request(inst.port, method, path, tok, body)
            if st not in (200, 201):
                rec.sample(st, data)
            rec.add(start, inst.name, op, st, time.time() - start, lag)

    ops = [("get_prefs", "GET", "/api/v1/me/preferences", None, 0.4),
           ("legacy_generate", "POST", "/", legacy_body, 0.3),
           ("v1_tickets", "POST", "/api/v1/tickets", v1_body, 0.3)]

    def dispatcher():
        interval = 1.0 / reader_rate
        nxt = time.monotonic()
        i = 0
        while not stop.is_set():
            now = time.monotonic()
            if nxt > now:
                time.sleep(nxt - now)
            i += 1
            # A, B and C in turn: 2 of 3 requests on the standalone pair, 1 of 3 on the cluster.
            inst = (a, b, c)[i % 3]
            tok = cluster_reader_key if inst is c else reader_key
            r = random.random()
            for op, method, path, body, w in ops:
                if r < w:
                    break
                r -= w
            jobs.put((nxt, inst, op, method, path, body, tok))
            nxt += interval

    threads = [threading.Thread(target=writer, args=(i, u, k, t), daemon=True)
               for i, (u, k, t) in enumerate(writer_users)]
    # Enough workers that a 10 s timeout on every request of an outage cannot stall the schedule.
    pool = [threading.Thread(target=reader_worker, daemon=True) for _ in range(64)]
    for t in threads + pool:
        t.start()
    disp = threading.Thread(target=dispatcher, daemon=True)
    disp.start()

    # RSS every 10 s for every instance (A's pid changes when it is restarted).
    rss = []  # (t, name, kib)

    def sampler():
        while not stop.is_set():
            for inst in (a, b, c):
                if inst.proc and inst.proc.poll() is None:
                    rss.append((time.time() - t0, inst.name, rss_kib(inst.proc.pid)))
            stop.wait(10)

    threading.Thread(target=sampler, daemon=True).start()

    def sleep_until(rel):
        while time.time() - t0 < rel and not stop.is_set():
            time.sleep(0.2)

    events = []

    def window(targets, label, fault, repair, ready):
        start = time.time()
        fault()
        events.append((start - t0, f"{label}: fault injected"))
        repair()
        if not wait_until(ready, 120, 0.1):
            events.append((time.time() - t0, f"{label}: NOT repaired within 120 s"))
        repaired = time.time()
        events.append((repaired - t0, f"{label}: repaired after {repaired - start:.1f} s"))
        windows.append((start, repaired + GRACE_S, targets, label))
        log(f"{label}: window {repaired - start + GRACE_S:.1f} s")

    # ---------------- timetable ----------------
    log("phase baseline")
    off = min(30.0, phase_len / 4)
    sleep_until(phase_len)
    log("phase redis_restart")
    sleep_until(phase_len + off)

    def redis_down_then_up(kill):
        def fault():
            if kill:
                redis.kill9()
            else:
                redis.shutdown_nosave()
        return fault

    window({"A", "B"}, "redis SHUTDOWN NOSAVE (AOF everysec), 10 s down, restart",
           redis_down_then_up(False), lambda: (time.sleep(10), redis.start()),
           lambda: redis_cli(redis.port, "PING") == "PONG")
    sleep_until(2 * phase_len)
    log("phase redis_kill9")
    redis_cli(redis.port, "CONFIG", "SET", "appendfsync", "always")
    sleep_until(2 * phase_len + off)
    # The restarted server reads appendfsync from its command line (everysec) again; set always
    # for this phase only, and keep it set after the restart too.
    window({"A", "B"}, "redis kill -9 (AOF appendfsync always), 10 s down, restart",
           redis_down_then_up(True),
           lambda: (time.sleep(10), redis.start(),
                    redis_cli(redis.port, "CONFIG", "SET", "appendfsync", "always")),
           lambda: redis_cli(redis.port, "PING") == "PONG")
    sleep_until(3 * phase_len)
    redis_cli(redis.port, "CONFIG", "SET", "appendfsync", "everysec")
    log("phase instance_kill9")
    sleep_until(3 * phase_len + off)
    window({"A"}, "instance A kill -9, 5 s down, restart", a.kill9,
           lambda: (time.sleep(5), a.start()), lambda: http_get(a.port, "/health")[0] == 200)
    sleep_until(4 * phase_len)
    log("phase cluster_failover")
    sleep_until(4 * phase_len + off)

    def masters():
        res = {}
        for p in cports:
            info = redis_cli(p, "INFO", "replication")
            if "role:master" in info:
                res[p] = True
        return res

    def cluster_ok():
        return all("cluster_state:ok" in redis_cli(p, "CLUSTER", "INFO") for p in cports
                   if cluster_alive(p))

    def cluster_alive(p):
        node = next(n for n in cluster if n.port == p)
        return node.proc.poll() is None

    replicas = [p for p in cports if p not in masters()]
    target_replica = replicas[0]
    old_master_port = None
    for line in redis_cli(target_replica, "INFO", "replication").splitlines():
        if line.startswith("master_port:"):
            old_master_port = int(line.split(":")[1])
    window({"C"}, f"CLUSTER FAILOVER on replica :{target_replica} (graceful)",
           lambda: redis_cli(target_replica, "CLUSTER", "FAILOVER"), lambda: None,
           lambda: "role:master" in redis_cli(target_replica, "INFO", "replication")
           and cluster_ok())
    sleep_until(4 * phase_len + off + phase_len / 3)
    # Hard failover: kill -9 the master that was just promoted; its replica (the old master)
    # takes over after cluster-node-timeout (3 s) plus the election.
    victim = next(n for n in cluster if n.port == target_replica)
    window({"C"}, f"kill -9 cluster master :{target_replica} (replica :{old_master_port} "
                  "takes over), restart it 20 s later",
           victim.kill9, lambda: None,
           lambda: "role:master" in redis_cli(old_master_port, "INFO", "replication")
           and cluster_ok())
    sleep_until(4 * phase_len + off + phase_len / 3 + 20)
    victim.start()
    events.append((time.time() - t0, f"cluster node :{target_replica} restarted (rejoins as "
                                     "replica)"))
    sleep_until(5 * phase_len)
    stop.set()
    log("load stopped; draining")
    for _ in pool:
        jobs.put(None)
    for t in threads + pool:
        t.join(timeout=30)

    # ---------------- verification ----------------
    time.sleep(2)
    lost = {}
    verify_errors = []
    for user, key, targets in writer_users:
        inst = targets[-1]
        st, data, _ = client.request(inst.port, "GET", "/api/v1/me/preferences", key)
        if st != 200:
            verify_errors.append(f"{user} on {inst.name}: {st} {data[:200]!r}")
            continue
        stored = json.loads(data)
        missing = {k: v for k, v in acked[user].items() if stored.get(k) != v}
        if missing:
            lost[user] = sorted(missing)[:20] + ([f"... {len(missing)} in all"]
                                                 if len(missing) > 20 else [])
        lost.setdefault("_count", 0)
        lost["_count"] += len(missing)
    total_acked = sum(len(v) for v in acked.values())

    # ---------------- report ----------------
    def in_window(t, name):
        return any(s <= t <= e and name in targets for s, e, targets, _ in windows)

    def pct(vals, q):
        if not vals:
            return None
        vals = sorted(vals)
        return round(vals[min(len(vals) - 1, int(q * len(vals)))] * 1000, 2)

    report = {"duration_s": opts.duration, "rate_target": opts.rate, "phases": {},
              "windows": [(round(s - t0, 1), round(e - t0, 1), sorted(tg), lbl)
                          for s, e, tg, lbl in windows],
              "events": [(round(t, 1), e) for t, e in events]}
    by_phase = defaultdict(list)
    for row in rec.rows:
        by_phase[phase_at(row[0])].append(row)
    for ph in phases:
        rows = by_phase[ph]
        ok_lat = [r[4] for r in rows if r[3] in (200, 201) and not in_window(r[0], r[1])]
        errs_in, errs_out = defaultdict(int), defaultdict(int)
        for t, name, op, st, lat, lag in rows:
            if st in (200, 201):
                continue
            bucket = errs_in if in_window(t, name) else errs_out
            bucket[f"{name} {op} {st}"] += 1
        per_op = {}
        for op in ("patch_prefs", "get_prefs", "legacy_generate", "v1_tickets"):
            lats = [r[4] for r in rows if r[2] == op and r[3] in (200, 201)
                    and not in_window(r[0], r[1])]
            per_op[op] = {"n": len(lats), "p50_ms": pct(lats, 0.5), "p99_ms": pct(lats, 0.99)}
        per_inst = {}
        for name in ("A", "B", "C"):
            lats = [r[4] for r in rows if r[1] == name and r[3] in (200, 201)
                    and not in_window(r[0], r[1])]
            per_inst[name] = {"n": len(lats), "p50_ms": pct(lats, 0.5), "p99_ms": pct(lats, 0.99)}
        report["phases"][ph] = {
            "requests": len(rows),
            "rps": round(len(rows) / phase_len, 1),
            "errors_outside_windows": dict(errs_out),
            "errors_inside_windows": dict(errs_in),
            "p50_ms": pct(ok_lat, 0.5), "p99_ms": pct(ok_lat, 0.99),
            "per_op": per_op, "per_instance": per_inst,
            # Readers are open-loop: their lag is how late the generator sent a request (the
            # generator being the bottleneck would show here). Writers are one-in-flight per user,
            # so their lag includes waiting out their own slow or failed previous request.
            "max_reader_lag_ms": round(max((r[5] for r in rows if r[2] != "patch_prefs"),
                                           default=0) * 1000, 1),
            "max_writer_lag_ms": round(max((r[5] for r in rows if r[2] == "patch_prefs"),
                                           default=0) * 1000, 1),
            "rss_kib_max": {n: max((k for t, nm, k in rss if nm == n and k
                                    and phase_at(t0 + t) == ph), default=None)
                            for n in ("A", "B", "C")},
        }
    report["rss_kib"] = {}
    for name in ("A", "B", "C"):
        samples = [(round(t), k) for t, n, k in rss if n == name and k]
        report["rss_kib"][name] = {
            "first": samples[0] if samples else None,
            "every_5_min": [s for s in samples if s[0] % 300 < 10],
            "max": max((k for _, k in samples), default=None),
            "last": samples[-1] if samples else None,
        }
    cpu = os.times()
    report["loadgen_cpu_s"] = round(cpu.user + cpu.system, 1)
    report["acknowledged_writes"] = total_acked
    report["write_attempts"] = sum(attempted.values())
    report["acknowledged_writes_lost"] = lost.pop("_count", 0)
    report["lost_detail"] = lost
    report["verify_errors"] = verify_errors
    report["errors_outside_windows_total"] = sum(
        sum(p["errors_outside_windows"].values()) for p in report["phases"].values())
    report["error_body_samples"] = dict(rec.samples)
    report["500s_total"] = sum(1 for r in rec.rows if r[3] == 500)
    with open(opts.out, "w") as f:
        json.dump(report, f, indent=1)
    with open(opts.out + ".rows.jsonl", "w") as f:
        for r in rec.rows:
            f.write(json.dumps([round(r[0] - t0, 3), r[1], r[2], r[3], round(r[4], 4),
                                round(r[5], 4)]) + "\n")
    print(json.dumps(report, indent=1))
    ok = (report["errors_outside_windows_total"] == 0 and report["acknowledged_writes_lost"] == 0
          and not verify_errors)
    log("RESULT " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
