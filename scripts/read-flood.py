#!/usr/bin/env python3
"""Issue 24, point 2: the load generator's read floods (ReadFlood.java's fetch and search) in a process that costs the
machine next to nothing, for scripts/flood-compare.sh's `fetch-light` and `search-light`.

The flooding JVM, even under SCHED_IDLE, fills both cores of the two-core VM for about 0.7 s at each flood's start
while it compiles and decodes (perf, docs/PERFORMANCE-LOG.md): an attacker on another machine costs the node nothing
of that. This does the same flood with no JIT and no event loop: one blocking thread per socket.

usage (as ReadFlood.main): read-flood.py FETCH|SEARCH URL USER CONVERSATION SOCKETS IN_FLIGHT LIMIT, the user's
cookie in FLOOD_COOKIE. It floods from the line `go` on its input until the next line, then prints its summary and
exits. FETCH: each socket keeps IN_FLIGHT history fetches of LIMIT messages in flight (each answer or refusal sends the
next at once: a flooder does not wait as told); a socket closed, or a connection refused, is tried again 200 ms later.
SEARCH: IN_FLIGHT REST searches in flight, each on a connection of its own, the next asked when one is answered;
with FLOOD_CONNECT_EARLY=1 in the environment those connections are opened, and their threads started, before `go`.
With FLOOD_CLIENT=wrk the search flood is sent by wrk (Debian's `wrk`, with scripts/search-flood.lua) instead of
Python's threads: the same connections and the same closed loop, at a small fraction of Python's CPU a request (this
process then only waits for `stop`).
With FLOOD_CLIENT=sql no HTTP reaches the node: the statements of the searches the node would answer go straight to
its PostgreSQL over one psql connection (FLOOD_SQL, written by the generator; PG* in the environment); with
FLOOD_SQL_SCHED=idle that connection's backend runs under SCHED_IDLE.
"""
import base64
import http.client
import json
import os
import random
import re
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse

answered = refused = failed = 0
counts = threading.Lock()
stopped = threading.Event()
open_sockets = set()


def count(kind):
    global answered, refused, failed
    with counts:
        if kind == 'answered':
            answered += 1
        elif kind == 'refused':
            refused += 1
        else:
            failed += 1


def frame(text):
    """A masked client text frame."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    head = bytearray([0x81])
    if n < 126:
        head.append(0x80 | n)
    elif n < 65536:
        head += bytes([0x80 | 126]) + n.to_bytes(2, 'big')
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, 'big')
    return bytes(head) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def recv_exact(sock, n, buf):
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError('closed')
        buf += chunk
    out = bytes(buf[:n])
    del buf[:n]
    return out


def frames(sock, buf):
    """Yields (opcode, payload) of the server's frames (unmasked; fragments joined)."""
    message, first_op = b'', None
    while True:
        b0, b1 = recv_exact(sock, 2, buf)
        op, n = b0 & 0x0F, b1 & 0x7F
        if n == 126:
            n = int.from_bytes(recv_exact(sock, 2, buf), 'big')
        elif n == 127:
            n = int.from_bytes(recv_exact(sock, 8, buf), 'big')
        payload = recv_exact(sock, n, buf)
        if op == 0:
            message += payload
        elif op in (1, 2):
            message, first_op = payload, op
        else:
            yield op, payload
            continue
        if b0 & 0x80:
            yield first_op, message
            message = b''


def fetch(sock, conversation, limit, n):
    inner = json.dumps({'type': 'send', 'address': 'chat.messages.fetch', 'replyAddress': 'fl.%d' % n,
                        'body': {'conversationId': conversation, 'limit': limit}})
    sock.sendall(frame(json.dumps([inner])))


def one_socket(url, cookie, conversation, in_flight, limit, all_open):
    host, port = url.hostname, url.port or 80
    origin = '%s://%s:%d' % (url.scheme, host, port)
    while not stopped.is_set():
        sock = None
        try:
            sock = socket.create_connection((host, port), timeout=20)
            sock.settimeout(None)
            with counts:
                open_sockets.add(sock)
            if stopped.is_set():
                return
            path = '/eventbus/%d/%s/websocket' % (random.randint(100, 999),
                                                  ''.join(random.choices(string.ascii_lowercase + string.digits, k=12)))
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(('GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                          'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\nCookie: %s\r\n\r\n'
                          % (path, host, port, key, origin, cookie)).encode())
            buf = bytearray()
            while b'\r\n\r\n' not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError('closed during the handshake')
                buf += chunk
            head, _, rest = bytes(buf).partition(b'\r\n\r\n')
            if b' 101 ' not in head.split(b'\r\n', 1)[0]:
                raise ConnectionError('handshake refused')
            buf = bytearray(rest)
            n = 0
            for op, payload in frames(sock, buf):
                if op == 8:
                    break
                if op != 1:
                    continue
                text = payload.decode()
                if text.startswith('o'):
                    # The first time, every socket is open before any asks (as the JVM's client, whose 15 connect at
                    # once): each then gets its refusals, not the handshake's refusal after the first is closed.
                    if all_open is not None:
                        try:
                            all_open.wait(5)
                        except threading.BrokenBarrierError:
                            pass
                        all_open = None
                    for _ in range(in_flight):
                        fetch(sock, conversation, limit, n)
                        n += 1
                elif text.startswith('a'):
                    for item in json.loads(text[1:]):
                        message = json.loads(item)
                        if not str(message.get('address', '')).startswith('fl.'):
                            continue
                        if message.get('type') == 'err':
                            count('refused' if message.get('failureCode') in (429, 503) else 'failed')
                        else:
                            count('answered')
                        if not stopped.is_set():
                            fetch(sock, conversation, limit, n)
                            n += 1
            if not stopped.is_set():
                count('failed')  # closed by the server
        except OSError:
            if not stopped.is_set():
                count('failed')
        finally:
            if sock is not None:
                with counts:
                    open_sockets.discard(sock)
                sock.close()
        stopped.wait(0.2)


