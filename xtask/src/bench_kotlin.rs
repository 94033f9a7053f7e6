//! `cargo xtask bench kotlin-jwt`: the Kotlin SDK's JWT toolkit against
//! nimbus-jose-jwt under JMH (`bench/kotlin`, a Maven module of its own that
//! `mvn test` never sees). The uniffi library is built in release (its own
//! `cargo build --release`, into `target/release`), the benchmarks and the
//! SDK's sources are compiled by Maven, and `org.openjdk.jmh.Main` runs on
//! the classpath Maven writes. Arguments after `--` go to JMH (e.g.
//! `-- -p algorithm=EdDSA -f 2`). Ends with a table of ops/s and the
//! same-run ratios, and the load of the machine while it ran.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::cmd::cmd;
use crate::kotlin::UNIFFI_PACKAGE;
use crate::server_process::target_dir;

/// The benchmark module, relative to the root.
const MODULE: &str = "bench/kotlin";
/// The algorithms in the order of the table (the `@Param` list).
const ALGORITHMS: [&str; 5] = ["EdDSA", "ES256", "ES384", "RS256", "PS256"];

/// Builds, runs JMH, prints the table.
pub fn run(root: &Path, jmh_args: &[String]) -> Result<()> {
    cmd(root, "cargo")
        .args(["build", "--release", "--package", UNIFFI_PACKAGE, "--lib"])
        .run()?;
    let library_dir = target_dir(root).join("release");
    let module = root.join(MODULE);
    cmd(&module, "mvn")
        .args([
            "-B",
            "--no-transfer-progress",
            "-q",
            "compile",
            "dependency:build-classpath",
            "-Dmdep.outputFile=target/classpath.txt",
        ])
        .run()?;
    let dependencies = std::fs::read_to_string(module.join("target/classpath.txt"))
        .context("Maven wrote no classpath")?;
    let classpath = format!(
        "{}:{}",
        module.join("target/classes").display(),
        dependencies.trim()
    );
    let results = module.join("target/jmh-result.json");
    let mut library_property = OsString::from("-Djna.library.path=");
    library_property.push(&library_dir);
    let load_before = load_average();
    cmd(&module, "java")
        .arg(&library_property)
        // The forked JVMs that measure inherit this JVM's options, the
        // library path included. Only JwtBench is on the classpath: a JMH
        // filter among `jmh_args` picks among its methods.
        .args(["-cp", &classpath, "org.openjdk.jmh.Main"])
        .args(["-rf", "json", "-rff"])
        .arg(&results)
        .args(jmh_args)
        .run()?;
    let load_after = load_average();
    let text = std::fs::read_to_string(&results).context("JMH wrote no result file")?;
    println!("\n{}", table(&text)?);
    println!("load average (1, 5, 15 min) before: {load_before}; after: {load_after}");
    Ok(())
}

/// `/proc/loadavg`'s first three fields: the machine is shared, so the
/// figures are only read as same-run ratios.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// One JMH score: ops/s and its 99.9 % error.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Score {
    ops: f64,
    error: f64,
}

