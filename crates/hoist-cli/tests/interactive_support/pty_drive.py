"""Drives a command on a pseudo-terminal for Hoist's interactive tests.

Usage: pty_drive.py SCRIPT_JSON -- COMMAND...
SCRIPT_JSON is a list of steps: ["sleep", secs], ["send", text], ["resize", rows, cols],
["wait_for", text, secs] (until the output contains text), ["signal", "INT"|"TERM"].
Prints one JSON object: {"output": ..., "exit": code, "echo": bool, "icanon": bool} where
echo/icanon are the terminal's local flags after the command exited (restored or not).
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

def main():
    sep = sys.argv.index("--")
    steps = json.loads(sys.argv[1])
    argv = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = b""

    def pump(seconds, until=None):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            if until is not None and until.encode() in out:
                return
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                out += data

    for step in steps:
        kind = step[0]
        if kind == "sleep":
            pump(step[1])
        elif kind == "send":
            os.write(fd, step[1].encode())
        elif kind == "resize":
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", step[1], step[2], 0, 0))
            os.kill(pid, signal.SIGWINCH)
        elif kind == "wait_for":
            pump(step[2], until=step[1])
        elif kind == "signal":
            os.kill(pid, getattr(signal, "SIG" + step[1]))
    code = None
    deadline = time.time() + 30
    while time.time() < deadline:
        pump(0.1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
    if code is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        code = -999
    pump(0.3)
    attrs = termios.tcgetattr(fd)
    lflag = attrs[3]
    print(json.dumps({
        "output": out.decode("utf-8", "replace"),
        "exit": code,
        "echo": bool(lflag & termios.ECHO),
        "icanon": bool(lflag & termios.ICANON),
    }))

main()