WORDS = ['homework', 'lesson', 'question', 'thanks', 'tomorrow', 'maths', 'load']


def connect(url):
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=20)
    connection.connect()
    with counts:
        open_sockets.add(connection.sock)
    return connection


def one_searcher(url, cookie, connection, go):
    """One of the admin's searches in flight, over a connection of its own (kept alive, as the JVM's client's), from
    `go` on; `connection` is None or one opened before (FLOOD_CONNECT_EARLY)."""
    host, port = url.hostname, url.port or 80
    origin = '%s://%s:%d' % (url.scheme, host, port)
    go.wait()
    while not stopped.is_set():
        try:
            if connection is None:
                connection = connect(url)
            connection.request('GET', '/api/search?q=' + random.choice(WORDS),
                               headers={'Cookie': cookie, 'Origin': origin})
            response = connection.getresponse()
            response.read()
            count('answered' if response.status == 200 else 'refused' if response.status in (429, 503) else 'failed')
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            if not stopped.is_set():
                count('failed')
            if connection is not None:
                connection.close()
                connection = None


def wrk_search(url, user, in_flight):
    """The search flood sent by wrk from `go` to `stop` (FLOOD_CLIENT=wrk); prints the same summary as main."""
    if sys.stdin.readline().strip() != 'go':
        return
    host, port = url.hostname, url.port or 80
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'search-flood.lua')
    env = dict(os.environ, FLOOD_ORIGIN='%s://%s:%d' % (url.scheme, host, port))
    started = time.monotonic()
    cpu_before = os.times()
    wrk = subprocess.Popen(['wrk', '-t1', '-c', in_flight, '-d', '1h', '--timeout', '20s', '-s', script,
                            '%s://%s:%d' % (url.scheme, host, port)], env=env, stdout=subprocess.PIPE, text=True)
    sys.stdin.readline()
    wrk.send_signal(signal.SIGINT)  # wrk stops, prints its report and calls the script's done()
    out, _ = wrk.communicate(timeout=30)
    s = max(time.monotonic() - started, 1e-9)
    cpu_ms = cpu_since(cpu_before, children=True)
    m = re.search(r'wrk: (\d+) answers, (\d+) of them refusals; (\d+) connect, (\d+) read, (\d+) write errors, '
                  r'(\d+) timeouts', out)
    if m is None:
        print('read flood (search by user %s, wrk): no report from wrk: %s' % (user, out.strip()[-300:]), flush=True)
        return
    total, refusals = int(m.group(1)), int(m.group(2))
    failures = sum(int(g) for g in m.groups()[2:])
    report('search by user %s, %s in flight, wrk' % (user, in_flight), total - refusals, refusals, failures, s, cpu_ms)


def sql_search(user):
    """The statements the node runs for the search flood's answered searches, sent straight to its PostgreSQL over
    one connection opened before the flood (as the node's reports connections are), from `go` to `stop`
    (FLOOD_CLIENT=sql; FLOOD_SQL the statements, each flooded word in psql's variable w; PG* the connection): first
    the burst the node lets through at once, one after another, then its rate. No HTTP reaches the node: what
    PostgreSQL's share of a search flood costs the others."""
    with open(os.environ['FLOOD_SQL']) as f:
        template = f.read()
    burst, rate = int(os.environ.get('FLOOD_SQL_BURST', '15')), float(os.environ.get('FLOOD_SQL_RATE', '3'))
    name = 'homeroom-search-flood-%d' % os.getpid()
    psql = subprocess.Popen(['psql', '-X', '-q', '-o', '/dev/null'], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PGAPPNAME=name))
    if os.environ.get('FLOOD_SQL_SCHED') == 'idle':
        idle_backend(psql, name)

    def wait_stop():
        sys.stdin.readline()
        stopped.set()

    if sys.stdin.readline().strip() != 'go':
        psql.stdin.close()
        return
    started = time.monotonic()
    cpu_before = os.times()
    threading.Thread(target=wait_stop, daemon=True).start()
    sent = 0

    def one():
        psql.stdin.write('\\set w %s\n%s' % (random.choice(WORDS), template))
        psql.stdin.flush()

    for _ in range(burst):
        one()
        sent += 1
    following = started
    while not stopped.wait(max(0.0, following + 1 / rate - time.monotonic())):
        following += 1 / rate
        one()
        sent += 1
    psql.stdin.close()  # psql runs what is queued, then ends: every search sent has been answered below
    errors = psql.stderr.read()
    psql.wait(30)
    s = max(time.monotonic() - started, 1e-9)
    cpu_ms = cpu_since(cpu_before, children=True, own=True)
    if errors.strip():
        print('read flood (search statements of user %s): psql said %s' % (user, errors.strip()[-300:]), flush=True)
    report('search statements of user %s, psql' % user, sent, 0, 1 if errors.strip() else 0, s, cpu_ms)


