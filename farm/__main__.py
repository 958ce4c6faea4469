"""``python -m farm``: serve the sample blogs on 127.0.0.1 until stopped.

Prints one line when ready: ``farm ready: port=P refused_port=R blogs=N list=PATH``.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from farm.catalog import make_blog
from farm.faults import FaultPlan
from farm.fixtures import load_fixture_sites
from farm.listing import farm_blogs, farm_listing, write_listing
from farm.server import BlogFarm, WebLike, make_site
from tools.testca import make_test_ca


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m farm", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=8800, help="port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument("--blogs", type=int, default=200, help="number of normal sample blogs")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--seed", type=int, default=1, help="seed of titles and dates")
    parser.add_argument(
        "--blogs-per-host", type=int, default=1, help="normal blogs sharing one host (default 1)"
    )
    parser.add_argument("--list-file", type=Path, help="write the blog list (one URL a line) here")
    parser.add_argument(
        "--no-specials", action="store_true", help="list only normal blogs (no failing ones)"
    )
    parser.add_argument(
        "--faults", type=float, default=0.0, help="share of pages that fail (0 to 1; see faults.py)"
    )
    parser.add_argument("--fault-seed", type=int, default=1, help="seed of which pages fail, how")
    parser.add_argument(
        "--fixtures",
        action="store_true",
        help="also serve the real engines' fixture sites as <slug>.fixtures.test",
    )
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="real-sized index and article pages (median 60/80 KB), compressed per "
        "Accept-Encoding (br, gzip); see farm/realistic.py",
    )
    parser.add_argument(
        "--web",
        type=float,
        default=0.0,
        metavar="MEDIAN",
        help="hosts as on the web (server.WebLike): each normal host's latency log-normal with "
        "this median (seconds) instead of --latency, and a share that hang or trickle",
    )
    parser.add_argument("--web-sigma", type=float, default=1.0, help="log-normal sigma (--web)")
    parser.add_argument("--hang-share", type=float, default=0.01, help="hosts that never answer")
    parser.add_argument("--trickle-share", type=float, default=0.01, help="hosts that trickle")
    parser.add_argument(
        "--tls-dir",
        type=Path,
        help="serve HTTPS with a test CA's certificate made (or reused) in this folder "
        "(tools/testca.py); the list's URLs are https",
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="with --realistic: make every index page and newest article, compressed, before "
        "saying ready (the farm then spends next to no CPU while a benchmark measures)",
    )
    return parser.parse_args(argv)


def closed_port() -> socket.socket:
    """A socket bound on 127.0.0.1 but not listening: connecting to its port is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from twisted.internet import reactor, ssl

    blogs = farm_blogs(args.blogs, args.seed, args.blogs_per_host)
    web = None
    if args.web > 0:
        web = WebLike(args.web, args.web_sigma, args.hang_share, args.trickle_share, args.seed)
    farm = BlogFarm(
        blogs,
        args.latency,
        alias_target=make_blog(0, seed=args.seed),
        realistic=args.realistic,
        web=web,
    )
    if args.fixtures:
        farm.serve_fixture_sites(load_fixture_sites())
    if args.faults > 0:
        farm.faults = FaultPlan(args.faults, args.fault_seed)
    if args.tls_dir:
        ca = make_test_ca(args.tls_dir)
        context = ssl.DefaultOpenSSLContextFactory(str(ca.leaf_key), str(ca.leaf))
        listener = reactor.listenSSL(  # type: ignore[attr-defined]
            args.port, make_site(farm), context, backlog=4096, interface="127.0.0.1"
        )
    else:
        listener = reactor.listenTCP(  # type: ignore[attr-defined]
            args.port, make_site(farm), backlog=4096, interface="127.0.0.1"
        )
    port = listener.getHost().port
    if args.prewarm and args.realistic:
        farm.prewarm("https" if args.tls_dir else "http", port)
    refused = closed_port()
    refused_port = refused.getsockname()[1]
    if args.list_file:
        listing = farm_listing(
            args.blogs,
            port,
            refused_port,
            args.seed,
            specials=not args.no_specials,
            blogs_per_host=args.blogs_per_host,
            scheme="https" if args.tls_dir else "http",
        )
        write_listing(args.list_file, listing)
    print(
        f"farm ready: port={port} refused_port={refused_port} blogs={len(blogs)} "
        f"latency={args.latency} list={args.list_file or '-'}"
        + (" realistic" if args.realistic else "")
        + (" tls" if args.tls_dir else ""),
        flush=True,
    )
    reactor.run()  # type: ignore[attr-defined]
    refused.close()


if __name__ == "__main__":
    sys.exit(main())
