"""``plenary organiser …`` and ``plenary erase``: the operator's commands about people, run
through ``service.commands`` as the operator."""

from __future__ import annotations

import argparse

from domain import workshop
from domain.actor import Actor
from service.access import organisers
from service.access.auth import operator
from service.cli.common import Sub, with_plenary
from service.commands.access import Caller
from service.commands.handle import handle
from service.context import Plenary
from service.ids import new_id


def erase(args: argparse.Namespace) -> int:
    """``plenary erase --workshop W PERSON``: the operator erases a person of a workshop."""

    async def work(ctx: Plenary) -> int:
        caller = Caller(actor=operator(), workshop_id=args.workshop)
        command = workshop.ErasePerson(actor_id=args.person)
        done = await handle(ctx, caller, command, new_id())
        state = "erased" if done.events else "was erased already"
        print(
            f"{args.person} {state} in workshop {args.workshop} (version {done.version}): "
            "their key is gone, what they wrote reads (erased) everywhere."
        )
        return 0

    return with_plenary(args, work)


def organiser(args: argparse.Namespace) -> int:
    """``plenary organiser add NAME | list | remove ID | link ID``."""

    async def work(ctx: Plenary) -> int:
        if args.action == "add":
            if not args.name:
                raise SystemExit("plenary organiser add needs a NAME")
            added = await organisers.add(ctx, args.name)
            print(f"organiser {added.id} ({added.name}) added; their sign-in link:")
            print(organisers.signin_link(ctx, added))
        elif args.action == "list":
            for organiser_id, name in (await organisers.active(ctx)).items():
                print(f"{organiser_id}\t{name}")
        elif args.action == "remove":
            await organisers.remove(ctx, _one(args))
            print(f"organiser {args.name} removed; their links stop working now")
        else:
            everyone = await organisers.active(ctx)
            organiser_id = _one(args)
            if organiser_id not in everyone:
                raise SystemExit(f"no organiser {organiser_id!r} (plenary organiser list)")
            who = Actor(id=organiser_id, role="organiser", name=everyone[organiser_id])
            print(organisers.signin_link(ctx, who))
        return 0

    return with_plenary(args, work)


def _one(args: argparse.Namespace) -> str:
    if not args.name:
        raise SystemExit(f"plenary organiser {args.action} needs an organiser ID")
    name: str = args.name
    return name


def register(sub: Sub) -> None:
    """Add ``organiser`` and ``erase``."""
    people = sub(
        "organiser",
        organiser,
        "Add, list or remove the organisers who create programmes and workshops.",
    )
    people.add_argument("action", choices=["add", "list", "remove", "link"])
    people.add_argument("name", nargs="?", help="add: the organiser's name; remove, link: their id")
    erasing = sub(
        "erase",
        erase,
        "Erase a person of a workshop (GDPR art. 17): remove them and drop their key, so "
        "their name and everything they wrote read (erased) everywhere, the log included.",
    )
    erasing.add_argument("--workshop", metavar="ID", required=True)
    erasing.add_argument("person", metavar="PERSON", help="the person's id (actor_id)")
