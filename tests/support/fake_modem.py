"""A fake caller-ID modem on a pseudo-terminal, for the bridge's tests (pure and e2e).

The bridge opens `path` (a symlink to the pty's slave, like /dev/serial/by-id/…). The modem answers
AT commands with OK and records them, plays caller-ID transcripts, and can be unplugged (master closed,
symlink removed: pyserial sees exactly what a pulled USB cable gives) and plugged back in.
"""

import os
import select
import threading
import time
from pathlib import Path


def modem_call(number: str, name: str = "", when: str = "11231405") -> bytes:
	"""A +VCID=1 transcript: RING, DATE, TIME, NMBR, NAME (each CR LF framed as modems do)."""
	lines = ["RING", f"DATE = {when[:4]}", f"TIME = {when[4:]}", f"NMBR = {number}"]
	if name:
		lines.append(f"NAME = {name}")
	return "".join(f"\r\n{line}\r\n" for line in lines).encode()


class FakeModem:
	def __init__(self, path: str | Path):
		self.path = Path(path)
		self.commands: list[str] = []
		self.master = None
		self._stop = threading.Event()
		self._thread = None
		self.plug()

	def plug(self):
		master, slave = os.openpty()
		self.master, self._slave = master, slave
		name = os.ttyname(slave)
		if self.path.is_symlink() or self.path.exists():
			self.path.unlink()
		self.path.symlink_to(name)
		self._stop.clear()
		self._thread = threading.Thread(target=self._answer, daemon=True)
		self._thread.start()

	def unplug(self):
		self._stop.set()
		if self._thread:
			self._thread.join(timeout=2)
		for fd in (self.master, self._slave):
			try:
				os.close(fd)
			except OSError:
				pass
		self.master = None
		if self.path.is_symlink():
			self.path.unlink()

	def close(self):
		self.unplug()

	def write(self, data: bytes):
		os.write(self.master, data)

	def wait_for_command(self, prefix: str, timeout: float = 10, after: int = 0) -> str:
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			for command in self.commands[after:]:
				if command.startswith(prefix):
					return command
			time.sleep(0.02)
		raise TimeoutError(f"modem never got {prefix!r}; got {self.commands[after:]}")

	def _answer(self):
		buffer = b""
		master = self.master
		while not self._stop.is_set():
			try:
				ready, _, _ = select.select([master], [], [], 0.05)
				if not ready:
					continue
				chunk = os.read(master, 1024)
			except OSError:
				return
			buffer += chunk
			while b"\r" in buffer:
				line, buffer = buffer.split(b"\r", 1)
				text = line.strip().decode("ascii", "replace")
				if text:
					self.commands.append(text)
					if text.upper().startswith("AT"):
						try:
							os.write(master, b"\r\nOK\r\n")
						except OSError:
							return
