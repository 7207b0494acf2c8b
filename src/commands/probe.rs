//! `newsflow probe`: one HTTP request to a service's `/readyz` or `/healthz`.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::Context;

use crate::cli::ProbeArgs;

const TIMEOUT: Duration = Duration::from_secs(3);

pub fn run(args: ProbeArgs) -> anyhow::Result<()> {
    let path = if args.live { "/healthz" } else { "/readyz" };
    let addr = args
        .addr
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {}", args.addr))?
        .next()
        .with_context(|| format!("{} resolves to no address", args.addr))?;
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .with_context(|| format!("cannot connect to {}", args.addr))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        args.addr
    )?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .with_context(|| format!("no answer from {}{path}", args.addr))?;
    let status = response.split_whitespace().nth(1).unwrap_or("?");
    anyhow::ensure!(status == "200", "{}{path} answered {status}", args.addr);
    println!("{}{path}: 200", args.addr);
    Ok(())
}