/// The table of JMH's JSON results: one row per algorithm, verify and sign
/// for both libraries, and Latchkey / Nimbus (above 1 = Latchkey faster).
fn table(json: &str) -> Result<String> {
    let runs: Vec<Value> = serde_json::from_str(json).context("JMH's result is not JSON")?;
    let mut scores: BTreeMap<(String, String), Score> = BTreeMap::new();
    for run in &runs {
        let method = run["benchmark"]
            .as_str()
            .and_then(|name| name.rsplit('.').next())
            .context("a JMH result without a benchmark name")?;
        let algorithm = run["params"]["algorithm"]
            .as_str()
            .context("a JMH result without its algorithm")?;
        let metric = &run["primaryMetric"];
        if metric["scoreUnit"].as_str() != Some("ops/s") {
            bail!(
                "{method}: JMH measured in {}, not ops/s",
                metric["scoreUnit"]
            );
        }
        let score = Score {
            ops: metric["score"]
                .as_f64()
                .context("a JMH result without a score")?,
            error: metric["scoreError"].as_f64().unwrap_or(f64::NAN),
        };
        scores.insert((algorithm.to_owned(), method.to_owned()), score);
    }
    let cell =
        |algorithm: &str, method: &str| scores.get(&(algorithm.to_owned(), method.to_owned()));
    let format_score = |score: Option<&Score>| match score {
        Some(score) => format!("{:.0} ± {:.0}", score.ops, score.error),
        None => "-".to_owned(),
    };
    let ratio = |ours: Option<&Score>, theirs: Option<&Score>| match (ours, theirs) {
        (Some(ours), Some(theirs)) => format!("{:.2}×", ours.ops / theirs.ops),
        _ => "-".to_owned(),
    };
    let mut out = String::from(
        "| algorithm | verify Latchkey (ops/s) | verify Nimbus (ops/s) | verify ratio | sign Latchkey (ops/s) | sign Nimbus (ops/s) | sign ratio |\n|---|---|---|---|---|---|---|\n",
    );
    for algorithm in ALGORITHMS {
        let verify = (
            cell(algorithm, "latchkeyVerify"),
            cell(algorithm, "nimbusVerify"),
        );
        let sign = (
            cell(algorithm, "latchkeySign"),
            cell(algorithm, "nimbusSign"),
        );
        if [verify.0, verify.1, sign.0, sign.1]
            .iter()
            .all(Option::is_none)
        {
            continue;
        }
        out.push_str(&format!(
            "| {algorithm} | {} | {} | {} | {} | {} | {} |\n",
            format_score(verify.0),
            format_score(verify.1),
            ratio(verify.0, verify.1),
            format_score(sign.0),
            format_score(sign.1),
            ratio(sign.0, sign.1),
        ));
    }
    let floors: Vec<String> = ALGORITHMS
        .iter()
        .filter_map(|algorithm| {
            cell(algorithm, "latchkeyCallFloor")
                .map(|score| format!("{algorithm} {}", format_score(Some(score))))
        })
        .collect();
    if !floors.is_empty() {
        out.push_str(&format!(
            "Latchkey call floor (unverifiedHeader: the FFI round trip, no crypto), ops/s: {}\n",
            floors.join(", ")
        ));
    }
    out.push_str("(± is JMH's 99.9 % confidence interval; ratio = Latchkey / Nimbus, above 1 = Latchkey faster)");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCHMARK: &str = "dev.latchkey.bench.JwtBench";

    fn result(method: &str, algorithm: &str, score: f64) -> String {
        format!(
            r#"{{"benchmark":"{BENCHMARK}.{method}","params":{{"algorithm":"{algorithm}"}},"primaryMetric":{{"score":{score},"scoreError":10.0,"scoreUnit":"ops/s"}}}}"#
        )
    }

    #[test]
    fn a_row_per_measured_algorithm_with_same_run_ratios() {
        let json = format!(
            "[{},{},{}]",
            result("latchkeyVerify", "ES256", 3000.0),
            result("nimbusVerify", "ES256", 1000.0),
            result("latchkeySign", "ES256", 500.0),
        );
        let table = table(&json).unwrap();
        assert!(
            table.contains("| ES256 | 3000 ± 10 | 1000 ± 10 | 3.00× | 500 ± 10 | - | - |"),
            "{table}"
        );
        assert!(!table.contains("| EdDSA"), "{table}");
    }

    #[test]
    fn refuses_results_that_are_not_throughput() {
        let json = r#"[{"benchmark":"x.latchkeyVerify","params":{"algorithm":"EdDSA"},"primaryMetric":{"score":1.0,"scoreError":0.1,"scoreUnit":"us/op"}}]"#;
        assert!(table(json).is_err());
        assert!(table("not json").is_err());
    }
}