def idle_backend(psql, name):
    """FLOOD_SQL_SCHED=idle: the flood's PostgreSQL backend under SCHED_IDLE (`chrt`), so it runs only on a core that
    nothing else wants. A diagnosis, not a setting to ship (a backend starved while it holds a lock stalls the others):
    if the others' delay goes with it, it was the flood's CPU on the shared cores, not its locks or I/O."""
    psql.stdin.write('select 1;\n')
    psql.stdin.flush()
    pid = ''
    for _ in range(50):
        pid = subprocess.run(['psql', '-X', '-At', '-c',
                              "select pid from pg_stat_activity where application_name = '%s'" % name],
                             capture_output=True, text=True).stdout.strip()
        if pid:
            break
        time.sleep(0.1)
    if not pid:
        sys.exit('read-flood.py: the flood\'s connection never showed in pg_stat_activity')
    subprocess.run(['chrt', '--idle', '-p', '0', pid], check=True)


def cpu_since(before, children=False, own=False):
    """CPU ms since `before` (os.times()): this process's own (`own`), its waited-for children's (`children`)."""
    after = os.times()
    ms = 0.0
    if own:
        ms += 1000 * ((after.user - before.user) + (after.system - before.system))
    if children:
        ms += 1000 * ((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return ms


def report(what, answered_, refused_, failed_, seconds, cpu_ms):
    """The flood's summary, the line ReadFlood.Apart reads back (it starts with 'read flood')."""
    print('read flood (%s): %s answered (%.0f/s), %s refused (%.0f/s), %s failed; the flooder\'s own CPU %.0f ms'
          % (what, '{:,}'.format(answered_), answered_ / seconds, '{:,}'.format(refused_), refused_ / seconds,
             '{:,}'.format(failed_), cpu_ms), flush=True)


def main():
    kind, url, user, conversation, sockets, in_flight, limit = sys.argv[1:8]
    kind = kind.upper()
    if kind not in ('FETCH', 'SEARCH'):
        sys.exit('read-flood.py: the flood is FETCH or SEARCH')
    url = urllib.parse.urlparse(url)
    cookie = os.environ['FLOOD_COOKIE']
    if kind == 'SEARCH' and os.environ.get('FLOOD_CLIENT') == 'wrk':
        wrk_search(url, user, in_flight)
        return
    if kind == 'SEARCH' and os.environ.get('FLOOD_CLIENT') == 'sql':
        sql_search(user)
        return
    go = threading.Event()
    threads, at_go = [], []
    if kind == 'SEARCH':
        # FLOOD_CONNECT_EARLY=1: the searchers' connections are open and their threads started before `go`, so a
        # flood's onset holds its requests alone (a diagnosis of where the onset's cost lies: docs/PERFORMANCE-LOG.md).
        early = os.environ.get('FLOOD_CONNECT_EARLY') == '1'
        threads = [threading.Thread(target=one_searcher, daemon=True,
                                    args=(url, cookie, connect(url) if early else None, go))
                   for _ in range(int(in_flight))]
        at_go = [] if early else threads
        for t in threads if early else []:
            t.start()
    if sys.stdin.readline().strip() == 'go':
        started = time.monotonic()
        cpu_before = os.times()
        if kind == 'FETCH':
            all_open = threading.Barrier(int(sockets))
            threads = at_go = [threading.Thread(target=one_socket, daemon=True,
                                                args=(url, cookie, int(conversation), int(in_flight), int(limit),
                                                      all_open))
                               for _ in range(int(sockets))]
        for t in at_go:
            t.start()
        go.set()
        sys.stdin.readline()
        stopped.set()
        with counts:
            for s in list(open_sockets):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for t in threads:
            t.join(5)
        s = max(time.monotonic() - started, 1e-9)
        # This process's own CPU in the flood: on one machine, it is taken from the node's cores (a flooder on another
        # machine costs them nothing), so a report can set it beside the others' delay.
        cpu_ms = cpu_since(cpu_before, own=True)
        what = ('fetch by user %s, %s sockets, %s in flight each, %s a page' % (user, sockets, in_flight, limit)
                if kind == 'FETCH' else 'search by user %s, %s in flight' % (user, in_flight))
        report(what, answered, refused, failed, s, cpu_ms)


if __name__ == '__main__':
    main()
