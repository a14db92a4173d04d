"""Headless Chromium driven over its DevTools protocol through a pipe (`--remote-debugging-pipe`), for
the tests that look at a published page as a browser shows it: at a phone's width (the window of
`chromium --headless` is never narrower than 500 px, so a phone is emulated with the protocol's device
metrics) and with scripts whose results come back when their promise settles (axe-core's `axe.run`).
A pipe needs no port and no WebSocket client: the messages are JSON, each ended by a NUL byte, on the
child's file descriptors 3 (commands in) and 4 (answers and events out)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--remote-debugging-pipe")


class BrowserError(RuntimeError):
    """Chromium answered a command with an error, threw in a script, or did not answer in time."""


class Browser:
    """One Chromium process and one tab; `open` loads a page at a width, `evaluate` runs a script in it."""

    def __init__(self, timeout: float = 120):
        self.timeout, self._next, self._buffer = timeout, 0, b""
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def on_fds_3_and_4():  # in the child, before exec: the pipe's ends where Chromium looks for them
            read, write = os.dup(commands_read), os.dup(answers_write)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self._process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=on_fds_3_and_4)
        os.close(commands_read)
        os.close(answers_write)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._call("Browser.close", {})
        except (BrowserError, OSError):
            pass
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def open(self, page: Path, width: int, height: int = 800) -> None:
        """Load `page` in a window `width` CSS pixels wide (a phone: mobile metrics, scale 1)."""
        self._call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                          "screenWidth": width, "screenHeight": height,
                                                          "mobile": width < 600}, self._session)
        self._call("Page.navigate", {"url": page.resolve().as_uri()}, self._session)
        deadline = time.monotonic() + self.timeout
        while self.evaluate("document.readyState + '|' + location.href") != f"complete|{page.resolve().as_uri()}":
            if time.monotonic() > deadline:
                raise BrowserError(f"{page} did not load in {self.timeout} s")
            time.sleep(0.05)

    def evaluate(self, expression: str):
        """The value of `expression` in the page (a promise's value once it settles), as JSON gives it."""
        answer = self._call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                 "returnByValue": True}, self._session)
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return answer["result"].get("value")

    def _call(self, method: str, params: dict, session: str | None = None) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self._buffer:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise BrowserError(f"no answer from Chromium to {method}")
                if not select.select([self._answers], [], [], 1)[0]:
                    continue
                chunk = os.read(self._answers, 1 << 16)
                if not chunk:
                    raise BrowserError(f"Chromium closed its pipe during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") != self._next:
                continue  # an event, or the answer to an earlier command
            if "error" in reply:
                raise BrowserError(f"{method}: {reply['error'].get('message')}")
            return reply["result"]
