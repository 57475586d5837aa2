use iotwire::Packet;
use iotwire::http::{Config, Header, Request};
include!("/tmp/prof/browser.rs");
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(2000);
    let mut acc = 0usize;
    let t = std::time::Instant::now();
    for _ in 0..n {
        if mode == "into" {
            let mut st = [Header::EMPTY; 64];
            let (req, k) =
                Request::decode_into(std::hint::black_box(BROWSER), &Config::new(), &mut st)
                    .unwrap();
            acc += k + req
                .headers()
                .iter()
                .map(|h| h.name().len() + h.value().len())
                .sum::<usize>();
            continue;
        }
        let (req, k) = Request::decode(std::hint::black_box(BROWSER)).unwrap();
        acc += k;
        if mode != "nowalk" {
            for h in req.headers().iter() {
                acc += h.name().len() + h.value().len();
            }
        }
    }
    println!(
        "{mode}: {:.1} ns/iter ({acc})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
