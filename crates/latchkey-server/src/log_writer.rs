//! The log's writer: lines are copied into one shared buffer, and a thread
//! of its own writes the buffer out in one system call every
//! [`FLUSH_INTERVAL`] (or sooner once it holds [`EAGER_BYTES`]).
//!
//! What it replaces, and why: with `tracing-appender`'s non-blocking writer
//! each line was copied into a fresh `Vec`, sent over a channel, and woke
//! the writer thread, which freed the `Vec` on another thread (a contended
//! malloc arena); under load that was a wake and a context switch per
//! batch of lines on a 2-core machine shared with the load. Here a line is a
//! copy under a mutex held for that copy only; the writer thread is woken
//! by the first line of a batch, lets the batch gather for the interval,
//! and is hurried only when a buffer's worth is waiting.
//!
//! A request never waits for the terminal or a pipe: the writer thread
//! swaps the buffer out under the lock and writes it outside. If it falls
//! behind (a blocked pipe) and [`MAX_BUFFERED_BYTES`] are waiting, further
//! lines are dropped and counted, rather than slowing requests or growing
//! memory; [`LogWriter::dropped_lines`] says how many. Dropping the
//! [`LogFlush`] guard writes what is left (at shutdown).

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a line may wait before it is written.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(20);
/// Past this many bytes waiting, the writer thread is woken at once.
pub const EAGER_BYTES: usize = 256 * 1024;
/// Past this many bytes waiting, lines are dropped.
pub const MAX_BUFFERED_BYTES: usize = 16 * 1024 * 1024;

struct Shared {
    buffer: Mutex<Buffer>,
    wake: Condvar,
    dropped: AtomicU64,
}

#[derive(Default)]
struct Buffer {
    bytes: Vec<u8>,
    closing: bool,
}

/// A `MakeWriter` for `tracing_subscriber::fmt` (cheap to clone).
#[derive(Clone)]
pub struct LogWriter {
    shared: Arc<Shared>,
}

/// Flushes what is buffered and stops the writer thread when dropped.
pub struct LogFlush {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the writer thread over `out`.
pub fn start<W: Write + Send + 'static>(out: W) -> (LogWriter, LogFlush) {
    let shared = Arc::new(Shared {
        buffer: Mutex::new(Buffer::default()),
        wake: Condvar::new(),
        dropped: AtomicU64::new(0),
    });
    let thread = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_out(&shared, out))
            .expect("the log writer thread starts")
    };
    (
        LogWriter {
            shared: shared.clone(),
        },
        LogFlush {
            shared,
            thread: Some(thread),
        },
    )
}

/// The writer thread: sleeps until a line comes, lets lines gather for
/// [`FLUSH_INTERVAL`] (less once [`EAGER_BYTES`] wait), then takes them all
/// and writes them with one call; at closing, writes the rest.
fn write_out<W: Write>(shared: &Shared, mut out: W) {
    let mut spare = Vec::new();
    loop {
        let closing = {
            let mut buffer = shared.buffer.lock().expect("log buffer lock");
            while buffer.bytes.is_empty() && !buffer.closing {
                buffer = shared.wake.wait(buffer).expect("log buffer lock");
            }
            buffer = shared
                .wake
                .wait_timeout_while(buffer, FLUSH_INTERVAL, |buffer| {
                    buffer.bytes.len() < EAGER_BYTES && !buffer.closing
                })
                .expect("log buffer lock")
                .0;
            // The buffer's allocation is reused: the one just written
            // becomes the next to fill.
            std::mem::swap(&mut buffer.bytes, &mut spare);
            buffer.closing
        };
        if !spare.is_empty() {
            // A write that fails (stderr closed) has nowhere to be reported.
            let _ = out.write_all(&spare).and_then(|()| out.flush());
            spare.clear();
            if spare.capacity() > EAGER_BYTES * 4 {
                spare.shrink_to(EAGER_BYTES);
            }
        }
        if closing {
            return;
        }
    }
}

impl LogWriter {
    /// Lines dropped because the writer thread was behind.
    pub fn dropped_lines(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }
}

impl LogWriter {
    /// Copies `line` (whole lines, newline included) into the buffer, or
    /// counts it dropped when the writer thread is too far behind. Takes
    /// `&self`: the access log writes through a shared handle, without a
    /// clone per line.
    pub fn write_line(&self, line: &[u8]) {
        let mut buffer = self.shared.buffer.lock().expect("log buffer lock");
        if buffer.bytes.len() + line.len() > MAX_BUFFERED_BYTES {
            drop(buffer);
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let first = buffer.bytes.is_empty();
        buffer.bytes.extend_from_slice(line);
        // The writer thread sleeps until a batch begins, and is hurried
        // once it is large: one wake per batch, none per line.
        let wake = first || buffer.bytes.len() >= EAGER_BYTES;
        drop(buffer);
        if wake {
            self.shared.wake.notify_one();
        }
    }
}

impl Write for LogWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.write_line(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Drop for LogFlush {
    fn drop(&mut self) {
        self.shared.buffer.lock().expect("log buffer lock").closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` that keeps what it got, and counts the calls.
    #[derive(Clone, Default)]
    struct Sink {
        bytes: Arc<Mutex<Vec<u8>>>,
        writes: Arc<AtomicU64>,
    }

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.bytes.lock().unwrap().extend_from_slice(bytes);
            self.writes.fetch_add(1, Ordering::Relaxed);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_once_in_each_threads_order_by_the_end() {
        let sink = Sink::default();
        let (writer, flush) = start(sink.clone());
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let mut writer = writer.clone();
                std::thread::spawn(move || {
                    for n in 0..10_000 {
                        writer
                            .write_all(format!("t{thread} {n}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(flush);
        let text = String::from_utf8(sink.bytes.lock().unwrap().clone()).unwrap();
        for thread in 0..4 {
            let mine: Vec<usize> = text
                .lines()
                .filter_map(|line| line.strip_prefix(&format!("t{thread} ")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(mine, (0..10_000).collect::<Vec<_>>());
        }
        // Batches, not a write per line.
        assert!(sink.writes.load(Ordering::Relaxed) < 40_000 / 10);
        assert_eq!(writer.dropped_lines(), 0);
    }

    #[test]
    fn a_line_is_written_within_the_interval_without_a_flush() {
        let sink = Sink::default();
        let (mut writer, _flush) = start(sink.clone());
        writer.write_all(b"one line\n").unwrap();
        let started = std::time::Instant::now();
        while sink.bytes.lock().unwrap().is_empty() {
            assert!(started.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(&*sink.bytes.lock().unwrap(), b"one line\n");
    }

    /// A writer that never returns until told: a blocked pipe.
    struct Blocked(Arc<(Mutex<bool>, Condvar)>);

    impl Write for Blocked {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let (open, opened) = &*self.0;
            let mut open = open.lock().unwrap();
            while !*open {
                open = opened.wait(open).unwrap();
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_dropped_not_waited_for_when_the_output_blocks() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (mut writer, flush) = start(Blocked(gate.clone()));
        let line = vec![b'x'; 1024];
        let started = std::time::Instant::now();
        // Far more than the cap: every call returns at once.
        for _ in 0..(3 * MAX_BUFFERED_BYTES / line.len()) {
            writer.write_all(&line).unwrap();
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(writer.dropped_lines() > 0);
        assert!(writer.shared.buffer.lock().unwrap().bytes.len() <= MAX_BUFFERED_BYTES);
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        drop(flush);
    }
}
