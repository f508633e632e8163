//! `cargo run -p vaxpass-fuzz --example seeds -- SUITE_DIR OUT_DIR`: writes each target's seed
//! corpus (see `vaxpass_fuzz::seeds`) to `OUT_DIR/<target>/`, for `./dev fuzz`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [suite, out] = args.as_slice() else {
        eprintln!("usage: seeds SUITE_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    for target in vaxpass_fuzz::TARGETS {
        let dir = out.join(target);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::from(2);
        }
        let seeds = vaxpass_fuzz::seeds(target, suite);
        for (i, s) in seeds.iter().enumerate() {
            if let Err(e) = std::fs::write(dir.join(format!("seed-{i:05}")), s) {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
        }
        println!("{target}: {} seeds", seeds.len());
    }
    ExitCode::SUCCESS
}
