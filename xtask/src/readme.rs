//! The README's first command, checked by `cargo xtask check`: the first line
//! of the README's first ```sh block is how a newcomer starts the server, so
//! cargo must be able to tell which binary it runs. The check reads the
//! command from the README (it follows the README when that changes) and
//! runs it with `--help` for arguments, in the dev profile the other checks
//! have built, so it costs no build of its own.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The README, relative to the root.
const README: &str = "README.md";

/// Runs the README's first command the cheap way: the same `cargo run`
/// without `--release`, with `--help` for the program's arguments.
pub fn check_first_command(root: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(root.join(README)).with_context(|| format!("reading {README}"))?;
    let command = first_command(&text)
        .with_context(|| format!("{README} has no ```sh block with a command in it"))?;
    let args = help_probe(command).with_context(|| {
        format!(
            "{README}'s first command is `{command}`: this check knows how to try a `cargo run` \
             command only (see xtask/src/readme.rs)"
        )
    })?;
    let line = format!("cargo {}", args.join(" "));
    println!("$ {line}");
    // The program's help text is no news; cargo's complaint would be.
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(&args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start `{line}`"))?;
    if !output.status.success() {
        bail!(
            "{README}'s first command, `{command}`, does not start: `{line}` failed ({}):\n{}\
             (when cargo cannot tell which binary to run, give the package a `default-run`)",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    println!("{README}'s first command starts (`{command}`)");
    Ok(())
}

/// The first non-empty line of the first ```sh block.
fn first_command(readme: &str) -> Option<&str> {
    readme
        .lines()
        .skip_while(|line| !line.starts_with("```sh"))
        .skip(1)
        .take_while(|line| !line.starts_with("```"))
        .map(str::trim)
        .find(|line| !line.is_empty())
}

/// cargo's arguments for `command` (a `cargo run …`) in the dev profile,
/// with the program's arguments replaced by `--help`.
fn help_probe(command: &str) -> Option<Vec<&str>> {
    let cargo_part = match command.split_once(" -- ") {
        Some((cargo_part, _program_args)) => cargo_part,
        None => command,
    };
    let mut words = cargo_part.split_whitespace();
    if words.next() != Some("cargo") || words.next() != Some("run") {
        return None;
    }
    let mut args = vec!["run"];
    args.extend(words.filter(|word| *word != "--release"));
    args.extend(["--", "--help"]);
    Some(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_command_is_the_first_line_of_the_first_sh_block() {
        let readme = "# X\n\n```text\nnot this\n```\n\nRun:\n\n```sh\n\ncargo run --release -p x -- serve\nsecond\n```\n\n```sh\nlater\n```\n";
        assert_eq!(
            first_command(readme),
            Some("cargo run --release -p x -- serve")
        );
        assert_eq!(first_command("no blocks"), None);
        assert_eq!(first_command("```sh\n```\n"), None);
    }

    #[test]
    fn the_probe_runs_the_same_package_in_the_dev_profile_with_help() {
        assert_eq!(
            help_probe("cargo run --release -p latchkey-server -- serve").unwrap(),
            ["run", "-p", "latchkey-server", "--", "--help"]
        );
        assert_eq!(
            help_probe("cargo run --package x --features f").unwrap(),
            ["run", "--package", "x", "--features", "f", "--", "--help"]
        );
        assert_eq!(help_probe("docker run latchkey"), None);
        assert_eq!(help_probe("cargo build"), None);
    }
}
