//! `socat` fronts before the engine's socket, for the tests that reach the engine over TCP:
//! each listens on a free loopback port and is killed on drop. Needs `socat`
//! (`scripts/ensure-tools.sh`); fails, never skips, without it.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `socat` that forwards connections on `127.0.0.1:port` to the engine's socket.
pub struct SocatFront {
    /// The loopback port it listens on.
    pub port: u16,
    child: Child,
}

impl SocatFront {
    /// Starts `socat <listen(port)> UNIX-CONNECT:/var/run/docker.sock` on a free port (`listen`
    /// builds socat's listening address from the port) and waits until it accepts connections.
    pub fn start(listen: impl Fn(u16) -> String) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("find a free port");
        let child = Command::new("socat")
            .arg(listen(port))
            .arg("UNIX-CONNECT:/var/run/docker.sock")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start socat (install it: bash scripts/ensure-tools.sh)");
        let front = SocatFront { port, child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "socat does not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        front
    }

    /// A plain TCP front (no TLS).
    pub fn plain() -> Self {
        Self::start(|port| format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"))
    }

    /// `tcp://127.0.0.1:PORT`, for `DOCKER_HOST`.
    pub fn host(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }
}

impl Drop for SocatFront {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
