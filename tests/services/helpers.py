"""Real services for the reliability tests: a Redis of the test's own (it is stopped and started
again: never the shared one), a tiny SMTP server that refuses or accepts, and the test process's
Celery producer and cache pointed at that Redis."""

import contextlib
import socket
import socketserver
import subprocess
import threading
import time

import redis


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """``redis-server`` on a spare port, without persistence: a restart starts it empty, as a
    Redis that lost its queue."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SmtpServer:
    """Just enough SMTP for Django's backend (no TLS, no login). While ``refusing`` it answers
    every connection with 421 (service unavailable); it keeps every accepted message."""

    def __init__(self):
        self.messages = []
        self.refusing = False
        self.refused = 0
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                if owner.refusing:
                    owner.refused += 1
                    self.reply("421 4.3.2 Service not available, try again later")
                    return
                self.reply("220 localhost ESMTP test")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 localhost")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        lines = []
                        for data in iter(self.rfile.readline, b""):
                            if data in (b".\r\n", b".\n"):
                                break
                            lines.append(data)
                        owner.messages.append(b"".join(lines).decode(errors="replace"))
                        self.reply("250 2.0.0 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.reply("250 OK")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self):
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def producer_on(url):
    """The test process's Celery producer publishes to ``url`` meanwhile."""
    from kombu import pools

    from config.celery import app

    previous = app.conf.broker_url

    def reset(to):
        # kombu keeps its connection and producer pools in process-wide registries keyed by the
        # broker's address: closing only the app's pool would leave a closed pool there, handed
        # back ("Acquire on closed pool") the next time that address is used. Empty them all.
        app.conf.broker_url = to
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset(url)
    try:
        yield app
    finally:
        reset(previous)
