#!/usr/bin/env python3
# Stacklab pty relay: runs one program on a fresh pseudo-terminal and relays bytes between this process's
# stdin/stdout and the pty, for programs that refuse to run without a TTY (`virsh console`).
#
# Why this and not node-pty: node-pty is a native module (a compiler at install time, a rebuild for every
# Electron release). Python 3 is on every Debian/Fedora host that runs libvirt, and its `pty`, `os`,
# `fcntl` and `termios` modules do all that is needed.
#
# Usage: pty-relay.py [--cols N] [--rows N] -- PROGRAM [ARG...]
#   The program is exec'd directly with its argument array (no shell).
#   fd 3, if open, is a control channel: lines "COLS ROWS" resize the pty (TIOCSWINSZ on the master; the
#   kernel then sends SIGWINCH to the program's foreground process group).
#   stdin EOF: the program gets SIGHUP (as when a terminal closes); its last output is still relayed.
#   Exit status: the program's, or 128+N when a signal N ended it; 127 when it could not be started.
# Backpressure: output waiting for stdout is buffered up to a limit; beyond it the relay stops reading the
# pty, so a reader that pauses (Stacklab's flow control) stops the program instead of losing bytes. Input is
# always read, so Ctrl-C reaches the program even while output is held up.
import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios

OUT_LIMIT = 256 * 1024
READ_SIZE = 64 * 1024


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def parse_args(argv):
    cols, rows = 80, 24
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] in ("--cols", "--rows") and i + 1 < len(argv):
            value = int(argv[i + 1])
            if argv[i] == "--cols":
                cols = value
            else:
                rows = value
            i += 2
        else:
            raise SystemExit("pty-relay: unknown option %r" % argv[i])
    program = argv[i + 1 :]
    if not program:
        raise SystemExit("usage: pty-relay.py [--cols N] [--rows N] -- PROGRAM [ARG...]")
    return cols, rows, program


def set_nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def main():
    cols, rows, program = parse_args(sys.argv[1:])
    try:
        os.fstat(3)
        control = 3
    except OSError:
        control = None

    pid, master = os.forkpty()
    if pid == 0:
        try:
            os.execvp(program[0], program)
        except OSError as e:
            os.write(2, ("pty-relay: cannot run %s: %s\r\n" % (program[0], e.strerror)).encode())
        os._exit(127)

    set_size(master, cols, rows)
    set_nonblocking(master)
    set_nonblocking(1)
    stdin, stdout = 0, 1
    to_out = bytearray()  # pty output waiting for stdout
    to_pty = bytearray()  # input waiting for the pty
    control_buf = b""
    stdin_open = True
    pty_open = True

    while pty_open or to_out:
        readers, writers = [], []
        if pty_open and len(to_out) < OUT_LIMIT:
            readers.append(master)
        if stdin_open:
            readers.append(stdin)
        if control is not None:
            readers.append(control)
        if to_out:
            writers.append(stdout)
        if pty_open and to_pty:
            writers.append(master)
        try:
            r, w, _ = select.select(readers, writers, [])
        except InterruptedError:
            continue
        if stdout in w:
            try:
                n = os.write(stdout, to_out)
                del to_out[:n]
            except BlockingIOError:
                pass
            except BrokenPipeError:
                break
        if master in w:
            try:
                n = os.write(master, to_pty)
                del to_pty[:n]
            except BlockingIOError:
                pass
            except OSError:
                pty_open = False
        if master in r:
            try:
                data = os.read(master, READ_SIZE)
            except BlockingIOError:
                data = None
            except OSError as e:  # EIO: the program and everything on the pty are gone
                if e.errno != errno.EIO:
                    raise
                data = b""
            if data == b"":
                pty_open = False
            elif data:
                to_out += data
        if stdin in r:
            data = os.read(stdin, READ_SIZE)
            if not data:
                stdin_open = False
                try:
                    os.kill(pid, signal.SIGHUP)
                except ProcessLookupError:
                    pass
                continue
            to_pty += data
        if control is not None and control in r:
            data = os.read(control, 4096)
            if not data:
                control = None
            else:
                control_buf += data
                while b"\n" in control_buf:
                    line, control_buf = control_buf.split(b"\n", 1)
                    parts = line.split()
                    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                        set_size(master, int(parts[0]), int(parts[1]))

    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
