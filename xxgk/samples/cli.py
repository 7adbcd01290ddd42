"""``xxgk samples …``: generate the sample world and serve it on 127.0.0.1."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Annotated

import typer

# The generator and server load inside the commands: this app is mounted in every `xxgk` process, and
# the generator's pypinyin tables alone are about 55 MB an audit's crawl would carry.

DEFAULT_DIR = Path("samples-world")
app = typer.Typer(help="Bundled sample 信息公开 portals: generate and serve them locally.", no_args_is_help=True)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the world into.")] = DEFAULT_DIR,
    seed: Annotated[int, typer.Option("--seed", help="World seed (same seed → byte-identical files).")] = 2024,
    count: Annotated[int, typer.Option("--count", min=0, help="Number of university portals.")] = 12,
    governments: Annotated[int, typer.Option("--governments", min=0, help="Number of government portals.")] = 6,
    hostile: Annotated[bool, typer.Option("--hostile", help="Add the hostile university portal (h01).")] = False,
    down: Annotated[bool, typer.Option("--down", help="List one more government portal that is not served.")] = False,
    set_name: Annotated[str | None, typer.Option("--set", help="Generate a v3 layout-variation set instead: dev, "
                                                 "probe, heldout or heldout2 (dev and probe may be tuned on; "
                                                 "nobody tunes the crawler on heldout or heldout2).")] = None,
) -> None:
    """Generate the sample world into OUT."""
    from .generate import generate_world

    if set_name is not None:
        typer.echo(f"wrote {_generate_set(out, set_name)}")
        return
    path = generate_world(out, seed=seed, n_universities=count, n_governments=governments,
                          include_hostile=hostile, include_down=down)
    typer.echo(f"wrote {path}")


def _generate_set(out: Path, set_name: str) -> Path:
    from .v3 import SETS, generate_set

    if set_name not in SETS:
        typer.echo(f"error: --set {set_name!r}: choose one of {', '.join(SETS)}", err=True)
        raise typer.Exit(2)
    return generate_set(out, set_name)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    dir: Annotated[Path, typer.Option("--dir", help="World folder (generated if it has no world.json).")] = DEFAULT_DIR,
    port: Annotated[int, typer.Option("--port", help="Base port: portal i gets PORT+i (0 = ephemeral).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed used when the world must be generated.")] = 2024,
    count: Annotated[int, typer.Option("--count", min=1, help="Portals to generate if needed.")] = 12,
    sites_csv: Annotated[Path | None, typer.Option("--sites-csv", help="Write the site list (name,url,kind).")] = None,
    delay: Annotated[float, typer.Option("--delay", min=0, help="Seconds to wait before every response.")] = 0.0,
    set_name: Annotated[str | None, typer.Option("--set", help="v3 set to generate if needed: dev, probe, heldout or heldout2.")] = None,
) -> None:
    """Serve every portal of the world until Ctrl-C."""
    from .generate import generate_world
    from .server import SampleServer

    if not (dir / "world.json").exists():
        if set_name is not None:
            _generate_set(dir, set_name)
        else:
            generate_world(dir, seed=seed, n_universities=count)
        typer.echo(f"generated {dir / 'world.json'}")
    try:
        server = SampleServer(dir, base_port=port, delay=delay).start()
    except OSError as exc:
        typer.echo(f"error: cannot serve the sample world: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        for portal in server.portals:
            typer.echo(f"{portal['slug']}  {server.urls[portal['slug']]}  {portal['name']} ({portal['cms']})")
        if sites_csv is not None:
            server.write_sites_csv(sites_csv)
            typer.echo(f"site list: {sites_csv}")
        typer.echo("serving; press Ctrl-C to stop")
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
