"""Command line: ``python -m helpers <command>``.

    doctor                  check the environment (lesson 0)
    build-exercises [--check]  write exercises/ from solutions/, or check they match
    build-readme [--check]     write the README's course map, or check it matches
    build-notebooks [--check]  rewrite every notebook's setup cell and Colab links, or check them
    make-examples [--check]    write the example MIDI files in data/examples/
    data build [--force]       build the folk and chorale corpus cache (lesson 2)
    data info                  show what the corpus cache holds
    train --model M --out DIR  train a model on the folk corpus (lessons 7, 8)
    ship DIR --name NAME       copy DIR/best.pt to data/checkpoints/ with its manifest entry
    condition train --out DIR  train the conditioned folk model (lesson 9)
    vae train|ship             the 2-bar melody VAE (lesson 10)
    jsb train|ship|download    the JSB Chorales benchmark model (lesson 11)
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check the environment")
    for name in ("build-exercises", "build-readme", "build-notebooks", "make-examples"):
        sub = commands.add_parser(name)
        sub.add_argument("--check", action="store_true", help="only report what is out of date")
    data = commands.add_parser("data", help="the corpus cache (lesson 2)")
    actions = data.add_subparsers(dest="action", required=True)
    actions.add_parser("build").add_argument("--force", action="store_true", help="rebuild anyway")
    actions.add_parser("info")
    commands.add_parser("train", add_help=False,
                        help="train a model on the folk corpus (python -m helpers train --help)")
    commands.add_parser("condition", add_help=False,
                        help="train the conditioned folk model (python -m helpers condition train --help)")
    commands.add_parser("vae", add_help=False,
                        help="the 2-bar melody VAE (python -m helpers vae --help)")
    commands.add_parser("jsb", add_help=False,
                        help="the JSB Chorales benchmark model (python -m helpers jsb --help)")
    ship = commands.add_parser("ship", help="copy a trained model to data/checkpoints/")
    ship.add_argument("run_dir")
    ship.add_argument("--name", required=True)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["vae"]:     # lesson 10's latent-space model: train, ship
        from helpers.vae_command import main as vae_main
        return vae_main(argv[1:])
    if argv[:1] == ["jsb"]:     # lesson 11's benchmark model: train, ship, download
        from helpers.jsb import main as jsb_main
        return jsb_main(argv[1:])
    if argv[:2] == ["condition", "train"]:   # lesson 9's prompted model
        from helpers.conditioned_model import main as condition_main
        return condition_main(argv[2:])
    if argv[:1] == ["train"]:   # its options come from the config dataclasses
        from helpers.train_command import main as train_main
        return train_main(argv[1:])
    args = parser.parse_args(argv)

    if args.command == "doctor":
        from helpers.doctor import diagnose, report
        return 1 if report(diagnose()) else 0
    if args.command == "build-exercises":
        from helpers.course.exercises import build_exercises
        return _report(build_exercises(check=args.check), "exercises/", args.check)
    if args.command == "build-readme":
        from helpers.course.readme import build_readme
        fresh = build_readme(check=args.check)
        return _report([] if fresh else ["README.md course map"], "README.md", args.check)
    if args.command == "build-notebooks":
        from helpers.course.notebooks import build_notebooks
        return _report(build_notebooks(check=args.check), "notebooks", args.check)
    if args.command == "make-examples":
        from helpers.course.examples import write_examples
        return _report(write_examples(check=args.check), "data/examples/", args.check)
    if args.command == "data":
        from helpers.corpus import data_command
        return data_command(args.action, force=getattr(args, "force", False))
    if args.command == "ship":
        from helpers.train_command import ship
        ship(args.run_dir, args.name)
        return 0
    return 2


def _report(problems, what, check):
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        hint = " (run the same command without --check)" if check else ""
        print(f"{what}: {len(problems)} problem(s){hint}", file=sys.stderr)
        return 1
    print(f"{what}: up to date" if check else f"{what}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
