//! Accuracy and speed of the lang stage against plain whatlang on the shared language-ID
//! sentences (`<dir>/<iso639-1>.txt`, one sentence a line).
//!
//! `cargo run --release -p newsflow-lang --example langid_eval -- ../shared/bench-data/langid`

use std::time::Instant;

use newsflow_lang::{code_of, Detector, LangConfig};

/// A named way of detecting a text's language code.
type Variant<'a> = (&'a str, &'a dyn Fn(&str) -> String);

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/bench-data/langid".into());
    let mut sets: Vec<(String, Vec<String>)> = Vec::new();
    let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(Result::ok).collect(),
        Err(error) => {
            eprintln!("cannot read {dir}: {error}");
            std::process::exit(2);
        }
    };
    entries.sort_by_key(|entry| entry.path());
    for entry in entries {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let Some(code) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        sets.push((code.to_string(), lines));
    }
    let codes: Vec<&str> = sets.iter().map(|(code, _)| code.as_str()).collect();

    let default = Detector::new(&LangConfig::default());
    let no_shortcut = Detector::new(&LangConfig {
        script_shortcut: false,
        function_word_shortcut: false,
        ..LangConfig::default()
    });
    let no_words = Detector::new(&LangConfig {
        function_word_shortcut: false,
        ..LangConfig::default()
    });
    let allowlisted = Detector::new(&LangConfig {
        allowlist: codes.iter().filter_map(|c| c.parse().ok()).collect(),
        ..LangConfig::default()
    });
    let variants: [Variant; 5] = [
        ("whatlang::detect", &|text| {
            whatlang::detect(text).map_or("und".into(), |info| code_of(info.lang()).into())
        }),
        ("Detector (no shortcut)", &|text| {
            no_shortcut.detect("", text).code
        }),
        ("Detector (no function words)", &|text| {
            no_words.detect("", text).code
        }),
        ("Detector (default)", &|text| default.detect("", text).code),
        ("Detector (allowlist = these 20)", &|text| {
            allowlisted.detect("", text).code
        }),
    ];

    println!("accuracy on single sentences ({} languages)", sets.len());
    print!("{:<34}", "variant");
    for (code, _) in &sets {
        print!("{code:>6}");
    }
    println!("{:>9}", "overall");
    for (name, detect) in &variants {
        print!("{name:<34}");
        let (mut right, mut total) = (0usize, 0usize);
        for (code, lines) in &sets {
            let ok = lines.iter().filter(|l| detect(l) == *code).count();
            right += ok;
            total += lines.len();
            print!("{:>6.3}", ok as f64 / lines.len().max(1) as f64);
        }
        println!("{:>9.4}", right as f64 / total.max(1) as f64);
    }

    shortcut_report("single sentences", &sets, &default, &allowlisted, |l| {
        l.to_string()
    });

    // 3 KB articles: sentences of one language joined until the body passes 3,000 bytes.
    let articles: Vec<(String, String)> = sets
        .iter()
        .flat_map(|(code, lines)| {
            lines.chunks(40).map(move |chunk| {
                let mut body = String::new();
                for line in chunk {
                    if body.len() > 3000 {
                        break;
                    }
                    body.push_str(line);
                    body.push(' ');
                }
                (code.clone(), body)
            })
        })
        .filter(|(_, body)| body.len() > 3000)
        .collect();
    println!(
        "\n3 KB articles: {} (title empty, body > 3,000 bytes)",
        articles.len()
    );
    let prefix_1k = |text: &str| {
        let mut end = text.len().min(1024);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text[..end].to_string()
    };
    let short = |prefix_bytes| {
        Detector::new(&LangConfig {
            prefix_bytes,
            ..LangConfig::default()
        })
    };
    let (short_512, short_256) = (short(512), short(256));
    let article_sets: Vec<(String, Vec<String>)> = sets
        .iter()
        .map(|(code, _)| {
            let bodies = articles
                .iter()
                .filter(|(c, _)| c == code)
                .map(|(_, body)| body.clone())
                .collect();
            (code.clone(), bodies)
        })
        .collect();
    shortcut_report(
        "3 KB articles (first 1 KB)",
        &article_sets,
        &default,
        &allowlisted,
        prefix_1k,
    );
    per_language_times(
        &article_sets,
        &[
            ("no function words", &no_words),
            ("default", &default),
            ("allowlist 20", &allowlisted),
        ],
    );
    let timed: [Variant; 7] = [
        ("whatlang::detect on first 1 KB", &|text| {
            whatlang::detect(&prefix_1k(text)).map_or("und".into(), |i| code_of(i.lang()).into())
        }),
        ("Detector (no shortcut)", &|text| {
            no_shortcut.detect("", text).code
        }),
        ("Detector (no function words)", &|text| {
            no_words.detect("", text).code
        }),
        ("Detector (default)", &|text| default.detect("", text).code),
        ("Detector (allowlist = these 20)", &|text| {
            allowlisted.detect("", text).code
        }),
        ("Detector (prefix_bytes = 512)", &|text| {
            short_512.detect("", text).code
        }),
        ("Detector (prefix_bytes = 256)", &|text| {
            short_256.detect("", text).code
        }),
    ];
    for (name, detect) in &timed {
        let mut best = f64::MAX;
        let mut right = 0;
        for _ in 0..3 {
            right = 0;
            let start = Instant::now();
            for (code, body) in &articles {
                right += usize::from(detect(body) == *code);
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "{name:<34} {:>7.1} µs/article (best of 3)  accuracy {:.4}",
            best * 1e6 / articles.len() as f64,
            right as f64 / articles.len() as f64
        );
    }
}

/// How many texts the function-word shortcut decides alone, and how many of those right.
fn shortcut_report(
    what: &str,
    sets: &[(String, Vec<String>)],
    default: &Detector,
    allowlisted: &Detector,
    prefix: impl Fn(&str) -> String,
) {
    for (name, detector) in [("default", default), ("allowlist 20", allowlisted)] {
        let (mut taken, mut right, mut total) = (0usize, 0usize, 0usize);
        print!("function-word shortcut on {what}, {name}: taken/right per language:");
        for (code, texts) in sets {
            let (mut t, mut r) = (0, 0);
            for text in texts {
                if let Some(answer) = detector.function_word_code(&prefix(text)) {
                    t += 1;
                    r += usize::from(answer == code);
                }
            }
            print!(" {code} {t}/{r}");
            taken += t;
            right += r;
            total += texts.len();
        }
        println!(
            "\n  taken {taken} of {total} ({:.1}%), accuracy when taken {:.4}",
            100.0 * taken as f64 / total.max(1) as f64,
            right as f64 / taken.max(1) as f64
        );
    }
}

/// Median of 5 timings of each detector per language, in µs per article.
fn per_language_times(sets: &[(String, Vec<String>)], detectors: &[(&str, &Detector)]) {
    println!("\nµs per 3 KB article per language (median of 5 runs)");
    print!("{:<20}", "detector");
    for (code, _) in sets {
        print!("{code:>7}");
    }
    println!();
    for (name, detector) in detectors {
        print!("{name:<20}");
        for (_, bodies) in sets {
            let mut runs: Vec<f64> = (0..5)
                .map(|_| {
                    let start = Instant::now();
                    for body in bodies {
                        std::hint::black_box(detector.detect("", body));
                    }
                    start.elapsed().as_secs_f64() * 1e6 / bodies.len().max(1) as f64
                })
                .collect();
            runs.sort_by(f64::total_cmp);
            print!("{:>7.1}", runs[2]);
        }
        println!();
    }
}
