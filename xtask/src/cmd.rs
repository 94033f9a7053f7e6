//! Child processes: a small builder that prints the command line before it
//! runs, inherits stdio, and names the exact command line when it fails.

use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};

use anyhow::{Context, Result, bail};

/// A command to run in a given directory.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    /// Indexes of arguments that carry a credential: shown as `<redacted>`.
    secret_args: Vec<usize>,
    /// Environment variables set for the child (not printed).
    envs: Vec<(OsString, OsString)>,
    dir: PathBuf,
}

/// Starts a command line: `cmd(root, "cargo").args(["test", "--workspace"])`.
pub fn cmd(dir: &Path, program: impl Into<OsString>) -> Cmd {
    Cmd {
        program: program.into(),
        args: Vec::new(),
        secret_args: Vec::new(),
        envs: Vec::new(),
        dir: dir.to_path_buf(),
    }
}

impl Cmd {
    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    /// Appends an argument that carries a credential: passed as given,
    /// printed as `<redacted>` in the command line and in errors.
    pub fn secret_arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.secret_args.push(self.args.len());
        self.args.push(arg.into());
        self
    }

    /// Sets an environment variable for the child. Values are not printed
    /// with the command line.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Appends several arguments.
    pub fn args<I>(mut self, args: I) -> Cmd
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs the command with inherited stdio; an error unless it exits 0.
    pub fn run(&self) -> Result<()> {
        let status = self.status()?;
        self.check_status(status)
    }

    /// Runs the command with inherited stdio and returns its exit status,
    /// whatever it is (for commands whose non-zero exit is an answer, not a
    /// failure). Only a failure to start it is an error.
    pub fn status(&self) -> Result<ExitStatus> {
        println!("$ {self}");
        self.command()
            .status()
            .with_context(|| format!("could not start `{self}`"))
    }

    /// Runs the command with its stdout and stderr captured, and returns
    /// them with its exit status, whatever it is (for commands whose output
    /// is read). Only a failure to start it is an error.
    pub fn output(&self) -> Result<Output> {
        println!("$ {self}");
        self.command()
            .output()
            .with_context(|| format!("could not start `{self}`"))
    }

    /// [`Cmd::output`]'s stdout, as text; an error, with its stderr, unless
    /// the command exits 0.
    pub fn read(&self) -> Result<String> {
        let output = self.output()?;
        if !output.status.success() {
            bail!(
                "`{self}` failed ({}) in {}: {}",
                output.status,
                self.dir.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs the command with its stdout and stderr appended to the file
    /// `log` (for work in the background, whose output would interleave with
    /// the step in the foreground). An error unless it exits 0; the error
    /// names the log.
    pub fn run_logged(&self, log: &Path) -> Result<()> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        writeln!(&file, "$ {self}")?;
        let status = self
            .command()
            .stdout(file.try_clone().context("cloning a log file handle")?)
            .stderr(file)
            .status()
            .with_context(|| format!("could not start `{self}`"))?;
        self.check_status(status)
            .with_context(|| format!("its output is in {}", log.display()))
    }

    /// Runs the command with its stdout and stderr merged into one pipe,
    /// copying each line to our stdout as it arrives (in the order the child
    /// wrote it) and handing it to `on_line`. An error unless it exits 0
    /// (every line has been seen by then).
    pub fn run_tee(&self, mut on_line: impl FnMut(&str)) -> Result<()> {
        println!("$ {self}");
        let (reader, writer) = std::io::pipe().context("creating a pipe")?;
        let mut command = self.command();
        command
            .stdout(writer.try_clone().context("cloning a pipe")?)
            .stderr(writer);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start `{self}`"))?;
        // Close our copies of the write end, or the reader never sees the end.
        drop(command);
        let mut reader = BufReader::new(reader);
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            let read = reader
                .read_until(b'\n', &mut bytes)
                .with_context(|| format!("reading the output of `{self}`"))?;
            if read == 0 {
                break;
            }
            // `print!` rather than raw writes: the test harness captures it.
            let line = String::from_utf8_lossy(&bytes);
            print!("{line}");
            std::io::stdout().flush()?;
            on_line(line.trim_end_matches(['\n', '\r']));
        }
        let status = child
            .wait()
            .with_context(|| format!("waiting for `{self}`"))?;
        self.check_status(status)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.dir);
        command
    }

    fn check_status(&self, status: ExitStatus) -> Result<()> {
        if !status.success() {
            bail!("`{self}` failed ({status}) in {}", self.dir.display());
        }
        Ok(())
    }
}

/// The command line as a user would type it (arguments with spaces quoted).
impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.program.to_string_lossy())?;
        for (index, arg) in self.args.iter().enumerate() {
            if self.secret_args.contains(&index) {
                write!(f, " <redacted>")?;
                continue;
            }
            let arg = arg.to_string_lossy();
            if arg.is_empty() || arg.contains(char::is_whitespace) {
                write!(f, " '{arg}'")?;
            } else {
                write!(f, " {arg}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_arguments_are_never_displayed() {
        let line = cmd(Path::new("."), "tool")
            .arg("--header")
            .secret_arg("Authorization: Bearer ak_secret")
            .arg("--next")
            .to_string();
        assert_eq!(line, "tool --header <redacted> --next");
    }

    #[test]
    fn displays_the_command_line_as_typed() {
        let c = cmd(Path::new("."), "cargo")
            .args(["test", "--workspace"])
            .arg("a b");
        assert_eq!(c.to_string(), "cargo test --workspace 'a b'");
    }

    #[test]
    fn a_failing_command_names_its_command_line() {
        let error = cmd(Path::new("."), "sh")
            .args(["-c", "exit 3"])
            .run()
            .unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("`sh -c 'exit 3'` failed"), "{message}");
    }

    #[test]
    fn read_gives_stdout_or_an_error_with_stderr() {
        let text = cmd(Path::new("."), "sh")
            .args(["-c", "echo out; echo err >&2"])
            .read()
            .unwrap();
        assert_eq!(text, "out\n");
        let error = cmd(Path::new("."), "sh")
            .args(["-c", "echo out; echo why >&2; exit 4"])
            .read()
            .unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("why") && message.contains("exit"),
            "{message}"
        );
        let output = cmd(Path::new("."), "sh")
            .args(["-c", "echo out; exit 4"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(4));
        assert_eq!(output.stdout, b"out\n");
    }

    #[test]
    fn a_missing_program_is_a_clear_error() {
        let error = cmd(Path::new("."), "latchkey-no-such-program")
            .run()
            .unwrap_err();
        assert!(format!("{error:#}").contains("could not start `latchkey-no-such-program`"));
    }

    #[test]
    fn logged_output_goes_to_the_log_and_a_failure_names_it() {
        let dir = std::env::temp_dir().join(format!("xtask-cmd-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("out.log");
        let error = cmd(Path::new("."), "sh")
            .args(["-c", "echo one; echo two >&2; exit 2"])
            .run_logged(&log)
            .unwrap_err();
        let text = std::fs::read_to_string(&log).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(text.starts_with("$ sh -c"), "{text}");
        assert!(text.contains("one\n") && text.contains("two\n"), "{text}");
        assert!(format!("{error:#}").contains("out.log"), "{error:#}");
    }

    #[test]
    fn tee_sees_stdout_and_stderr_in_order_and_the_exit_status() {
        let mut lines = Vec::new();
        let script = "echo one; echo two >&2; printf three; exit 1";
        let c = cmd(Path::new("."), "sh").args(["-c", script]);
        let result = c.run_tee(|line| lines.push(line.to_owned()));
        assert!(result.is_err());
        assert_eq!(lines, ["one", "two", "three"]);
    }
}
